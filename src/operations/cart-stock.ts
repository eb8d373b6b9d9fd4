// Stock a cart pulls (I4, Craft Cart reads it every ~10 minutes and on "get stock now"): available to sell
// per item of the store — the store's product correspondence entries (sets as whole sets), or a product
// code itself — in the store's warehouse. Either for given codes, or every item whose stock changed since a
// cursor. The cursor is the stock ledger's id (在庫の入出庫履歴): every change of on-hand or reserved writes
// a ledger row, so "rows after N" is exactly "what changed since N".
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/connection.ts";
import { getStore } from "../db/repositories/scope.ts";
import { correspondenceComponents, correspondences, products, stockLedger } from "../db/schema.ts";
import { availableForItem } from "../domain/availability.ts";
import { invalid } from "../domain/errors.ts";
import type { ChannelItem } from "../domain/stock-sync-plan.ts";
import { loadAvailability } from "../jobs/runners/stock-sync.ts";

export interface CartStockItem {
  article_code: string;
  option_code: string;
  /** フリー在庫: what the cart may sell now (on hand − reserved − safety stock; sets as whole sets). */
  free: number;
  stock_out: boolean;
  /** The store sells this item with unlimited stock (商品対応表): the cart should not overwrite it. */
  unlimited: boolean;
}

type Store = Awaited<ReturnType<typeof getStore>>;

/** The store's items: correspondence entries, and products sold under their own code. */
async function itemsWhere(
  db: Db,
  store: Store,
  filter: { codes?: string[]; productIds?: number[] },
): Promise<ChannelItem[]> {
  const entryFilter = filter.codes
    ? inArray(correspondences.itemCode, filter.codes)
    : inArray(
        correspondences.id,
        db
          .select({ id: correspondenceComponents.correspondenceId })
          .from(correspondenceComponents)
          .where(inArray(correspondenceComponents.productId, filter.productIds ?? [])),
      );
  const rows = await db
    .select({
      id: correspondences.id,
      itemCode: correspondences.itemCode,
      optionCode: correspondences.optionCode,
      unlimitedStock: correspondences.unlimitedStock,
      productId: correspondenceComponents.productId,
      quantity: correspondenceComponents.quantity,
    })
    .from(correspondences)
    .innerJoin(correspondenceComponents, eq(correspondenceComponents.correspondenceId, correspondences.id))
    .where(and(eq(correspondences.storeId, store.id), entryFilter))
    .orderBy(asc(correspondences.id));
  const items = new Map<string, ChannelItem>();
  for (const row of rows) {
    const key = `${row.itemCode}\u0000${row.optionCode}`;
    const item = items.get(key) ?? {
      id: row.id,
      itemCode: row.itemCode,
      optionCode: row.optionCode,
      unlimitedStock: row.unlimitedStock,
      components: [],
    };
    item.components.push({ productId: row.productId, quantity: row.quantity });
    items.set(key, item);
  }
  // A product code the table does not list is the item itself (as order registration maps it).
  const productFilter = filter.codes
    ? inArray(products.code, filter.codes)
    : inArray(products.id, filter.productIds ?? []);
  const direct = await db
    .select({ id: products.id, code: products.code })
    .from(products)
    .where(and(eq(products.organizationId, store.organizationId), productFilter));
  for (const product of direct) {
    const key = `${product.code}\u0000`;
    if (items.has(key)) continue;
    items.set(key, {
      id: -product.id,
      itemCode: product.code,
      optionCode: "",
      unlimitedStock: false,
      components: [{ productId: product.id, quantity: 1 }],
    });
  }
  return [...items.values()];
}

async function stockOf(db: Db, store: Store, items: ChannelItem[]): Promise<CartStockItem[]> {
  const available = await loadAvailability(db, store, items);
  return items
    .map((item) => {
      const free = availableForItem(item.components, available);
      return {
        article_code: item.itemCode,
        option_code: item.optionCode,
        free,
        stock_out: free === 0,
        unlimited: item.unlimitedStock,
      };
    })
    .sort(
      (a, b) => a.article_code.localeCompare(b.article_code) || a.option_code.localeCompare(b.option_code),
    );
}

