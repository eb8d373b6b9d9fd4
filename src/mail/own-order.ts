// Not echoing a store's own order back (I5): the cart lowered its own stock when it took the order, so what
// the cart shows is what Kura last pushed minus this order. Shifting the store's "last pushed" numbers by
// the order's effect on each item, in the registration's transaction, makes the push that follows send
// only what changed through something else (another store's order, a receipt, a stocktake) — and nothing
// when nothing else changed. Other stores still get the new number, as with any order.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/connection.ts";
import { channelItemStates, orderItems, orders, products, stockLevels, type stores } from "../db/schema.ts";
import { availableForItem } from "../domain/availability.ts";
import { loadChannelItems } from "../jobs/runners/stock-sync.ts";

type Store = typeof stores.$inferSelect;

export async function absorbOwnOrder(tx: Db, store: Store, orderId: number): Promise<void> {
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId));
  if (!order?.allocated) return; // nothing was taken from Kura's stock (held, or waiting for stock)
  const taken = await tx
    .select({ productId: orderItems.productId, quantity: sql<number>`sum(${orderItems.quantity})::int` })
    .from(orderItems)
    .where(
      and(
        eq(orderItems.orderId, orderId),
        eq(orderItems.allocated, true),
        eq(orderItems.warehouseId, store.warehouseId),
      ),
    )
    .groupBy(orderItems.productId);
  const takenByProduct = new Map(taken.map((t) => [t.productId, t.quantity]));
  const items = (await loadChannelItems(tx, store.id)).filter((item) =>
    item.components.some((c) => takenByProduct.has(c.productId)),
  );
  if (items.length === 0) return;

  const productIds = [...new Set(items.flatMap((i) => i.components.map((c) => c.productId)))];
  const levels = await tx
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
  const after = new Map<number, number>();
  const before = new Map<number, number>();
  for (const level of levels) {
    const free = (level.onHand ?? 0) - (level.reserved ?? 0) - level.safetyStock;
    after.set(level.productId, Math.max(0, free));
    before.set(level.productId, Math.max(0, free + (takenByProduct.get(level.productId) ?? 0)));
  }

  for (const item of items) {
    const delta = availableForItem(item.components, after) - availableForItem(item.components, before);
    if (delta === 0) continue;
    await tx
      .update(channelItemStates)
      .set({ lastPushedQuantity: sql`greatest(0, ${channelItemStates.lastPushedQuantity} + ${delta})` })
      .where(
        and(
          eq(channelItemStates.storeId, store.id),
          eq(channelItemStates.itemCode, item.itemCode),
          eq(channelItemStates.optionCode, item.optionCode),
          sql`${channelItemStates.lastPushedQuantity} IS NOT NULL`,
        ),
      );
  }
}
