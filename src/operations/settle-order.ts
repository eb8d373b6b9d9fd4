// Brings an order's status and its shipment slip (出荷伝票) in line with the facts after any change.
// A slip may carry several orders (同梱): each order only ever rewrites its own lines, the slip is allocated
// once all its orders are, and an order leaving a bundled slip splits it back into one slip per order.
import { and, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../db/connection.ts";
import { recordShipmentChange } from "../db/repositories/shipment-history.ts";
import { orderItems, orders, paymentMethods, shipmentLines, shipments, stores } from "../db/schema.ts";
import {
  deriveOrderStatus,
  isInTargetStatus,
  needsShipmentSlip,
  type OrderFacts,
} from "../domain/order-status.ts";
import type { OrderStatus, ShipmentStatus } from "../domain/statuses.ts";
import { leaveOpenCandidates, proposeBundle } from "./bundle-lookup.ts";

const openShipmentStatuses = ["waiting", "allocated"] as const;

type ShipmentRow = typeof shipments.$inferSelect;

export async function settleOrder(tx: Db, orderId: number, actor = "system"): Promise<OrderStatus> {
  const [row] = await tx
    .select({
      order: orders,
      targetStatuses: stores.targetStatuses,
      // The warehouse chosen for the order at registration, else the store's default.
      warehouseId: sql<number>`coalesce(${orders.warehouseId}, ${stores.warehouseId})`.mapWith(Number),
      requiresPayment: paymentMethods.requiresPaymentConfirmation,
      paymentMethodCode: paymentMethods.code,
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

  let shipmentId = order.shipmentId;
  const shipment = shipmentId
    ? (await tx.select().from(shipments).where(eq(shipments.id, shipmentId)))[0]
    : undefined;
  const shipmentIsOpen = shipment && (openShipmentStatuses as readonly string[]).includes(shipment.status);

  if (needsShipmentSlip(facts) && !facts.shipped) {
    if (!shipment || shipment.status === "cancelled") {
      const initial: ShipmentStatus = order.allocated ? "allocated" : "waiting";
      const [created] = await tx
        .insert(shipments)
        .values({
          organizationId: order.organizationId,
          storeId: order.storeId,
          warehouseId: row.warehouseId,
          status: initial,
        })
        .returning({ id: shipments.id });
      shipmentId = created?.id ?? null;
      if (shipmentId) {
        await writeShipmentLines(tx, shipmentId, orderId);
        await recordShipmentChange(tx, {
          organizationId: order.organizationId,
          shipmentId,
          action: "created",
          toStatus: initial,
          actor,
          detail: { orderId },
        });
        await tx.update(orders).set({ shipmentId }).where(eq(orders.id, orderId));
        const slip = { order: { ...order, shipmentId }, warehouseId: row.warehouseId };
        await proposeBundle(tx, { ...slip, paymentMethodCode: row.paymentMethodCode }, actor);
      }
    } else if (shipment && shipmentIsOpen) {
      const next = await slipStatus(tx, shipment.id, orderId, order.allocated);
      if (next !== shipment.status) await moveSlip(tx, shipment, next, actor, { orderId });
      await tx
        .delete(shipmentLines)
        .where(and(eq(shipmentLines.shipmentId, shipment.id), eq(shipmentLines.orderId, orderId)));
      await writeShipmentLines(tx, shipment.id, orderId);
    }
  } else if (shipment && (shipmentIsOpen || (facts.cancelled && shipment.status === "on_hold"))) {
    await leaveOpenCandidates(tx, orderId, actor, facts.cancelled ? "order cancelled" : `order ${status}`);
    const [other] = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.shipmentId, shipment.id), ne(orders.id, orderId)))
      .limit(1);
    if (other) await splitShipment(tx, shipment, orderId, actor);
    else await moveSlip(tx, shipment, "cancelled", actor, { orderId, reason: `order ${status}` });
    shipmentId = null;
  } else if (facts.held || facts.awaitingPayment || facts.cancelled) {
    await leaveOpenCandidates(tx, orderId, actor, `order ${status}`);
  }

  await tx.update(orders).set({ status, shipmentId, updatedAt: sql`now()` }).where(eq(orders.id, orderId));
  return status;
}

/**
 * Splits a bundled slip back (同梱の解除): the slip is cancelled and each of its other orders gets a slip of
 * its own again (and may be proposed for bundling anew). `leavingOrderId` is the order that caused it.
 */
export async function splitShipment(tx: Db, shipment: ShipmentRow, leavingOrderId: number, actor: string) {
  await moveSlip(
    tx,
    shipment,
    "cancelled",
    actor,
    { orderId: leavingOrderId, reason: "bundle split back" },
    "split",
  );
  const others = await tx
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.shipmentId, shipment.id), ne(orders.id, leavingOrderId)));
  for (const other of others) await settleOrder(tx, other.id, actor);
}

/** A slip is allocated once every order on it is. */
async function slipStatus(tx: Db, shipmentId: number, orderId: number, allocated: boolean) {
  if (!allocated) return "waiting" as const;
  const [row] = await tx
    .select({ waiting: sql<number>`count(*)::int` })
    .from(orders)
    .where(and(eq(orders.shipmentId, shipmentId), ne(orders.id, orderId), eq(orders.allocated, false)));
  return (row?.waiting ?? 0) > 0 ? ("waiting" as const) : ("allocated" as const);
}

async function moveSlip(
  tx: Db,
  shipment: ShipmentRow,
  to: ShipmentStatus,
  actor: string,
  detail: Record<string, unknown>,
  action: string = to,
) {
  await tx.update(shipments).set({ status: to, updatedAt: sql`now()` }).where(eq(shipments.id, shipment.id));
  await recordShipmentChange(tx, {
    organizationId: shipment.organizationId,
    shipmentId: shipment.id,
    action,
    fromStatus: shipment.status,
    toStatus: to,
    actor,
    detail,
  });
}

/** The order's items, summed per product, as its lines on the slip (one statement). */
async function writeShipmentLines(tx: Db, shipmentId: number, orderId: number): Promise<void> {
  await tx.execute(sql`
    INSERT INTO ${shipmentLines} (${sql.identifier(shipmentLines.shipmentId.name)}, ${sql.identifier(shipmentLines.orderId.name)},
      ${sql.identifier(shipmentLines.productId.name)}, ${sql.identifier(shipmentLines.quantity.name)})
    SELECT ${shipmentId}, ${orderItems.orderId}, ${orderItems.productId}, sum(${orderItems.quantity})::int
    FROM ${orderItems} WHERE ${orderItems.orderId} = ${orderId}
    GROUP BY ${orderItems.orderId}, ${orderItems.productId}`);
}
