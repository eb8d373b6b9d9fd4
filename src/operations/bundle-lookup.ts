// 自動同梱検索: when an order slip gets its shipment slip, one indexed lookup by its delivery key finds the
// open slips it may travel with; a match makes or extends a bundle candidate (同梱候補), which locks their
// shipment slips against starting work until an operator decides (operations/bundling.ts).
import { and, asc, eq, inArray, isNull, ne, notInArray, sql } from "drizzle-orm";
import type { Db } from "../db/connection.ts";
import { recordShipmentChanges } from "../db/repositories/shipment-history.ts";
import {
  bundleCandidateMembers,
  bundleCandidates,
  bundleExclusions,
  orderHistory,
  orders,
  paymentMethods,
  shipmentSettings,
  shipments,
} from "../db/schema.ts";
import { deliveryKey } from "../domain/address-key.ts";
import {
  type BundleOrder,
  type BundleRules,
  chooseMembers,
  incompatibility,
  pairKey,
} from "../domain/bundling.ts";

type OrderRow = typeof orders.$inferSelect;

export const defaultShipmentSettings = {
  cutoffTime: null as string | null,
  urgentMinutes: 60,
  crossStoreBundling: false,
  nonBundlablePaymentPairs: [] as Array<[string, string]>,
};
export type ShipmentSettings = typeof defaultShipmentSettings;

export async function loadShipmentSettings(tx: Db, organizationId: number): Promise<ShipmentSettings> {
  const [row] = await tx
    .select()
    .from(shipmentSettings)
    .where(eq(shipmentSettings.organizationId, organizationId));
  if (!row) return defaultShipmentSettings;
  return {
    cutoffTime: row.cutoffTime,
    urgentMinutes: row.urgentMinutes,
    crossStoreBundling: row.crossStoreBundling,
    nonBundlablePaymentPairs: row.nonBundlablePaymentPairs,
  };
}

/** Shipment statuses a slip may be bundled from: no work has started on it. */
export const bundlableShipmentStatuses = ["waiting", "allocated"] as const;

export const deliveryKeyOf = (order: OrderRow, warehouseId: number) =>
  deliveryKey({
    address: order.deliveryAddress,
    deliveryMethodId: order.deliveryMethodId,
    deliveryMethodReceived: order.deliveryMethodReceived,
    warehouseId,
  });

export interface NewSlip {
  order: OrderRow;
  warehouseId: number;
  paymentMethodCode: string | null;
}

/** For a batch of new slips looked up in one transaction (create-orders.ts). */
export interface BatchLookup {
  /** Orders of the batch after this one: registered one by one, it would not have seen them yet. */
  laterOrderIds: number[];
  /** The caller already holds the advisory lock of the slip's delivery key. */
  keyLocked: boolean;
  settings: ShipmentSettings;
}

/** Time spent looking for bundles in this process (for the benchmark and, later, metrics). */
export const bundlingStats = { lookups: 0, milliseconds: 0 };

/** Looks for slips to bundle the order with; returns the candidate it joined, or null. */
export async function proposeBundle(
  tx: Db,
  slip: NewSlip,
  actor: string,
  batch?: BatchLookup,
): Promise<number | null> {
  const started = performance.now();
  try {
    return await lookUp(tx, slip, actor, batch);
  } finally {
    bundlingStats.lookups += 1;
    bundlingStats.milliseconds += performance.now() - started;
  }
}

