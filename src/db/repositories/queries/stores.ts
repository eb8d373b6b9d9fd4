// Stores (店舗) with the code of the warehouse they ship from.
import { and, asc, eq } from "drizzle-orm";
import { notFound } from "../../../domain/errors.ts";
import type { Db } from "../../connection.ts";
import { stores, warehouses } from "../../schema.ts";
import { countWhere, offsetOf, type PageRequest } from "./paging.ts";

const storeView = {
  id: stores.id,
  channel: stores.channel,
  name: stores.name,
  status: stores.status,
  warehouseId: stores.warehouseId,
  warehouseCode: warehouses.code,
  targetStatuses: stores.targetStatuses,
  settings: stores.settings,
  itemCap: stores.itemCap,
  orderCodePrefix: stores.orderCodePrefix,
  createdAt: stores.createdAt,
  updatedAt: stores.updatedAt,
};

export async function listStores(db: Db, organizationId: number, paging: PageRequest) {
  const where = eq(stores.organizationId, organizationId);
  const rows = await db
    .select(storeView)
    .from(stores)
    .innerJoin(warehouses, eq(warehouses.id, stores.warehouseId))
    .where(where)
    .orderBy(asc(stores.id))
    .limit(paging.limit)
    .offset(offsetOf(paging));
  return { rows, total: await countWhere(db, stores, where) };
}

export async function findStoreView(db: Db, organizationId: number, storeId: number) {
  const [row] = await db
    .select(storeView)
    .from(stores)
    .innerJoin(warehouses, eq(warehouses.id, stores.warehouseId))
    .where(and(eq(stores.id, storeId), eq(stores.organizationId, organizationId)));
  if (!row) throw notFound(`store ${storeId}`, "storeId");
  return row;
}
