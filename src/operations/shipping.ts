// Shipment slip transitions (出荷伝票): start work (one or a batch), return to waiting, hold and release,
// ship (consumes the reservation). Every change is in the slip's history with who and when.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type Db, inTransaction } from "../db/connection.ts";
import { emit } from "../db/repositories/outbox.ts";
import { recordShipmentChange } from "../db/repositories/shipment-history.ts";
import { consumeAll } from "../db/repositories/stock.ts";
import { orderHistory, orders, shipmentLines, shipmentNotices, shipments } from "../db/schema.ts";
import { conflict, type DomainError, invalid, locked, notFound } from "../domain/errors.ts";
import type { ShipmentStatus } from "../domain/statuses.ts";
import { lockingCandidate } from "./bundle-lookup.ts";
import { settleOrder } from "./settle-order.ts";

type ShipmentRow = typeof shipments.$inferSelect;

async function lockShipment(tx: Db, organizationId: number, shipmentId: number) {
  const [shipment] = await tx
    .select()
    .from(shipments)
    .where(and(eq(shipments.id, shipmentId), eq(shipments.organizationId, organizationId)))
    .for("update");
  if (!shipment) throw notFound(`shipment ${shipmentId}`, "shipmentId");
  return shipment;
}

const invalidStatus = (shipment: ShipmentRow, allowed: string, to: string) =>
  conflict(
    "invalid_shipment_status",
    `shipment ${shipment.code} is ${shipment.status}; only ${allowed} shipment can move to ${to}`,
    "status",
  );

/** Moves a locked slip and writes the history of the slip and of its orders. */
async function transition(
  tx: Db,
  shipment: ShipmentRow,
  to: ShipmentStatus,
  actor: string,
  detail: Record<string, unknown> = {},
) {
  await tx.update(shipments).set({ status: to, updatedAt: sql`now()` }).where(eq(shipments.id, shipment.id));
  await recordShipmentChange(tx, {
    organizationId: shipment.organizationId,
    shipmentId: shipment.id,
    action: to,
    fromStatus: shipment.status,
    toStatus: to,
    actor,
    detail,
  });
  const orderRows = await tx.select({ id: orders.id }).from(orders).where(eq(orders.shipmentId, shipment.id));
  if (orderRows.length > 0) {
    await tx.insert(orderHistory).values(
      orderRows.map((o) => ({
        orderId: o.id,
        action: `shipment_${to}`,
        actor,
        detail: { shipmentId: shipment.id, ...detail },
      })),
    );
  }
  return { shipmentId: shipment.id, code: shipment.code, status: to };
}

/** Why this slip may not start now, or null. A slip of an undecided bundle candidate is locked (423). */
async function startRefusal(tx: Db, shipment: ShipmentRow): Promise<DomainError | null> {
  if (shipment.status !== "allocated") {
    return shipment.status === "waiting"
      ? conflict(
          "not_allocated",
          `shipment ${shipment.code} is waiting for stock (引当待ち); only an allocated shipment can start`,
          "status",
        )
      : invalidStatus(shipment, "an allocated", "in_progress");
  }
  const candidate = await lockingCandidate(tx, shipment.id);
  if (candidate) {
    return locked(
      "bundle_candidate_undecided",
      `shipment ${shipment.code} is locked: its order ${candidate.orderCode} is in bundle candidate ${candidate.candidateId} (同梱候補) awaiting a decision; bundle it (同梱を実行) or dismiss it (同梱しない) first`,
      "shipmentId",
    );
  }
  return null;
}

/** 出荷作業中: picking starts; the order can no longer change or be cancelled. */
export const startShipmentWork = (db: Db, organizationId: number, shipmentId: number, actor: string) =>
  inTransaction(db, async (tx) => {
    const shipment = await lockShipment(tx, organizationId, shipmentId);
    const refusal = await startRefusal(tx, shipment);
    if (refusal) throw refusal;
    return transition(tx, shipment, "in_progress", actor);
  });

export interface BatchStartResult {
  started: Array<{ shipmentId: number; code: string }>;
  refused: Array<{ shipmentId: number; code: string | null; error: { code: string; message: string } }>;
}

/**
 * Starts work on a batch of slips in one transaction: every slip that may start does, each one refused
 * says why (locked by a bundle candidate, not allocated, unknown…). Slips are locked in id order.
 */
export async function startShipmentBatch(
  db: Db,
  organizationId: number,
  shipmentIds: number[],
  actor: string,
): Promise<BatchStartResult> {
  const ids = [...new Set(shipmentIds)].sort((a, b) => a - b);
  return inTransaction(db, async (tx) => {
    const rows = await tx
      .select()
      .from(shipments)
      .where(and(inArray(shipments.id, ids), eq(shipments.organizationId, organizationId)))
      .orderBy(asc(shipments.id))
      .for("update");
    const byId = new Map(rows.map((r) => [r.id, r]));
    const result: BatchStartResult = { started: [], refused: [] };
    for (const id of ids) {
      const shipment = byId.get(id);
      if (!shipment) {
        result.refused.push({
          shipmentId: id,
          code: null,
          error: { code: "not_found", message: `shipment ${id} was not found` },
        });
        continue;
      }
      const refusal = await startRefusal(tx, shipment);
      if (refusal) {
        result.refused.push({
          shipmentId: id,
          code: shipment.code,
          error: { code: refusal.code, message: refusal.message },
        });
        continue;
      }
      await transition(tx, shipment, "in_progress", actor, { batch: ids });
      result.started.push({ shipmentId: id, code: shipment.code });
    }
    return result;
  });
}

