// Bundle candidates (同梱候補) for the API: each with its members, their slips, the conflicts the operator
// should see (requested dates, time slots) and how close the shipping cut-off is.
import { and, asc, eq, inArray, lte, type SQL } from "drizzle-orm";
import { conflictsOf, urgencyOf } from "../../../domain/bundling.ts";
import type { Db } from "../../connection.ts";
import {
  type BundleCandidateStatus,
  bundleCandidateMembers,
  bundleCandidates,
  deliveryMethods,
  orders,
  paymentMethods,
  shipments,
} from "../../schema.ts";
import { countWhere, offsetOf, type PageRequest } from "./paging.ts";

export interface CandidateFilter {
  status?: BundleCandidateStatus;
  /** Only candidates made at or before this instant (urgent ones; see domain/bundling.ts). */
  createdBy?: Date;
  orderId?: number;
}

export interface Urgency {
  now: Date;
  cutoffTime: string | null;
  urgentMinutes: number;
}

export async function listBundleCandidates(
  db: Db,
  organizationId: number,
  filter: CandidateFilter,
  paging: PageRequest,
  urgency: Urgency,
) {
  const conditions: (SQL | undefined)[] = [eq(bundleCandidates.organizationId, organizationId)];
  if (filter.status) conditions.push(eq(bundleCandidates.status, filter.status));
  if (filter.createdBy) conditions.push(lte(bundleCandidates.createdAt, filter.createdBy));
  if (filter.orderId) {
    const having = db
      .select({ id: bundleCandidateMembers.candidateId })
      .from(bundleCandidateMembers)
      .where(eq(bundleCandidateMembers.orderId, filter.orderId));
    conditions.push(inArray(bundleCandidates.id, having));
  }
  const where = and(...conditions);
  const rows = await db
    .select()
    .from(bundleCandidates)
    .where(where)
    .orderBy(asc(bundleCandidates.createdAt), asc(bundleCandidates.id))
    .limit(paging.limit)
    .offset(offsetOf(paging));
  return { rows: await withMembers(db, rows, urgency), total: await countWhere(db, bundleCandidates, where) };
}

export async function bundleCandidateDetail(
  db: Db,
  organizationId: number,
  candidateId: number,
  urgency: Urgency,
) {
  const rows = await db
    .select()
    .from(bundleCandidates)
    .where(and(eq(bundleCandidates.id, candidateId), eq(bundleCandidates.organizationId, organizationId)));
  return (await withMembers(db, rows, urgency))[0] ?? null;
}

type CandidateRow = typeof bundleCandidates.$inferSelect;

async function withMembers(db: Db, candidates: CandidateRow[], urgency: Urgency) {
  if (candidates.length === 0) return [];
  const members = await db
    .select({
      candidateId: bundleCandidateMembers.candidateId,
      orderId: orders.id,
      orderCode: orders.orderCode,
      storeId: orders.storeId,
      status: orders.status,
      orderedAt: orders.orderedAt,
      deliveryAddress: orders.deliveryAddress,
      deliveryMethodCode: deliveryMethods.code,
      deliveryMethodReceived: orders.deliveryMethodReceived,
      paymentMethodCode: paymentMethods.code,
      requestedDate: orders.requestedDate,
      timeSlot: orders.timeSlot,
      total: orders.total,
      shipmentId: shipments.id,
      shipmentCode: shipments.code,
      shipmentStatus: shipments.status,
    })
    .from(bundleCandidateMembers)
    .innerJoin(orders, eq(orders.id, bundleCandidateMembers.orderId))
    .leftJoin(shipments, eq(shipments.id, orders.shipmentId))
    .leftJoin(deliveryMethods, eq(deliveryMethods.id, orders.deliveryMethodId))
    .leftJoin(paymentMethods, eq(paymentMethods.id, orders.paymentMethodId))
    .where(
      inArray(
        bundleCandidateMembers.candidateId,
        candidates.map((c) => c.id),
      ),
    )
    .orderBy(asc(orders.id));
  const bundledIds = candidates.flatMap((c) => (c.shipmentId ? [c.shipmentId] : []));
  const bundled =
    bundledIds.length === 0
      ? []
      : await db
          .select({ id: shipments.id, code: shipments.code })
          .from(shipments)
          .where(inArray(shipments.id, bundledIds));
  const bundledCode = new Map(bundled.map((s) => [s.id, s.code]));
  return candidates.map((candidate) => {
    const own = members.filter((m) => m.candidateId === candidate.id).map(({ candidateId: _c, ...m }) => m);
    const timing =
      candidate.status === "open"
        ? urgencyOf(candidate.createdAt, urgency.now, urgency.cutoffTime, urgency.urgentMinutes)
        : { deadline: null, urgent: false, overdue: false };
    return {
      id: candidate.id,
      status: candidate.status,
      members: own,
      conflicts: conflictsOf(own),
      ...timing,
      shipmentId: candidate.shipmentId,
      shipmentCode: candidate.shipmentId ? (bundledCode.get(candidate.shipmentId) ?? null) : null,
      decidedBy: candidate.decidedBy,
      decidedAt: candidate.decidedAt,
      createdAt: candidate.createdAt,
      updatedAt: candidate.updatedAt,
    };
  });
}
