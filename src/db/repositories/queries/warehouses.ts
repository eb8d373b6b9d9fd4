// Warehouses of an organization.
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../connection.ts";
import { warehouses } from "../../schema.ts";
import { countWhere, offsetOf, type PageRequest } from "./paging.ts";

export async function listWarehouses(db: Db, organizationId: number, paging: PageRequest) {
  const where = eq(warehouses.organizationId, organizationId);
  const rows = await db
    .select()
    .from(warehouses)
    .where(where)
    .orderBy(asc(warehouses.code))
    .limit(paging.limit)
    .offset(offsetOf(paging));
  return { rows, total: await countWhere(db, warehouses, where) };
}