/** Back from in progress, e.g. to cancel or change the order. */
export const returnShipmentToWaiting = (db: Db, organizationId: number, shipmentId: number, actor: string) =>
  inTransaction(db, async (tx) => {
    const shipment = await lockShipment(tx, organizationId, shipmentId);
    if (shipment.status !== "in_progress") throw invalidStatus(shipment, "an in-progress", "allocated");
    return transition(tx, shipment, "allocated", actor);
  });

/**
 * Releases a slip on hold (保留解除): the flag of a channel cancellation is cleared from its orders and the
 * slip goes back to allocated (or waiting), so it can be worked on again — or its order cancelled.
 */
export const releaseShipmentHold = (db: Db, organizationId: number, shipmentId: number, actor: string) =>
  inTransaction(db, async (tx) => {
    const shipment = await lockShipment(tx, organizationId, shipmentId);
    if (shipment.status !== "on_hold") throw invalidStatus(shipment, "an on-hold", "allocated");
    const onSlip = await tx.select().from(orders).where(eq(orders.shipmentId, shipment.id));
    const allocated = onSlip.every((o) => o.allocated);
    const released = await transition(tx, shipment, allocated ? "allocated" : "waiting", actor, {
      reason: "hold released",
    });
    for (const order of onSlip) {
      const holdReasons = order.holdReasons.filter((r) => r.code !== "cancelled_on_channel");
      if (holdReasons.length === order.holdReasons.length) continue;
      await tx.update(orders).set({ holdReasons }).where(eq(orders.id, order.id));
      await settleOrder(tx, order.id, actor);
    }
    return released;
  });

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
  return inTransaction(db, (tx) => shipInTransaction(tx, command));
}

export async function shipInTransaction(tx: Db, command: ShipCommand) {
  const shipment = await lockShipment(tx, command.organizationId, command.shipmentId);
  if (shipment.status !== "allocated" && shipment.status !== "in_progress") {
    throw conflict(
      "invalid_shipment_status",
      `shipment ${shipment.code} is ${shipment.status}; only an allocated or in-progress shipment can be shipped`,
      "status",
    );
  }
  if (shipment.status === "allocated") {
    const candidate = await lockingCandidate(tx, shipment.id);
    if (candidate) {
      throw locked(
        "bundle_candidate_undecided",
        `shipment ${shipment.code} is locked by bundle candidate ${candidate.candidateId} (同梱候補); decide it first`,
        "shipmentId",
      );
    }
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
  const detail = {
    carrier: command.carrier,
    trackingNumber: command.trackingNumber,
    shippedOn: command.shippedOn,
  };
  await recordShipmentChange(tx, {
    organizationId: shipment.organizationId,
    shipmentId: shipment.id,
    action: "shipped",
    fromStatus: shipment.status,
    toStatus: "shipped",
    actor: command.actor,
    detail,
  });

  const shippedOrders = await tx
    .select({ id: orders.id, storeId: orders.storeId })
    .from(orders)
    .where(eq(orders.shipmentId, shipment.id))
    .orderBy(asc(orders.id));
  const orderIds = shippedOrders.map((o) => o.id);
  if (orderIds.length > 0) {
    await tx.update(orders).set({ shippedAt: sql`now()` }).where(inArray(orders.id, orderIds));
    for (const orderId of orderIds) await settleOrder(tx, orderId, command.actor);
    await tx.insert(orderHistory).values(
      orderIds.map((orderId) => ({
        orderId,
        action: "shipped",
        actor: command.actor,
        detail: { shipmentId: shipment.id, ...detail },
      })),
    );
  }
  // One notice per store: a bundled slip may carry orders of several stores (cross-store bundling).
  const byStore = new Map<number, number[]>();
  for (const o of shippedOrders) byStore.set(o.storeId, [...(byStore.get(o.storeId) ?? []), o.id]);
  if (byStore.size === 0) byStore.set(shipment.storeId, []);
  for (const [storeId, ids] of byStore) {
    await tx.insert(shipmentNotices).values({ shipmentId: shipment.id, storeId }).onConflictDoNothing();
    await emit(tx, shipment.organizationId, {
      type: "shipment.shipped",
      payload: { shipmentId: shipment.id, storeId, orderIds: ids },
    });
  }
  return { shipmentId: shipment.id, code: shipment.code, status: "shipped" as const, orderIds };
}
