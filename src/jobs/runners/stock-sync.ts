// 在庫連動: pushes available stock per channel item in the channel's batches; `full` (resync) sends every
// item again, otherwise only numbers the channel does not have yet. Each item's last value, time and
// error are kept for the diagnosis.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/connection.ts";
import {
  channelItemStates,
  correspondenceComponents,
  correspondences,
  products,
  stockLedger,
  stockLevels,
} from "../../db/schema.ts";
import { availableToSell } from "../../domain/availability.ts";
import { type ChannelItem, itemKey, planStockSync } from "../../domain/stock-sync-plan.ts";
import type { RunContext, StoreRow } from "./context.ts";

export const pushChangedStock = (context: RunContext) => syncStock(context, false);
export const resyncAllStock = (context: RunContext) => syncStock(context, true);

async function syncStock(context: RunContext, full: boolean): Promise<void> {
  const { db, store, connector, journal } = context;
  const capability = connector.capabilities.stockPush;
  if (!capability) return;
  const items = await markAwaitingReceipt(db, store, await loadChannelItems(db, store.id));
  const available = await loadItemAvailability(db, store, items);
  const sendAll = full && !capability.changedOnly;
  const lastPushed = sendAll ? new Map<string, number>() : await loadLastPushed(db, store.id);
  const plan = planStockSync({ status: store.status, itemCap: store.itemCap }, items, available, lastPushed);

  const toPush = plan.flatMap((d) => (d.action === "push" ? [{ item: d.item, quantity: d.quantity }] : []));
  for (const d of plan)
    if (d.action === "skip") journal.count(d.reason === "unchanged" ? "unchanged" : "skipped");

  for (let start = 0; start < toPush.length; start += capability.batchSize) {
    const slice = toPush.slice(start, start + capability.batchSize);
    const results = await journal.call("push stock", () =>
      connector.pushStock(
        slice.map((p) => ({
          itemCode: p.item.itemCode,
          optionCode: p.item.optionCode || undefined,
          quantity: p.quantity,
        })),
        `stock-run-${context.runId}-${start}`,
      ),
    );
    const quantityByKey = new Map(slice.map((p) => [itemKey(p.item), p.quantity]));
    const pushedAt = new Date();
    const states: ItemState[] = [];
    for (const result of results) {
      const key = { storeId: store.id, itemCode: result.itemCode, optionCode: result.optionCode ?? "" };
      if (result.status === "updated") {
        journal.count("pushed");
        states.push({
          ...key,
          lastPushedQuantity: quantityByKey.get(itemKey(key)) ?? null,
          lastPushedAt: pushedAt,
          lastError: null,
          lastErrorAt: null,
        });
      } else {
        journal.count("failed");
        journal.error({
          message: `item ${result.itemCode} was refused (${result.reason})`,
          channelMessage: result.channelMessage,
          item: result.itemCode,
        });
        states.push({
          ...key,
          lastError: `${result.reason}: ${result.channelMessage}`,
          lastErrorAt: pushedAt,
        });
      }
    }
    await recordItemStates(db, states);
    await context.checkpoint(null);
  }
}

type ItemState = typeof channelItemStates.$inferInsert;

/**
 * What a batch did to each item, in one statement per kind of outcome: a pushed item's last number, a
 * refused item's error (its last pushed number stays).
 */
async function recordItemStates(db: Db, states: ItemState[]): Promise<void> {
  const target = [channelItemStates.storeId, channelItemStates.itemCode, channelItemStates.optionCode];
  const pushed = states.filter((s) => s.lastPushedAt !== undefined);
  const refused = states.filter((s) => s.lastPushedAt === undefined);
  if (pushed.length > 0) {
    await db
      .insert(channelItemStates)
      .values(pushed)
      .onConflictDoUpdate({
        target,
        set: {
          lastPushedQuantity: sql`excluded.last_pushed_quantity`,
          lastPushedAt: sql`excluded.last_pushed_at`,
          lastError: null,
          lastErrorAt: null,
        },
      });
  }
  if (refused.length > 0) {
    await db
      .insert(channelItemStates)
      .values(refused)
      .onConflictDoUpdate({
        target,
        set: { lastError: sql`excluded.last_error`, lastErrorAt: sql`excluded.last_error_at` },
      });
  }
}

export async function loadChannelItems(db: Db, storeId: number): Promise<ChannelItem[]> {
  const rows = await db
    .select({
      id: correspondences.id,
      itemCode: correspondences.itemCode,
      optionCode: correspondences.optionCode,
      unlimitedStock: correspondences.unlimitedStock,
      reserve: correspondences.stockReserve,
      sharePercent: correspondences.stockSharePercent,
      maximum: correspondences.stockMaximum,
      minimum: correspondences.stockMinimum,
      sendOnce: correspondences.stockSendOnceAfterReceipt,
      warehouseIds: correspondences.stockWarehouseIds,
      productId: correspondenceComponents.productId,
      quantity: correspondenceComponents.quantity,
    })
    .from(correspondences)
    .innerJoin(correspondenceComponents, eq(correspondenceComponents.correspondenceId, correspondences.id))
    .where(eq(correspondences.storeId, storeId));
  const byId = new Map<number, ChannelItem>();
  for (const row of rows) {
    const item = byId.get(row.id) ?? {
      id: row.id,
      itemCode: row.itemCode,
      optionCode: row.optionCode,
      unlimitedStock: row.unlimitedStock,
      components: [],
      formula: {
        reserve: row.reserve,
        sharePercent: row.sharePercent,
        maximum: row.maximum,
        minimum: row.minimum,
      },
      warehouseIds: row.warehouseIds,
      sendOnceAfterReceipt: row.sendOnce,
      awaitingReceipt: row.sendOnce, // settled by markAwaitingReceipt
    };
    item.components.push({ productId: row.productId, quantity: row.quantity });
    byId.set(row.id, item);
  }
  return [...byId.values()];
}

