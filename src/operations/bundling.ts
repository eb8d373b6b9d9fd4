// The operator's decision on a bundle candidate (同梱候補): bundle (同梱を実行) merges the slips into one
// shipment slip with one shipment code; do not bundle (同梱しない) releases the locks and the pair is never
// proposed again. Also: an order whose delivery key changed leaves its candidate or bundle.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type Db, inTransaction } from "../db/connection.ts";
import { recordShipmentChanges } from "../db/repositories/shipment-history.ts";
import {
  bundleCandidateMembers,
  bundleCandidates,
  bundleExclusions,
  orderHistory,
  orders,
  paymentMethods,
  shipmentLines,
  shipments,
  stores,
} from "../db/schema.ts";
import { type BundleOrder, incompatibility } from "../domain/bundling.ts";
import { conflict, notFound } from "../domain/errors.ts";
import {
  bundlableShipmentStatuses,
  deliveryKeyOf,
  excludedPairsAmong,
  leaveOpenCandidates,
  loadShipmentSettings,
  proposeBundle,
} from "./bundle-lookup.ts";
import { settleOrder, splitShipment } from "./settle-order.ts";

async function lockOpenCandidate(tx: Db, organizationId: number, candidateId: number) {
  const [candidate] = await tx
    .select()
    .from(bundleCandidates)
    .where(and(eq(bundleCandidates.id, candidateId), eq(bundleCandidates.organizationId, organizationId)))
    .for("update");
  if (!candidate) throw notFound(`bundle candidate ${candidateId}`, "candidateId");
  if (candidate.status !== "open") {
    throw conflict(
      "candidate_decided",
      `bundle candidate ${candidateId} is ${candidate.status}; only an open candidate can be decided`,
      "candidateId",
    );
  }
  return candidate;
}

async function memberOrders(tx: Db, candidateId: number) {
  return tx
    .select({ order: orders, paymentMethodCode: paymentMethods.code })
    .from(bundleCandidateMembers)
    .innerJoin(orders, eq(orders.id, bundleCandidateMembers.orderId))
    .leftJoin(paymentMethods, eq(paymentMethods.id, orders.paymentMethodId))
    .where(eq(bundleCandidateMembers.candidateId, candidateId))
    .orderBy(asc(orders.id))
    .for("update", { of: orders });
}

export interface BundleCommand {
  organizationId: number;
  candidateId: number;
  actor: string;
}

