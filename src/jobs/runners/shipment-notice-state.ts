// The state of a shipment notice per slip × store (shipment_notices), summed up on the slip: written by
// both ways of sending (one notice per request, or batches).
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/connection.ts";
import { orders, shipmentNotices, type shipments } from "../../db/schema.ts";
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

type NoticeChange = { status: Notice["status"]; requestIds?: string[] | null; error?: string | null };

/** Writes one store's notice state, then the slip's overall state (failed > pending/accepted > done). */
export const setNotice = (db: Db, shipmentId: number, storeId: number, change: NoticeChange) =>
  setNotices(db, [shipmentId], storeId, change);

/**
 * The same change to one store's notices on many slips, then each slip's overall state: three statements
 * whatever the number of slips (a batch of a hundred notices is accepted, and later done, at once).
 */
export async function setNotices(
  db: Db,
  shipmentIds: number[],
  storeId: number,
  change: NoticeChange,
): Promise<void> {
  if (shipmentIds.length === 0) return;
  await db
    .update(shipmentNotices)
    .set({ ...change, status: change.status as "pending", noticeAt: sql`now()` })
    .where(and(inArray(shipmentNotices.shipmentId, shipmentIds), eq(shipmentNotices.storeId, storeId)));
  const all = await db
    .select({
      shipmentId: shipmentNotices.shipmentId,
      status: shipmentNotices.status,
      requestIds: shipmentNotices.requestIds,
      error: shipmentNotices.error,
    })
    .from(shipmentNotices)
    .where(inArray(shipmentNotices.shipmentId, shipmentIds))
    .orderBy(asc(shipmentNotices.shipmentId), asc(shipmentNotices.storeId));
  const bySlip = new Map<number, typeof all>();
  for (const notice of all) {
    const notices = bySlip.get(notice.shipmentId) ?? [];
    notices.push(notice);
    bySlip.set(notice.shipmentId, notices);
  }
  const slips = [...bySlip].map(([id, notices]) => {
    const requestIds = notices.flatMap((n) => n.requestIds ?? []);
    return {
      id,
      notice_status: overallStatus(notices.map((n) => n.status)),
      notice_request_id: requestIds.length > 0 ? JSON.stringify(requestIds) : null,
      notice_error: notices.find((n) => n.error)?.error ?? null,
    };
  });
  await db.execute(sql`
    UPDATE shipments s
       SET notice_status = r.notice_status, notice_request_id = r.notice_request_id,
           notice_error = r.notice_error, notice_at = now()
      FROM json_to_recordset(${JSON.stringify(slips)}::json)
           AS r(id bigint, notice_status text, notice_request_id text, notice_error text)
     WHERE s.id = r.id`);
}

/** A slip's notice state over its stores' notices: failed > pending > accepted > done. */
function overallStatus(statuses: string[]): Notice["status"] {
  if (statuses.includes("failed")) return "failed";
  if (statuses.includes("pending")) return "pending";
  if (statuses.includes("accepted")) return "accepted";
  return statuses.every((s) => s === "not_supported") ? "not_supported" : "done";
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
