// 出荷通知: for every shipped slip with orders of this store not yet reported, send carrier, tracking number
// and ship date for each of those orders; async channels accept first and give the result later. A bundled
// slip (同梱) carries several orders — possibly of several stores — and every original order is told, each
// on its own channel: the state is kept per slip × store (shipment_notices) and summed up on the slip.
import { and, asc, eq, inArray } from "drizzle-orm";
import { isChannelError } from "../../channels/errors.ts";
import { shipmentNotices, shipments } from "../../db/schema.ts";
import type { RunContext } from "./context.ts";
import { notifyInBatches } from "./shipment-notice-batches.ts";
import { markFailed, type Notice, orderCodesOf, setNotice, setNotices } from "./shipment-notice-state.ts";

const batch = 500;

type NoticeStatus = "accepted" | "done" | "failed";

export async function notifyShipments(context: RunContext): Promise<void> {
  const { db, store, connector, journal } = context;
  const capability = connector.capabilities.shipmentNotice;
  const waiting: Notice[] = await db
    .select({
      shipment: shipments,
      status: shipmentNotices.status,
      requestIds: shipmentNotices.requestIds,
      batchKey: shipmentNotices.batchKey,
    })
    .from(shipmentNotices)
    .innerJoin(shipments, eq(shipments.id, shipmentNotices.shipmentId))
    .where(
      and(eq(shipmentNotices.storeId, store.id), inArray(shipmentNotices.status, ["pending", "accepted"])),
    )
    .orderBy(asc(shipmentNotices.shipmentId))
    .limit(batch);
  if (!capability) {
    const ids = waiting.map((notice) => notice.shipment.id);
    await setNotices(db, ids, store.id, { status: "not_supported" });
    if (waiting.length > 0) journal.count("skipped", waiting.length);
    return;
  }

  if (capability.mode === "async" && capability.batchSize && connector.sendShipments) {
    if (await notifyInBatches(context, waiting, capability.batchSize))
      context.followUpAfter(capability.pollAfterMs);
    if (waiting.length === batch) context.followUpAfter(0);
    return;
  }

  let awaitingResult = false;
  const ordersOf = await orderCodesOf(
    context,
    waiting.filter((notice) => notice.status === "pending"),
  );
  for (const notice of waiting) {
    journal.count("fetched");
    const status =
      notice.status === "pending"
        ? await send(context, notice, ordersOf.get(notice.shipment.id) ?? [])
        : await poll(context, notice);
    if (status === "accepted") awaitingResult = true;
  }
  if (awaitingResult && capability.mode === "async") context.followUpAfter(capability.pollAfterMs);
  if (waiting.length === batch) context.followUpAfter(0);
}

/** One notice per order of this store on the slip (`orderCodes`), each as its own request. */
async function send(context: RunContext, { shipment }: Notice, orderCodes: string[]): Promise<NoticeStatus> {
  const { db, connector, journal, store } = context;
  const requestIds: string[] = [];
  try {
    for (const orderCode of orderCodes) {
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
  await setNotice(db, shipment.id, store.id, {
    status: accepted ? "accepted" : "done",
    requestIds: accepted ? requestIds : null,
    error: null,
  });
  journal.count(accepted ? "updated" : "pushed");
  return accepted ? "accepted" : "done";
}

async function poll(context: RunContext, { shipment, requestIds }: Notice): Promise<NoticeStatus> {
  const { db, connector, journal, store } = context;
  const poller = connector.pollShipmentResult?.bind(connector);
  if (!poller || !requestIds) return "accepted";
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
    await setNotice(db, shipment.id, store.id, { status: "done" });
    journal.count("pushed");
    return "done";
  }
  journal.count("unchanged"); // still pending on the channel; the follow-up run asks again
  return "accepted";
}