/** 同梱を実行: the members' slips become one new slip (one shipment code); the old slips are cancelled. */
export async function executeBundle(db: Db, command: BundleCommand) {
  return inTransaction(db, async (tx) => {
    const candidate = await lockOpenCandidate(tx, command.organizationId, command.candidateId);
    const members = await memberOrders(tx, candidate.id);
    for (const { order } of members) {
      if (order.cancelledAt || order.shippedAt || !order.shipmentId) {
        throw conflict(
          "member_not_bundlable",
          `order ${order.orderCode} of candidate ${candidate.id} has no open shipment slip (it is ${order.status})`,
          "candidateId",
        );
      }
    }
    const oldIds = [...new Set(members.map((m) => m.order.shipmentId as number))].sort((a, b) => a - b);
    const oldSlips = await tx
      .select()
      .from(shipments)
      .where(inArray(shipments.id, oldIds))
      .orderBy(asc(shipments.id))
      .for("update");
    const busy = oldSlips.find((s) => !(bundlableShipmentStatuses as readonly string[]).includes(s.status));
    if (busy) {
      throw conflict(
        "member_not_bundlable",
        `shipment ${busy.code} is ${busy.status}; only waiting or allocated slips can be bundled`,
        "candidateId",
      );
    }
    await refuseIncompatibleMembers(tx, command.organizationId, members);

    const onSlips = await tx
      .select({
        id: orders.id,
        orderCode: orders.orderCode,
        allocated: orders.allocated,
        storeId: orders.storeId,
      })
      .from(orders)
      .where(inArray(orders.shipmentId, oldIds))
      .orderBy(asc(orders.id));
    const first = members[0]?.order;
    const warehouseId = oldSlips[0]?.warehouseId;
    if (!first || warehouseId === undefined) throw new Error(`candidate ${candidate.id} has no members`);
    const status = onSlips.every((o) => o.allocated) ? "allocated" : "waiting";
    const [bundled] = await tx
      .insert(shipments)
      .values({ organizationId: first.organizationId, storeId: first.storeId, warehouseId, status })
      .returning();
    if (!bundled) throw new Error("bundled shipment insert returned nothing");

    await tx.execute(sql`
      INSERT INTO ${shipmentLines} (shipment_id, order_id, product_id, quantity)
      SELECT ${bundled.id}, order_id, product_id, quantity FROM ${shipmentLines}
      WHERE shipment_id IN (${sql.join(
        oldIds.map((id) => sql`${id}`),
        sql`, `,
      )})`);
    await tx
      .update(shipments)
      .set({ status: "cancelled", updatedAt: sql`now()` })
      .where(inArray(shipments.id, oldIds));
    await tx
      .update(orders)
      .set({ shipmentId: bundled.id, updatedAt: sql`now()` })
      .where(
        inArray(
          orders.id,
          onSlips.map((o) => o.id),
        ),
      );
    await tx
      .update(bundleCandidates)
      .set({
        status: "bundled",
        shipmentId: bundled.id,
        decidedBy: command.actor,
        decidedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(eq(bundleCandidates.id, candidate.id));

    const oldCodes = oldSlips.map((s) => s.code);
    await recordShipmentChanges(tx, [
      ...oldSlips.map((s) => ({
        organizationId: s.organizationId,
        shipmentId: s.id,
        action: "merged",
        fromStatus: s.status,
        toStatus: "cancelled",
        actor: command.actor,
        detail: { candidateId: candidate.id, into: bundled.code, intoShipmentId: bundled.id },
      })),
      {
        organizationId: bundled.organizationId,
        shipmentId: bundled.id,
        action: "bundled",
        toStatus: status,
        actor: command.actor,
        detail: { candidateId: candidate.id, from: oldCodes, orderIds: onSlips.map((o) => o.id) },
      },
    ]);
    await tx.insert(orderHistory).values(
      onSlips.map((o) => ({
        orderId: o.id,
        action: "bundled",
        actor: command.actor,
        detail: {
          candidateId: candidate.id,
          shipmentId: bundled.id,
          shipmentCode: bundled.code,
          from: oldCodes,
        },
      })),
    );
    return {
      candidateId: candidate.id,
      shipmentId: bundled.id,
      code: bundled.code,
      status,
      orderIds: onSlips.map((o) => o.id),
      mergedShipmentCodes: oldCodes,
    };
  });
}

/** The rules may have changed since the candidate was made (payment pairs, a "do not bundle" elsewhere). */
async function refuseIncompatibleMembers(
  tx: Db,
  organizationId: number,
  members: Array<{ order: typeof orders.$inferSelect; paymentMethodCode: string | null }>,
) {
  const settings = await loadShipmentSettings(tx, organizationId);
  const rules = {
    excludedPairs: await excludedPairsAmong(
      tx,
      members.map((m) => m.order.id),
    ),
    nonBundlablePaymentPairs: settings.nonBundlablePaymentPairs,
  };
  const asBundle = members.map((m): BundleOrder & { code: string } => ({
    id: m.order.id,
    code: m.order.orderCode,
    paymentMethodCode: m.paymentMethodCode,
    requestedDate: m.order.requestedDate,
    timeSlot: m.order.timeSlot,
  }));
  for (const [i, a] of asBundle.entries()) {
    for (const b of asBundle.slice(i + 1)) {
      const reason = incompatibility(a, b, rules);
      if (reason) {
        throw conflict(
          reason,
          `orders ${a.code} and ${b.code} may not be bundled (${reason})`,
          "candidateId",
        );
      }
    }
  }
}

/** 同梱しない: locks released, and no pair of these orders is proposed again. */
export async function dismissCandidate(db: Db, command: BundleCommand) {
  return inTransaction(db, async (tx) => {
    const candidate = await lockOpenCandidate(tx, command.organizationId, command.candidateId);
    const members = await memberOrders(tx, candidate.id);
    const ids = members.map((m) => m.order.id);
    const pairs = ids.flatMap((a, i) =>
      ids.slice(i + 1).map((b) => [Math.min(a, b), Math.max(a, b)] as const),
    );
    if (pairs.length > 0) {
      await tx
        .insert(bundleExclusions)
        .values(
          pairs.map(([low, high]) => ({
            organizationId: command.organizationId,
            orderIdLow: low,
            orderIdHigh: high,
            actor: command.actor,
          })),
        )
        .onConflictDoNothing();
    }
    await tx
      .update(bundleCandidates)
      .set({ status: "dismissed", decidedBy: command.actor, decidedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(bundleCandidates.id, candidate.id));
    const slipIds = [
      ...new Set(members.map((m) => m.order.shipmentId).filter((id): id is number => id !== null)),
    ];
    await recordShipmentChanges(
      tx,
      slipIds.map((shipmentId) => ({
        organizationId: command.organizationId,
        shipmentId,
        action: "bundle_unlocked",
        actor: command.actor,
        detail: { candidateId: candidate.id, reason: "do not bundle (同梱しない)" },
      })),
    );
    if (ids.length > 0) {
      await tx.insert(orderHistory).values(
        ids.map((orderId) => ({
          orderId,
          action: "bundle_dismissed",
          actor: command.actor,
          detail: { candidateId: candidate.id },
        })),
      );
    }
    return { candidateId: candidate.id, status: "dismissed" as const, orderIds: ids };
  });
}

/**
 * After a channel changed an order: when its delivery key changed, it leaves its candidate or its bundled
 * slip (which splits back), and it is looked up again with the new key.
 */
export async function reviewBundlingAfterUpdate(tx: Db, orderId: number, actor: string): Promise<void> {
  const [row] = await tx
    .select({
      order: orders,
      // The warehouse the order ships from (a warehouse rule's choice), else the store's: the key's part.
      warehouseId: sql<number>`coalesce(${orders.warehouseId}, ${stores.warehouseId})`.mapWith(Number),
      paymentMethodCode: paymentMethods.code,
    })
    .from(orders)
    .innerJoin(stores, eq(stores.id, orders.storeId))
    .leftJoin(paymentMethods, eq(paymentMethods.id, orders.paymentMethodId))
    .where(eq(orders.id, orderId));
  if (!row?.order.deliveryKey || !row.order.shipmentId) return;
  if (deliveryKeyOf(row.order, row.warehouseId) === row.order.deliveryKey) return;
  await leaveOpenCandidates(tx, orderId, actor, "delivery address or method changed");
  const [slip] = await tx.select().from(shipments).where(eq(shipments.id, row.order.shipmentId));
  if (!slip || !(bundlableShipmentStatuses as readonly string[]).includes(slip.status)) return;
  const [shared] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(orders)
    .where(eq(orders.shipmentId, slip.id));
  if ((shared?.n ?? 0) > 1) {
    await splitShipment(tx, slip, orderId, actor);
    await settleOrder(tx, orderId, actor); // its own slip again, looked up with the new key
    return;
  }
  await proposeBundle(tx, row, actor);
}
