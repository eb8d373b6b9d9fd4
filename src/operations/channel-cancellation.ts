// A cancellation imported from the channel (input.cancelledOnChannel): the order slip is cancelled when no
// work started on its shipment; otherwise (in progress, on hold, shipped) the slip is held (保留) and the
// order flagged `cancelled_on_channel` for the operator, who cancels it or releases the hold.
import { eq } from "drizzle-orm";
import type { Db } from "../db/connection.ts";
import { emit } from "../db/repositories/outbox.ts";
import { recordShipmentChange } from "../db/repositories/shipment-history.ts";
import { orderHistory, orders, shipments } from "../db/schema.ts";
import type { HoldReason } from "../domain/order-mapping.ts";
import { cancelLockedOrder } from "./cancel-order.ts";
import type { RegisterOrderResult } from "./register-order.ts";
import { settleOrder } from "./settle-order.ts";

type OrderRow = typeof orders.$inferSelect;

const channelReason = "cancelled on the channel";

/** A new order that arrives already cancelled is registered (kept, searchable) and cancelled at once. */
export async function cancelNewOrderFromChannel(
  tx: Db,
  created: RegisterOrderResult,
  actor: string,
): Promise<RegisterOrderResult> {
  const [order] = await tx.select().from(orders).where(eq(orders.id, created.orderId)).for("update");
  if (!order) throw new Error(`order ${created.orderId} vanished`);
  const { status } = await cancelLockedOrder(tx, order, { actor, reason: channelReason });
  return { ...created, status, held: false };
}

/** An order Kura knows, now cancelled on the channel. The caller holds the order's row lock. */
export async function applyChannelCancellation(
  tx: Db,
  order: OrderRow,
  change: { payloadHash: string; channelStatus: string | null },
  actor: string,
): Promise<RegisterOrderResult> {
  if (order.cancelledAt || order.payloadHash === change.payloadHash) {
    return {
      orderId: order.id,
      outcome: "unchanged",
      status: order.status,
      held: order.holdReasons.length > 0,
    };
  }
  await tx
    .update(orders)
    .set({ payloadHash: change.payloadHash, channelStatus: change.channelStatus ?? order.channelStatus })
    .where(eq(orders.id, order.id));
  const [shipment] = order.shipmentId
    ? await tx.select().from(shipments).where(eq(shipments.id, order.shipmentId)).for("update")
    : [];
  const workStarted =
    order.shippedAt !== null || shipment?.status === "in_progress" || shipment?.status === "on_hold";
  if (!workStarted) {
    const { status } = await cancelLockedOrder(tx, order, { actor, reason: channelReason });
    return { orderId: order.id, outcome: "updated", status, held: false };
  }

  const where = order.shippedAt ? "after it was shipped" : `after work on shipment ${shipment?.code} started`;
  const flag: HoldReason = {
    code: "cancelled_on_channel",
    field: "cancelledOnChannel",
    message: `the channel cancelled order ${order.orderCode} ${where}; cancel it in Kura (the slip is on hold) or release the hold to ship it`,
  };
  await tx
    .update(orders)
    .set({ holdReasons: [...order.holdReasons.filter((r) => r.code !== flag.code), flag] })
    .where(eq(orders.id, order.id));
  if (shipment?.status === "in_progress") {
    await tx.update(shipments).set({ status: "on_hold" }).where(eq(shipments.id, shipment.id));
    await recordShipmentChange(tx, {
      organizationId: shipment.organizationId,
      shipmentId: shipment.id,
      action: "on_hold",
      fromStatus: shipment.status,
      toStatus: "on_hold",
      actor,
      detail: { orderId: order.id, reason: flag.message },
    });
  }
  const status = await settleOrder(tx, order.id, actor);
  await tx.insert(orderHistory).values({
    orderId: order.id,
    action: "cancelled_on_channel",
    actor,
    detail: { held: true, shipmentId: shipment?.id ?? null, reason: flag.message },
  });
  await emit(tx, order.organizationId, {
    type: "order.held",
    payload: { orderId: order.id, storeId: order.storeId, reasons: [flag.code] },
  });
  return { orderId: order.id, outcome: "updated", status, held: true };
}
