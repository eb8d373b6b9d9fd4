// Shipment slip transitions (出荷伝票): start work, return to waiting, ship (consumes the reservation).
import { and, eq, inArray, sql } from "drizzle-orm";
import { type Db, inTransaction } from "../db/connection.ts";
import { emit } from "../db/repositories/outbox.ts";
import { consumeAll } from "../db/repositories/stock.ts";
import { orderHistory, orders, shipmentLines, shipments } from "../db/schema.ts";
import { conflict, invalid, notFound } from "../domain/errors.ts";
import type { ShipmentStatus } from "../domain/statuses.ts";
import { settleOrder } from "./settle-order.ts";

async function lockShipment(tx: Db, organizationId: number, shipmentId: number) {
  const [shipment] = await tx
    .select()
    .from(shipments)
    .where(and(eq(shipments.id, shipmentId), eq(shipments.organizationId, organizationId)))
    .for("update");
  if (!shipment) throw notFound(`shipment ${shipmentId}`, "shipmentId");
  return shipment;
}

async function move(
  db: Db,
  organizationId: number,
  shipmentId: number,
  from: ShipmentStatus,
  to: ShipmentStatus,
  actor: string,
) {
  return inTransaction(db, async (tx) => {
    const shipment = await lockShipment(tx, organizationId, shipmentId);
    if (shipment.status !== from) {
      throw conflict(
        "invalid_shipment_status",
        `shipment ${shipment.code} is ${shipment.status}; only a ${from} shipment can move to ${to}`,
        "status",
      );
    }
    await tx.update(shipments).set({ status: to, updatedAt: sql`now()` }).where(eq(shipments.id, shipmentId));
    const orderRows = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(eq(orders.shipmentId, shipmentId));
    if (orderRows.length > 0) {
      await tx
        .insert(orderHistory)
        .values(
          orderRows.map((o) => ({ orderId: o.id, action: `shipment_${to}`, actor, detail: { shipmentId } })),
        );
    }
    return { shipmentId, status: to };
  });
}

/** 出荷作業中: picking starts; the order can no longer change or be cancelled. */
export const startShipmentWork = (db: Db, organizationId: number, shipmentId: number, actor: string) =>
  move(db, organizationId, shipmentId, "allocated", "in_progress", actor);

/** Back from in progress, e.g. to cancel or change the order. */
export const returnShipmentToWaiting = (db: Db, organizationId: number, shipmentId: number, actor: string) =>
  move(db, organizationId, shipmentId, "in_progress", "allocated", actor);

export interface ShipCommand {
  organizationId: number;
  shipmentId: number;
  carrier: string;
  trackingNumber: string;
  /** YYYY-MM-DD, in Japan time. */
  shippedOn: string;
  actor: string;
}

export async function shipShipment(db: Db, command: ShipCommand) {
  if (!command.carrier.trim()) throw invalid("validation_failed", "carrier is required", "carrier");
  if (!command.trackingNumber.trim()) {
    throw invalid("validation_failed", "trackingNumber is required", "trackingNumber");
  }
  return inTransaction(db, async (tx) => {
    const shipment = await lockShipment(tx, command.organizationId, command.shipmentId);
    if (shipment.status !== "allocated" && shipment.status !== "in_progress") {
      throw conflict(
        "invalid_shipment_status",
        `shipment ${shipment.code} is ${shipment.status}; only an allocated or in-progress shipment can be shipped`,
        "status",
      );
    }
    const lines = await tx.select().from(shipmentLines).where(eq(shipmentLines.shipmentId, shipment.id));
    await consumeAll(
      tx,
      lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
      {
        organizationId: shipment.organizationId,
        warehouseId: shipment.warehouseId,
        shipmentId: shipment.id,
        actor: command.actor,
      },
    );
    await tx
      .update(shipments)
      .set({
        status: "shipped",
        carrier: command.carrier,
        trackingNumber: command.trackingNumber,
        shippedOn: command.shippedOn,
        noticeStatus: "pending",
        updatedAt: sql`now()`,
      })
      .where(eq(shipments.id, shipment.id));

    const orderIds = [...new Set(lines.map((l) => l.orderId))];
    if (orderIds.length > 0) {
      await tx.update(orders).set({ shippedAt: sql`now()` }).where(inArray(orders.id, orderIds));
      for (const orderId of orderIds) await settleOrder(tx, orderId);
      await tx.insert(orderHistory).values(
        orderIds.map((orderId) => ({
          orderId,
          action: "shipped",
          actor: command.actor,
          detail: {
            shipmentId: shipment.id,
            carrier: command.carrier,
            trackingNumber: command.trackingNumber,
          },
        })),
      );
    }
    await emit(tx, shipment.organizationId, {
      type: "shipment.shipped",
      payload: { shipmentId: shipment.id, storeId: shipment.storeId, orderIds },
    });
    return { shipmentId: shipment.id, code: shipment.code, status: "shipped" as const, orderIds };
  });
}