/** Stock of the given item codes (at most 100); codes Kura does not know are listed apart. */
export async function stockByCodes(
  db: Db,
  caller: { organizationId: number; storeId: number },
  codes: string[],
): Promise<{ data: CartStockItem[]; not_found: string[] }> {
  const unique = [...new Set(codes)];
  if (unique.length === 0)
    throw invalid("validation_failed", "at least one article_code is required", "article_code");
  if (unique.length > 100)
    throw invalid("validation_failed", "at most 100 article codes per call", "article_code");
  const store = await getStore(db, caller.organizationId, caller.storeId);
  const data = await stockOf(db, store, await itemsWhere(db, store, { codes: unique }));
  const found = new Set(data.map((d) => d.article_code));
  return { data, not_found: unique.filter((code) => !found.has(code)) };
}

/**
 * How old a change must be before a cursor moves past it. Ids and times are taken when a row is written
 * but become visible at commit, so on a server with concurrent writers a row may appear after a later one
 * was read: a cursor that moved past it at once would miss it. Until a change is this old it is reported
 * again on every call (harmless: the cart overwrites a number with the same number).
 */
export const settleSeconds = 5;

export interface StockChanges {
  data: CartStockItem[];
  /** Pass it back as `cursor` to get what changed after this page. */
  next_cursor: string;
  /** More changes wait after `next_cursor`: ask again at once. */
  has_more: boolean;
}

/**
 * Items whose stock changed after `cursor` (a ledger id; none = from the start), `limit` products per
 * page ordered by their last change. A product that changes again later appears again on a later page;
 * changes younger than `settleSeconds` come again until they settle.
 */
export async function stockChangesSince(
  db: Db,
  caller: { organizationId: number; storeId: number },
  cursor: string | undefined,
  limit: number,
): Promise<StockChanges> {
  const after = parseCursor(cursor);
  const store = await getStore(db, caller.organizationId, caller.storeId);
  const lastChange = sql<number>`max(${stockLedger.id})`.mapWith(Number);
  const changed = await db
    .select({ productId: stockLedger.productId, lastChange })
    .from(stockLedger)
    .where(
      and(
        eq(stockLedger.organizationId, store.organizationId),
        eq(stockLedger.warehouseId, store.warehouseId),
        gt(stockLedger.id, after),
      ),
    )
    .groupBy(stockLedger.productId)
    .orderBy(asc(lastChange))
    .limit(limit + 1);
  const page = changed.slice(0, limit);
  const lastOfPage = page.at(-1)?.lastChange ?? after;
  const [settled] = await db
    .select({ id: sql<number | null>`max(${stockLedger.id})`.mapWith(Number) })
    .from(stockLedger)
    .where(
      and(
        eq(stockLedger.organizationId, store.organizationId),
        eq(stockLedger.warehouseId, store.warehouseId),
        gt(stockLedger.id, after),
        sql`${stockLedger.createdAt} < now() - make_interval(secs => ${settleSeconds})`,
      ),
    );
  const nextCursor = Math.min(lastOfPage, Math.max(after, settled?.id || 0));
  const productIds = page.map((c) => c.productId);
  const data =
    productIds.length === 0 ? [] : await stockOf(db, store, await itemsWhere(db, store, { productIds }));
  // While the cursor cannot move past this page, asking again at once would only repeat it.
  const hasMore = changed.length > limit && nextCursor === lastOfPage;
  return { data, next_cursor: String(nextCursor), has_more: hasMore };
}

function parseCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === "") return 0;
  if (!/^\d{1,15}$/.test(cursor)) {
    throw invalid("validation_failed", "cursor must be a value from next_cursor", "cursor");
  }
  return Number(cursor);
}
