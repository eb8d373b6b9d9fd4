// Cancels an order slip: releases its stock (waiting orders may take it), cancels its shipment slip,
// records who and why. Cancelled orders are never deleted.
import { and, eq, sql } from "drizzle-orm";
import { type Db, inTransaction } from "../db/connection.ts";
import { emit } from "../db/repositories/outbox.ts";
import { orderHistory, orders, shipments } from "../db/schema.ts";
import { conflict, locked, notFound } from "../domain/errors.ts";
import { allocateWaitingOrders, releaseOrder } from "./allocation.ts";
import { settleOrder } from "./settle-order.ts";

export interface CancelOrderCommand {
  organizationId: number;
  orderId: number;
  actor: string;
  reason: string;
  /** 同じ受注コードで新規受注の作成を許可: frees the order code so the channel's order can come in again. */
  allowSameCode?: boolean;
}

/** The system code a cancelled order takes when it frees its channel code. */
export const freedOrderCode = (orderId: number, code: string) => `CXL${orderId}-${code}`;

export async function cancelOrder(db: Db, command: CancelOrderCommand) {
  return inTransaction(db, async (tx) => {
    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.id, command.orderId), eq(orders.organizationId, command.organizationId)))
      .for("update");
    if (!order) throw notFound(`order ${command.orderId}`, "orderId");
    return cancelLockedOrder(tx, order, command);
  });
}

/**
 * Cancels an order whose row the caller locked. A slip on hold (保留) may be cancelled; one in progress may
 * not. An order of a bundled slip (同梱) leaves it, and the slip splits back into one per remaining order.
 */
export async function cancelLockedOrder(
  tx: Db,
  order: typeof orders.$inferSelect,
  command: Omit<CancelOrderCommand, "organizationId" | "orderId">,
) {
  if (order.cancelledAt) throw conflict("already_cancelled", `order ${order.orderCode} is already cancelled`);
  if (order.shippedAt)
    throw conflict("already_shipped", `order ${order.orderCode} is shipped and cannot be cancelled`);
  if (order.shipmentId) {
    const [shipment] = await tx.select().from(shipments).where(eq(shipments.id, order.shipmentId));
    if (shipment?.status === "in_progress") {
      throw locked(
        "shipment_in_progress",
        `shipment ${shipment.code} is in progress (出荷作業中); return it to waiting before cancelling order ${order.orderCode}`,
      );
    }
  }

  const released = await releaseOrder(tx, order, command.actor, `cancelled: ${command.reason}`);
  const newCode = command.allowSameCode ? freedOrderCode(order.id, order.orderCode) : order.orderCode;
  await tx
    .update(orders)
    .set({
      cancelledAt: sql`now()`,
      cancelledBy: command.actor,
      cancelReason: command.reason,
      orderCode: newCode,
      originalOrderCode: command.allowSameCode ? order.orderCode : null,
    })
    .where(eq(orders.id, order.id));
  const status = await settleOrder(tx, order.id, command.actor);
  await tx.insert(orderHistory).values({
    orderId: order.id,
    action: "cancelled",
    actor: command.actor,
    detail: { reason: command.reason, allowSameCode: command.allowSameCode ?? false, orderCode: newCode },
  });
  await emit(tx, order.organizationId, {
    type: "order.cancelled",
    payload: { orderId: order.id, storeId: order.storeId },
  });
  const reallocated = await allocateWaitingOrders(tx, order.organizationId, released, command.actor);
  if (released.length > 0) {
    await emit(tx, order.organizationId, { type: "stock.changed", payload: { productIds: released } });
  }
  return { orderId: order.id, status, orderCode: newCode, reallocatedOrderIds: reallocated };
}
