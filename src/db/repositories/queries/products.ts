// Products (商品) of an organization.
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../connection.ts";
import { products } from "../../schema.ts";
import { countWhere, offsetOf, type PageRequest } from "./paging.ts";

export async function findProductByCode(db: Db, organizationId: number, code: string) {
  const [row] = await db
    .select()
    .from(products)
    .where(and(eq(products.organizationId, organizationId), eq(products.code, code)));
  return row ?? null;
}

/** Products whose code starts with `codePrefix` (taken literally: `_` is not a wildcard). */
export async function listProducts(
  db: Db,
  organizationId: number,
  filter: { codePrefix?: string },
  paging: PageRequest,
) {
  const conditions: SQL[] = [eq(products.organizationId, organizationId)];
  if (filter.codePrefix) conditions.push(sql`starts_with(${products.code}, ${filter.codePrefix})`);
  const where = and(...conditions);
  const rows = await db
    .select()
    .from(products)
    .where(where)
    .orderBy(asc(products.code))
    .limit(paging.limit)
    .offset(offsetOf(paging));
  return { rows, total: await countWhere(db, products, where) };
}
