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
  const items = await loadChannelItems(db, store.id);
  const available = await loadAvailability(db, store, items);
  const lastPushed = full ? new Map<string, number>() : await loadLastPushed(db, store.id);
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
    for (const result of results) {
      const key = { storeId: store.id, itemCode: result.itemCode, optionCode: result.optionCode ?? "" };
      if (result.status === "updated") {
        journal.count("pushed");
        await recordItemState(db, key, {
          lastPushedQuantity: quantityByKey.get(itemKey(key)) ?? null,
          lastPushedAt: new Date(),
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
        await recordItemState(db, key, {
          lastError: `${result.reason}: ${result.channelMessage}`,
          lastErrorAt: new Date(),
        });
      }
    }
    await context.checkpoint(null);
  }
}

async function recordItemState(
  db: Db,
  key: { storeId: number; itemCode: string; optionCode: string },
  values: Partial<typeof channelItemStates.$inferInsert>,
): Promise<void> {
  await db
    .insert(channelItemStates)
    .values({ ...key, ...values })
    .onConflictDoUpdate({
      target: [channelItemStates.storeId, channelItemStates.itemCode, channelItemStates.optionCode],
      set: values,
    });
}

export async function loadChannelItems(db: Db, storeId: number): Promise<ChannelItem[]> {
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
    .where(eq(correspondences.storeId, storeId));
  const byId = new Map<number, ChannelItem>();
  for (const row of rows) {
    const item = byId.get(row.id) ?? {
      id: row.id,
      itemCode: row.itemCode,
      optionCode: row.optionCode,
      unlimitedStock: row.unlimitedStock,
      components: [],
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

async function loadLastPushed(db: Db, storeId: number): Promise<Map<string, number>> {
  const rows = await db
    .select()
    .from(channelItemStates)
    .where(
      and(eq(channelItemStates.storeId, storeId), sql`${channelItemStates.lastPushedQuantity} IS NOT NULL`),
    );
  return new Map(rows.map((r) => [itemKey(r), r.lastPushedQuantity as number]));
}
