// Brings an order's status and its shipment slip (出荷伝票) in line with the facts after any change.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/connection.ts";
import { orderItems, orders, paymentMethods, shipmentLines, shipments, stores } from "../db/schema.ts";
import {
  deriveOrderStatus,
  isInTargetStatus,
  needsShipmentSlip,
  type OrderFacts,
} from "../domain/order-status.ts";
import type { OrderStatus } from "../domain/statuses.ts";

const openShipmentStatuses = ["waiting", "allocated"] as const;

export async function settleOrder(tx: Db, orderId: number): Promise<OrderStatus> {
  const [row] = await tx
    .select({
      order: orders,
      targetStatuses: stores.targetStatuses,
      warehouseId: stores.warehouseId,
      requiresPayment: paymentMethods.requiresPaymentConfirmation,
    })
    .from(orders)
    .innerJoin(stores, eq(stores.id, orders.storeId))
    .leftJoin(paymentMethods, eq(paymentMethods.id, orders.paymentMethodId))
    .where(eq(orders.id, orderId));
  if (!row) throw new Error(`order ${orderId} vanished while settling`);
  const { order } = row;

  const facts: OrderFacts = {
    cancelled: order.cancelledAt !== null,
    shipped: order.shippedAt !== null,
    held: order.holdReasons.length > 0,
    awaitingPayment: (row.requiresPayment ?? false) && !order.paymentConfirmed,
    allocated: order.allocated,
    inTargetStatus: isInTargetStatus(order.channelStatus, row.targetStatuses),
  };
  const status = deriveOrderStatus(facts);
  const shipmentStatus = order.allocated ? "allocated" : "waiting";

  let shipmentId = order.shipmentId;
  const shipment = shipmentId
    ? (await tx.select().from(shipments).where(eq(shipments.id, shipmentId)))[0]
    : undefined;
  const shipmentIsOpen = shipment && (openShipmentStatuses as readonly string[]).includes(shipment.status);

  if (needsShipmentSlip(facts) && !facts.shipped) {
    if (!shipment || shipment.status === "cancelled") {
      const [created] = await tx
        .insert(shipments)
        .values({
          organizationId: order.organizationId,
          storeId: order.storeId,
          warehouseId: row.warehouseId,
          status: shipmentStatus,
        })
        .returning({ id: shipments.id });
      shipmentId = created?.id ?? null;
      if (shipmentId) await writeShipmentLines(tx, shipmentId, orderId);
    } else if (shipmentIsOpen) {
      await tx
        .update(shipments)
        .set({ status: shipmentStatus, updatedAt: sql`now()` })
        .where(eq(shipments.id, shipment.id));
      await tx.delete(shipmentLines).where(eq(shipmentLines.shipmentId, shipment.id));
      await writeShipmentLines(tx, shipment.id, orderId);
    }
  } else if (shipment && shipmentIsOpen) {
    await tx
      .update(shipments)
      .set({ status: "cancelled", updatedAt: sql`now()` })
      .where(eq(shipments.id, shipment.id));
    shipmentId = null;
  }

  await tx.update(orders).set({ status, shipmentId, updatedAt: sql`now()` }).where(eq(orders.id, orderId));
  return status;
}

async function writeShipmentLines(tx: Db, shipmentId: number, orderId: number): Promise<void> {
  const items = await tx
    .select({ productId: orderItems.productId, quantity: sql<number>`sum(${orderItems.quantity})::int` })
    .from(orderItems)
    .where(and(eq(orderItems.orderId, orderId)))
    .groupBy(orderItems.productId);
  if (items.length === 0) return;
  await tx
    .insert(shipmentLines)
    .values(items.map((i) => ({ shipmentId, orderId, productId: i.productId, quantity: i.quantity })));
}