/** Available to sell per product in the store's warehouse. */
export async function loadAvailability(
  db: Db,
  store: StoreRow,
  items: ChannelItem[],
): Promise<Map<number, number>> {
  const productIds = [...new Set(items.flatMap((i) => i.components.map((c) => c.productId)))];
  if (productIds.length === 0) return new Map();
  const rows = await db
    .select({
      productId: products.id,
      safetyStock: products.safetyStock,
      onHand: stockLevels.onHand,
      reserved: stockLevels.reserved,
    })
    .from(products)
    .leftJoin(
      stockLevels,
      and(eq(stockLevels.productId, products.id), eq(stockLevels.warehouseId, store.warehouseId)),
    )
    .where(inArray(products.id, productIds));
  return new Map(
    rows.map((r) => [
      r.productId,
      availableToSell({ onHand: r.onHand ?? 0, reserved: r.reserved ?? 0, safetyStock: r.safetyStock }),
    ]),
  );
}

/** The warehouses an item counts: its own choice, else the store's default warehouse. */
export const countedWarehouses = (store: StoreRow, item: ChannelItem): number[] =>
  item.warehouseIds && item.warehouseIds.length > 0 ? item.warehouseIds : [store.warehouseId];

/**
 * Free stock per product for each item, over the warehouses the item counts: the sum of on hand −
 * reserved there, less the product's safety stock once, never below zero.
 */
export async function loadItemAvailability(
  db: Db,
  store: StoreRow,
  items: ChannelItem[],
): Promise<(item: ChannelItem) => Map<number, number>> {
  const productIds = [...new Set(items.flatMap((i) => i.components.map((c) => c.productId)))];
  const safety = new Map<number, number>();
  const free = new Map<string, number>();
  if (productIds.length > 0) {
    const productRows = await db
      .select({ id: products.id, safetyStock: products.safetyStock })
      .from(products)
      .where(inArray(products.id, productIds));
    for (const p of productRows) safety.set(p.id, p.safetyStock);
    const levels = await db.select().from(stockLevels).where(inArray(stockLevels.productId, productIds));
    for (const l of levels) free.set(`${l.productId}:${l.warehouseId}`, l.onHand - l.reserved);
  }
  return (item) => {
    const warehouses = countedWarehouses(store, item);
    return new Map(
      item.components.map((c) => {
        const sum = warehouses.reduce((total, w) => total + (free.get(`${c.productId}:${w}`) ?? 0), 0);
        return [c.productId, Math.max(0, sum - (safety.get(c.productId) ?? 0))];
      }),
    );
  };
}

/**
 * Items sent once after each receipt (I0) wait while no stock came into a warehouse they count since
 * their last push; an item never pushed is sent.
 */
export async function markAwaitingReceipt(
  db: Db,
  store: StoreRow,
  items: ChannelItem[],
): Promise<ChannelItem[]> {
  const once = items.filter((i) => i.awaitingReceipt);
  if (once.length === 0) return items;
  const states = await db.select().from(channelItemStates).where(eq(channelItemStates.storeId, store.id));
  const pushedAt = new Map(states.map((s) => [itemKey(s), s.lastPushedAt]));
  for (const item of once) {
    const last = pushedAt.get(itemKey(item));
    if (!last) {
      item.awaitingReceipt = false;
      continue;
    }
    const [receipt] = await db
      .select({ id: stockLedger.id })
      .from(stockLedger)
      .where(
        and(
          inArray(
            stockLedger.productId,
            item.components.map((c) => c.productId),
          ),
          inArray(stockLedger.warehouseId, countedWarehouses(store, item)),
          inArray(stockLedger.kind, ["receipt", "transfer"]),
          sql`${stockLedger.onHandDelta} > 0`,
          sql`${stockLedger.createdAt} > ${last.toISOString()}`,
        ),
      )
      .limit(1);
    item.awaitingReceipt = receipt === undefined;
  }
  return items;
}

async function loadLastPushed(db: Db, storeId: number): Promise<Map<string, number>> {
  const rows = await db
    .select()
    .from(channelItemStates)
    .where(
      and(eq(channelItemStates.storeId, storeId), sql`${channelItemStates.lastPushedQuantity} IS NOT NULL`),
    );
  return new Map(rows.map((r) => [itemKey(r), r.lastPushedQuantity as number]));
}
