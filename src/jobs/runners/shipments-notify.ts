// 出荷通知: for every shipped slip of the store not yet reported, send carrier, tracking number and ship
// date for each of its orders; async channels accept first and give the result later.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { isChannelError } from "../../channels/errors.ts";
import { orders, shipments } from "../../db/schema.ts";
import type { RunContext } from "./context.ts";

const batch = 500;

export async function notifyShipments(context: RunContext): Promise<void> {
  const { db, store, connector, journal } = context;
  const capability = connector.capabilities.shipmentNotice;
  const waiting = await db
    .select()
    .from(shipments)
    .where(and(eq(shipments.storeId, store.id), inArray(shipments.noticeStatus, ["pending", "accepted"])))
    .orderBy(asc(shipments.id))
    .limit(batch);
  if (!capability) {
    if (waiting.length > 0) {
      await db
        .update(shipments)
        .set({ noticeStatus: "not_supported" })
        .where(
          inArray(
            shipments.id,
            waiting.map((s) => s.id),
          ),
        );
      journal.count("skipped", waiting.length);
    }
    return;
  }

  let awaitingResult = false;
  for (const shipment of waiting) {
    journal.count("fetched");
    const status =
      shipment.noticeStatus === "pending" ? await send(context, shipment) : await poll(context, shipment);
    if (status === "accepted") awaitingResult = true;
  }
  if (awaitingResult && capability.mode === "async") context.followUpAfter(capability.pollAfterMs);
  if (waiting.length === batch) context.followUpAfter(0);
}

type NoticeStatus = "accepted" | "done" | "failed";

type Shipment = typeof shipments.$inferSelect;

async function send(context: RunContext, shipment: Shipment): Promise<NoticeStatus> {
  const { db, connector, journal } = context;
  const codes = await db
    .select({ orderCode: sql<string>`coalesce(${orders.originalOrderCode}, ${orders.orderCode})` })
    .from(orders)
    .where(eq(orders.shipmentId, shipment.id));
  const requestIds: string[] = [];
  try {
    for (const { orderCode } of codes) {
      const receipt = await journal.call(`shipment notice for ${orderCode}`, () =>
        connector.sendShipment({
          orderCode,
          carrier: shipment.carrier ?? "",
          trackingNumber: shipment.trackingNumber ?? "",
          shippedOn: shipment.shippedOn ?? "",
          idempotencyKey: `shipment-${shipment.id}-${orderCode}`,
        }),
      );
      if (receipt.status === "accepted") requestIds.push(receipt.requestId);
    }
  } catch (error) {
    if (!isChannelError(error) || error.retryable || error.kind === "auth") throw error;
    await markFailed(
      context,
      shipment,
      `${error.message}${error.channelMessage ? `: ${error.channelMessage}` : ""}`,
    );
    return "failed";
  }
  const accepted = requestIds.length > 0;
  await db
    .update(shipments)
    .set({
      noticeStatus: accepted ? "accepted" : "done",
      noticeRequestId: accepted ? JSON.stringify(requestIds) : null,
      noticeError: null,
      noticeAt: sql`now()`,
    })
    .where(eq(shipments.id, shipment.id));
  journal.count(accepted ? "updated" : "pushed");
  return accepted ? "accepted" : "done";
}

async function poll(context: RunContext, shipment: Shipment): Promise<NoticeStatus> {
  const { db, connector, journal } = context;
  const poller = connector.pollShipmentResult?.bind(connector);
  if (!poller || !shipment.noticeRequestId) return "accepted";
  const requestIds = JSON.parse(shipment.noticeRequestId) as string[];
  const results = [];
  for (const requestId of requestIds) {
    results.push(await journal.call(`shipment result ${requestId}`, () => poller(requestId)));
  }
  const rejected = results.find((r) => r.status === "rejected");
  if (rejected && rejected.status === "rejected") {
    await markFailed(context, shipment, rejected.channelMessage);
    return "failed";
  }
  if (results.every((r) => r.status === "done")) {
    await db
      .update(shipments)
      .set({ noticeStatus: "done", noticeAt: sql`now()` })
      .where(eq(shipments.id, shipment.id));
    journal.count("pushed");
    return "done";
  }
  journal.count("unchanged"); // still pending on the channel; the follow-up run asks again
  return "accepted";
}

async function markFailed(context: RunContext, shipment: Shipment, reason: string): Promise<void> {
  await context.db
    .update(shipments)
    .set({ noticeStatus: "failed", noticeError: reason, noticeAt: sql`now()` })
    .where(eq(shipments.id, shipment.id));
  context.journal.count("failed");
  context.journal.error({
    message: `shipment ${shipment.code}: the channel refused the notice`,
    channelMessage: reason,
    item: shipment.code,
  });
}
