// A store's product correspondence table (商品対応表): channel item → SKUs × quantity.
import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../connection.ts";
import { correspondenceComponents, correspondences, products } from "../../schema.ts";
import { countWhere, offsetOf, type PageRequest } from "./paging.ts";

export interface CorrespondenceComponentView {
  productId: number;
  productCode: string;
  quantity: number;
}

export interface CorrespondenceView {
  id: number;
  itemCode: string;
  optionCode: string;
  unlimitedStock: boolean;
  components: CorrespondenceComponentView[];
  /** The stock formula (I0); the defaults send the free stock of the store's warehouse as it is. */
  stockFormula: {
    reserve: number;
    sharePercent: number;
    maximum: number | null;
    minimum: number | null;
    sendOnceAfterReceipt: boolean;
    warehouseIds: number[];
  };
}

// Byte order, so a listing (and an export) reads the same on every server whatever its locale.
const byItem = [sql`${correspondences.itemCode} COLLATE "C"`, sql`${correspondences.optionCode} COLLATE "C"`];

async function withComponents(
  db: Db,
  entries: (typeof correspondences.$inferSelect)[],
): Promise<CorrespondenceView[]> {
  if (entries.length === 0) return [];
  const parts = await db
    .select({
      correspondenceId: correspondenceComponents.correspondenceId,
      productId: products.id,
      productCode: products.code,
      quantity: correspondenceComponents.quantity,
    })
    .from(correspondenceComponents)
    .innerJoin(products, eq(products.id, correspondenceComponents.productId))
    .where(
      inArray(
        correspondenceComponents.correspondenceId,
        entries.map((e) => e.id),
      ),
    )
    .orderBy(sql`${products.code} COLLATE "C"`);
  return entries.map((entry) => ({
    id: entry.id,
    itemCode: entry.itemCode,
    optionCode: entry.optionCode,
    unlimitedStock: entry.unlimitedStock,
    stockFormula: {
      reserve: entry.stockReserve,
      sharePercent: entry.stockSharePercent,
      maximum: entry.stockMaximum,
      minimum: entry.stockMinimum,
      sendOnceAfterReceipt: entry.stockSendOnceAfterReceipt,
      warehouseIds: entry.stockWarehouseIds,
    },
    components: parts
      .filter((p) => p.correspondenceId === entry.id)
      .map(({ productId, productCode, quantity }) => ({ productId, productCode, quantity })),
  }));
}

export async function listCorrespondences(
  db: Db,
  organizationId: number,
  storeId: number,
  filter: { itemCode?: string },
  paging: PageRequest,
) {
  const conditions: SQL[] = [
    eq(correspondences.organizationId, organizationId),
    eq(correspondences.storeId, storeId),
  ];
  if (filter.itemCode !== undefined) conditions.push(eq(correspondences.itemCode, filter.itemCode));
  const where = and(...conditions);
  const entries = await db
    .select()
    .from(correspondences)
    .where(where)
    .orderBy(...byItem)
    .limit(paging.limit)
    .offset(offsetOf(paging));
  return { rows: await withComponents(db, entries), total: await countWhere(db, correspondences, where) };
}

/** The whole table of a store, for export. */
export async function allCorrespondences(db: Db, organizationId: number, storeId: number) {
  const entries = await db
    .select()
    .from(correspondences)
    .where(and(eq(correspondences.organizationId, organizationId), eq(correspondences.storeId, storeId)))
    .orderBy(...byItem);
  return withComponents(db, entries);
}

export async function findCorrespondence(
  db: Db,
  organizationId: number,
  storeId: number,
  itemCode: string,
  optionCode: string,
): Promise<CorrespondenceView | null> {
  const entries = await db
    .select()
    .from(correspondences)
    .where(
      and(
        eq(correspondences.organizationId, organizationId),
        eq(correspondences.storeId, storeId),
        eq(correspondences.itemCode, itemCode),
        eq(correspondences.optionCode, optionCode),
      ),
    );
  const [view] = await withComponents(db, entries);
  return view ?? null;
}

/** Ids of the organization's products by code, for the codes given. */
export async function productIdsByCode(
  db: Db,
  organizationId: number,
  codes: string[],
): Promise<Map<string, number>> {
  if (codes.length === 0) return new Map();
  const rows = await db
    .select({ id: products.id, code: products.code })
    .from(products)
    .where(and(eq(products.organizationId, organizationId), inArray(products.code, [...new Set(codes)])));
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** Keys (`item\0option`) of the store's entries, to tell created from updated on import. */
export async function correspondenceKeys(db: Db, organizationId: number, storeId: number) {
  const rows = await db
    .select({ itemCode: correspondences.itemCode, optionCode: correspondences.optionCode })
    .from(correspondences)
    .where(and(eq(correspondences.organizationId, organizationId), eq(correspondences.storeId, storeId)))
    .orderBy(asc(correspondences.id));
  return new Set(rows.map((r) => `${r.itemCode}\u0000${r.optionCode}`));
}