async function lookUp(tx: Db, slip: NewSlip, actor: string, batch?: BatchLookup): Promise<number | null> {
  const { order } = slip;
  const key = deliveryKeyOf(order, slip.warehouseId);
  if (order.deliveryKey !== key)
    await tx.update(orders).set({ deliveryKey: key }).where(eq(orders.id, order.id));
  // Two slips to one address registered at once (two stores, two workers) must see each other: the second
  // waits here until the first commits, then its lookup finds it. Held to the end of the transaction.
  if (!batch?.keyLocked)
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, ${order.organizationId}))`);
  const settings = batch?.settings ?? (await loadShipmentSettings(tx, order.organizationId));

  const matches = await tx
    .select({
      id: orders.id,
      requestedDate: orders.requestedDate,
      timeSlot: orders.timeSlot,
      paymentMethodCode: paymentMethods.code,
      shipmentId: orders.shipmentId,
    })
    .from(orders)
    .innerJoin(shipments, eq(shipments.id, orders.shipmentId))
    .leftJoin(paymentMethods, eq(paymentMethods.id, orders.paymentMethodId))
    .where(
      and(
        eq(orders.organizationId, order.organizationId),
        eq(orders.deliveryKey, key),
        isNull(orders.cancelledAt),
        isNull(orders.shippedAt),
        ne(orders.id, order.id),
        batch?.laterOrderIds.length ? notInArray(orders.id, batch.laterOrderIds) : undefined,
        inArray(shipments.status, [...bundlableShipmentStatuses]),
        settings.crossStoreBundling ? undefined : eq(orders.storeId, order.storeId),
      ),
    )
    .orderBy(asc(orders.id));
  if (matches.length === 0) return null;

  const newOrder: BundleOrder = {
    id: order.id,
    paymentMethodCode: slip.paymentMethodCode,
    requestedDate: order.requestedDate,
    timeSlot: order.timeSlot,
  };
  const ids = [order.id, ...matches.map((m) => m.id)];
  const rules: BundleRules = {
    excludedPairs: await excludedPairsAmong(tx, ids),
    nonBundlablePaymentPairs: settings.nonBundlablePaymentPairs,
  };
  const openMembership = await tx
    .select({ candidateId: bundleCandidateMembers.candidateId, orderId: bundleCandidateMembers.orderId })
    .from(bundleCandidateMembers)
    .innerJoin(bundleCandidates, eq(bundleCandidates.id, bundleCandidateMembers.candidateId))
    .where(
      and(
        inArray(
          bundleCandidateMembers.orderId,
          matches.map((m) => m.id),
        ),
        eq(bundleCandidates.status, "open"),
      ),
    )
    .orderBy(asc(bundleCandidateMembers.candidateId));
  const byId = new Map(matches.map((m) => [m.id, m]));
  const inOpenCandidate = new Set(openMembership.map((m) => m.orderId));

  // Extend the oldest open candidate of the matches when the new order fits with all its members.
  const firstOpen = openMembership[0]?.candidateId;
  if (firstOpen !== undefined) {
    const members = openMembership.filter((m) => m.candidateId === firstOpen).map((m) => byId.get(m.orderId));
    const fits = members.every((m) => m && incompatibility(newOrder, m, rules) === null);
    if (fits) {
      await addMembers(tx, firstOpen, [newOrder.id]);
      await noteCandidate(tx, order, firstOpen, [order.shipmentId], actor, "extended");
      return firstOpen;
    }
  }

  const free = matches.filter((m) => !inOpenCandidate.has(m.id));
  const { members, skipped } = chooseMembers(newOrder, free, rules);
  if (skipped.length > 0) {
    await tx.insert(orderHistory).values({
      orderId: order.id,
      action: "bundle_skipped",
      actor,
      detail: { skipped },
    });
  }
  if (members.length < 2) return null;
  const [candidate] = await tx
    .insert(bundleCandidates)
    .values({ organizationId: order.organizationId, deliveryKey: key })
    .returning({ id: bundleCandidates.id });
  if (!candidate) throw new Error("bundle candidate insert returned nothing");
  await addMembers(
    tx,
    candidate.id,
    members.map((m) => m.id),
  );
  const shipmentIds = [order.shipmentId, ...members.map((m) => byId.get(m.id)?.shipmentId ?? null)];
  await noteCandidate(tx, order, candidate.id, shipmentIds, actor, "created");
  return candidate.id;
}

async function addMembers(tx: Db, candidateId: number, orderIds: number[]) {
  await tx.insert(bundleCandidateMembers).values(orderIds.map((orderId) => ({ candidateId, orderId })));
  await tx
    .update(bundleCandidates)
    .set({ updatedAt: sql`now()` })
    .where(eq(bundleCandidates.id, candidateId));
}

async function noteCandidate(
  tx: Db,
  order: OrderRow,
  candidateId: number,
  shipmentIds: Array<number | null>,
  actor: string,
  how: "created" | "extended",
) {
  await tx.insert(orderHistory).values({
    orderId: order.id,
    action: "bundle_candidate",
    actor,
    detail: { candidateId, how },
  });
  const distinct = [...new Set(shipmentIds.filter((id): id is number => id !== null))];
  await recordShipmentChanges(
    tx,
    distinct.map((shipmentId) => ({
      organizationId: order.organizationId,
      shipmentId,
      action: "bundle_locked",
      actor,
      detail: { candidateId },
    })),
  );
}

/** The "do not bundle" pairs among these orders. */
export async function excludedPairsAmong(tx: Db, orderIds: number[]): Promise<Set<string>> {
  if (orderIds.length < 2) return new Set();
  const rows = await tx
    .select({ low: bundleExclusions.orderIdLow, high: bundleExclusions.orderIdHigh })
    .from(bundleExclusions)
    .where(
      and(inArray(bundleExclusions.orderIdLow, orderIds), inArray(bundleExclusions.orderIdHigh, orderIds)),
    );
  return new Set(rows.map((r) => pairKey(r.low, r.high)));
}

/**
 * Takes an order out of its open candidates (cancelled, held, its address changed). A candidate left with
 * fewer than two members is dissolved, which releases the locks on its slips.
 */
export async function leaveOpenCandidates(tx: Db, orderId: number, actor: string, reason: string) {
  const open = await tx
    .select({
      candidateId: bundleCandidateMembers.candidateId,
      organizationId: bundleCandidates.organizationId,
    })
    .from(bundleCandidateMembers)
    .innerJoin(bundleCandidates, eq(bundleCandidates.id, bundleCandidateMembers.candidateId))
    .where(and(eq(bundleCandidateMembers.orderId, orderId), eq(bundleCandidates.status, "open")));
  for (const { candidateId, organizationId } of open) {
    await tx
      .delete(bundleCandidateMembers)
      .where(
        and(eq(bundleCandidateMembers.candidateId, candidateId), eq(bundleCandidateMembers.orderId, orderId)),
      );
    await tx
      .insert(orderHistory)
      .values({ orderId, action: "bundle_left", actor, detail: { candidateId, reason } });
    const rest = await tx
      .select({ orderId: bundleCandidateMembers.orderId, shipmentId: orders.shipmentId })
      .from(bundleCandidateMembers)
      .innerJoin(orders, eq(orders.id, bundleCandidateMembers.orderId))
      .where(eq(bundleCandidateMembers.candidateId, candidateId));
    if (rest.length >= 2) continue;
    await tx
      .update(bundleCandidates)
      .set({ status: "dissolved", decidedBy: actor, decidedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(bundleCandidates.id, candidateId));
    await recordShipmentChanges(
      tx,
      rest
        .filter((r) => r.shipmentId !== null)
        .map((r) => ({
          organizationId,
          shipmentId: r.shipmentId as number,
          action: "bundle_unlocked",
          actor,
          detail: { candidateId, reason: `candidate dissolved: ${reason}` },
        })),
    );
  }
}

/** The undecided candidate that locks this shipment slip, if any (one of its orders is a member). */
export async function lockingCandidate(tx: Db, shipmentId: number) {
  const [row] = await tx
    .select({ candidateId: bundleCandidates.id, orderCode: orders.orderCode })
    .from(orders)
    .innerJoin(bundleCandidateMembers, eq(bundleCandidateMembers.orderId, orders.id))
    .innerJoin(bundleCandidates, eq(bundleCandidates.id, bundleCandidateMembers.candidateId))
    .where(and(eq(orders.shipmentId, shipmentId), eq(bundleCandidates.status, "open")))
    .limit(1);
  return row ?? null;
}
