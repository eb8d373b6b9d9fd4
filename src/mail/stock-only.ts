// 在庫のみ ("stock only") mail stores: the cart ships the order itself, Kura only keeps the stock. The order
// is registered as usual (idempotent by order code, mapped, held when it cannot be mapped); once its stock
// is reserved it is consumed at once (ledger kind `shipment`, on hand drops) and the order is marked
// shipped, so settling it makes no shipment slip. An order Kura has too little stock for is held with
// `stock_short`: the cart sold units Kura does not have, which someone should look at.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/connection.ts";
import { consumeAll } from "../db/repositories/stock.ts";
import { orderHistory, orderItems, orders } from "../db/schema.ts";
import type { HoldReason } from "../domain/order-mapping.ts";

export function consumeAtRegistration(actor: string) {
  return async (tx: Db, ref: { id: number; organizationId: number }): Promise<void> => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, ref.id));
    if (!order || order.holdReasons.length > 0 || order.shippedAt) return;
    if (!order.allocated) {
      const reason: HoldReason = {
        code: "stock_short",
        field: "lines",
        message: `Kura has too little stock for order ${order.orderCode}; this store is "stock only", so the cart already sold it — receive or count the stock, then release the hold`,
      };
      await tx
        .update(orders)
        .set({ holdReasons: [reason], updatedAt: sql`now()` })
        .where(eq(orders.id, order.id));
      return;
    }
    const items = await tx
      .select({
        productId: orderItems.productId,
        warehouseId: orderItems.warehouseId,
        quantity: sql<number>`sum(${orderItems.quantity})::int`,
      })
      .from(orderItems)
      .where(and(eq(orderItems.orderId, order.id), eq(orderItems.allocated, true)))
      .groupBy(orderItems.productId, orderItems.warehouseId);
    for (const warehouseId of new Set(items.map((i) => i.warehouseId))) {
      await consumeAll(
        tx,
        items.filter((i) => i.warehouseId === warehouseId),
        {
          organizationId: order.organizationId,
          warehouseId,
          orderId: order.id,
          actor,
          reason: "stock only (在庫のみ): the cart ships this order itself",
        },
      );
    }
    await tx.update(orders).set({ shippedAt: sql`now()` }).where(eq(orders.id, order.id));
    await tx.insert(orderHistory).values({
      orderId: order.id,
      action: "consumed",
      actor,
      detail: { reason: "stock only store: stock consumed at registration, no shipment slip" },
    });
  };
}
