// Lookups scoped to an organization: a row of another organization is "not found", never visible.
import { and, eq } from "drizzle-orm";
import { notFound } from "../../domain/errors.ts";
import type { Db } from "../connection.ts";
import { products, stores, warehouses } from "../schema.ts";

export async function getStore(tx: Db, organizationId: number, storeId: number) {
  const [store] = await tx
    .select()
    .from(stores)
    .where(and(eq(stores.id, storeId), eq(stores.organizationId, organizationId)));
  if (!store) throw notFound(`store ${storeId}`, "storeId");
  return store;
}

export async function getProductByCode(tx: Db, organizationId: number, code: string) {
  const [product] = await tx
    .select()
    .from(products)
    .where(and(eq(products.code, code), eq(products.organizationId, organizationId)));
  if (!product) throw notFound(`product ${code}`, "productCode");
  return product;
}

export async function getWarehouseByCode(tx: Db, organizationId: number, code: string) {
  const [warehouse] = await tx
    .select()
    .from(warehouses)
    .where(and(eq(warehouses.code, code), eq(warehouses.organizationId, organizationId)));
  if (!warehouse) throw notFound(`warehouse ${code}`, "warehouseCode");
  return warehouse;
}
