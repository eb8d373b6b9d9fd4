// The state of a shipment notice per slip × store (shipment_notices), summed up on the slip: written by
// both ways of sending (one notice per request, or batches).
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/connection.ts";
import { orders, shipmentNotices, shipments } from "../../db/schema.ts";
import type { RunContext } from "./context.ts";

export interface Notice {
  shipment: typeof shipments.$inferSelect;
  status: string;
  requestIds: string[] | null;
  batchKey: string | null;
}

export async function markFailed(
  context: RunContext,
  shipment: Notice["shipment"],
  reason: string,
): Promise<void> {
  await setNotice(context.db, shipment.id, context.store.id, { status: "failed", error: reason });
  context.journal.count("failed");
  context.journal.error({
    message: `shipment ${shipment.code}: the channel refused the notice`,
    channelMessage: reason,
    item: shipment.code,
  });
}

/** Writes one store's notice state, then the slip's overall state (failed > pending/accepted > done). */
export async function setNotice(
  db: Db,
  shipmentId: number,
  storeId: number,
  change: { status: Notice["status"]; requestIds?: string[] | null; error?: string | null },
): Promise<void> {
  await db
    .update(shipmentNotices)
    .set({ ...change, status: change.status as "pending", noticeAt: sql`now()` })
    .where(and(eq(shipmentNotices.shipmentId, shipmentId), eq(shipmentNotices.storeId, storeId)));
  const all = await db
    .select({
      status: shipmentNotices.status,
      requestIds: shipmentNotices.requestIds,
      error: shipmentNotices.error,
    })
    .from(shipmentNotices)
    .where(eq(shipmentNotices.shipmentId, shipmentId));
  const statuses = all.map((n) => n.status);
  const overall = statuses.includes("failed")
    ? "failed"
    : statuses.includes("pending")
      ? "pending"
      : statuses.includes("accepted")
        ? "accepted"
        : statuses.every((s) => s === "not_supported")
          ? "not_supported"
          : "done";
  const requestIds = all.flatMap((n) => n.requestIds ?? []);
  await db
    .update(shipments)
    .set({
      noticeStatus: overall,
      noticeRequestId: requestIds.length > 0 ? JSON.stringify(requestIds) : null,
      noticeError: all.find((n) => n.error)?.error ?? null,
      noticeAt: sql`now()`,
    })
    .where(eq(shipments.id, shipmentId));
}

/** This store's order codes on each slip (a bundled slip may carry orders of several stores). */
export async function orderCodesOf(context: RunContext, notices: Notice[]): Promise<Map<number, string[]>> {
  const codes = new Map<number, string[]>();
  if (notices.length === 0) return codes;
  const rows = await context.db
    .select({
      shipmentId: orders.shipmentId,
      orderCode: orders.orderCode,
      originalOrderCode: orders.originalOrderCode,
    })
    .from(orders)
    .where(
      and(
        eq(orders.storeId, context.store.id),
        inArray(
          orders.shipmentId,
          notices.map((n) => n.shipment.id),
        ),
      ),
    )
    .orderBy(asc(orders.id));
  for (const row of rows) {
    const id = row.shipmentId as number;
    codes.set(id, [...(codes.get(id) ?? []), row.originalOrderCode ?? row.orderCode]);
  }
  return codes;
}
