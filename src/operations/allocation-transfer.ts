// 引当振替: moves an allocation from an order that cannot ship now (held, awaiting payment, not yet
// shippable…) to an order waiting for allocation. The source gives back its units and waits (引当待ち);
// the target must be allocated in full with them, or nothing changes.
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type Db, inTransaction } from "../db/connection.ts";
import { emit } from "../db/repositories/outbox.ts";
import { orderHistory, orders, shipments } from "../db/schema.ts";
import { conflict, notFound } from "../domain/errors.ts";
import { parseInput } from "../domain/parse.ts";
import { allocateOrder, releaseOrder } from "./allocation.ts";
import { settleOrder } from "./settle-order.ts";

export const allocationTransferInput = z.object({
  fromOrderId: z.number().int().describe("The order that gives its allocation (not yet in picking)"),
  toOrderId: z.number().int().describe("The order waiting for allocation (引当待ち) that takes it"),
  reason: z.string().trim().max(500).optional(),
});

export async function transferAllocation(
  db: Db,
  organizationId: number,
  input: z.input<typeof allocationTransferInput>,
  actor: string,
) {
  const data = parseInput(allocationTransferInput, input);
  if (data.fromOrderId === data.toOrderId) {
    throw conflict("same_order", "an order cannot give its allocation to itself", "toOrderId");
  }
  return inTransaction(db, async (tx) => {
    // Both rows locked in id order, as everywhere else, so two transfers cannot deadlock each other.
    const [first, second] = [data.fromOrderId, data.toOrderId].sort((a, b) => a - b);
    const a = await lockOrder(tx, organizationId, first as number);
    const b = await lockOrder(tx, organizationId, second as number);
    const from = a.id === data.fromOrderId ? a : b;
    const to = a.id === data.toOrderId ? a : b;

    if (!from.allocated || from.cancelledAt || from.shippedAt) {
      throw conflict(
        "source_not_allocated",
        `order ${from.orderCode} holds no allocation to give`,
        "fromOrderId",
      );
    }
    await refuseInPicking(tx, from);
    if (to.status !== "awaiting_allocation") {
      throw conflict(
        "target_not_waiting",
        `order ${to.orderCode} is not waiting for allocation (引当待ち); it is ${to.status}`,
        "toOrderId",
      );
    }
    const why = `allocation transfer (引当振替) to order ${to.orderCode}${data.reason ? `: ${data.reason}` : ""}`;
    const released = await releaseOrder(tx, from, actor, why);
    const short = await allocateOrder(tx, to, actor);
    if (short !== null) {
      throw conflict(
        "not_enough_stock",
        `order ${to.orderCode} cannot be allocated in full even with the units of order ${from.orderCode} (short of product ${short})`,
        "toOrderId",
      );
    }
    const fromStatus = await settleOrder(tx, from.id);
    const toStatus = await settleOrder(tx, to.id);
    await tx.insert(orderHistory).values([
      {
        orderId: from.id,
        action: "allocation_given",
        actor,
        detail: { toOrderId: to.id, reason: data.reason ?? null },
      },
      {
        orderId: to.id,
        action: "allocation_taken",
        actor,
        detail: { fromOrderId: from.id, reason: data.reason ?? null },
      },
    ]);
    if (released.length > 0) {
      await emit(tx, organizationId, {
        type: "stock.changed",
        payload: { productIds: [...new Set(released)].sort((x, y) => x - y) },
      });
    }
    return {
      from: { orderId: from.id, status: fromStatus },
      to: { orderId: to.id, status: toStatus },
    };
  });
}

async function lockOrder(tx: Db, organizationId: number, orderId: number) {
  const [order] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.organizationId, organizationId)))
    .for("update");
  if (!order) throw notFound(`order ${orderId}`, "orderId");
  return order;
}

async function refuseInPicking(tx: Db, order: typeof orders.$inferSelect) {
  if (!order.shipmentId) return;
  const [shipment] = await tx
    .select({ status: shipments.status, code: shipments.code })
    .from(shipments)
    .where(and(eq(shipments.id, order.shipmentId), sql`${shipments.status} = 'in_progress'`));
  if (shipment) {
    throw conflict(
      "shipment_in_progress",
      `shipment ${shipment.code} of order ${order.orderCode} is in progress (出荷作業中); its allocation cannot move`,
      "fromOrderId",
    );
  }
}
