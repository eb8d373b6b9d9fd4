// 出荷通知 in batches, for async channels that take many notices per request (capabilities.shipmentNotice
// .batchSize with sendShipments / pollShipmentResults): the notices of a batch are written down with the
// batch's key before it is sent, so a crash between sending and recording sends the same batch again
// under the same idempotency key, and the channel applies it once.
import { and, eq, inArray } from "drizzle-orm";
import { isChannelError } from "../../channels/errors.ts";
import type { ShipmentNotice, ShipmentResult } from "../../channels/types.ts";
import { shipmentNotices } from "../../db/schema.ts";
import type { RunContext } from "./context.ts";
import { markFailed, type Notice, orderCodesOf, setNotices } from "./shipment-notice-state.ts";

type NoticeOutcome = "accepted" | "done" | "failed";

/** Sends the pending notices in batches and polls the accepted ones; answers whether any awaits a result. */
export async function notifyInBatches(
  context: RunContext,
  waiting: Notice[],
  batchSize: number,
): Promise<boolean> {
  const ordersOf = await orderCodesOf(context, waiting);
  let awaitingResult = false;
  const pending = waiting.filter((n) => n.status === "pending");
  for (const batch of await planBatches(context, pending, ordersOf, batchSize)) {
    if ((await sendBatch(context, batch, ordersOf)) === "accepted") awaitingResult = true;
  }
  const accepted = waiting.filter((n) => n.status === "accepted");
  if ((await pollAccepted(context, accepted, ordersOf)).includes("accepted")) awaitingResult = true;
  return awaitingResult;
}

interface Batch {
  key: string;
  notices: Notice[];
}

/** Batches written down before a crash stay as they were; the other notices are grouped and written down. */
async function planBatches(
  context: RunContext,
  pending: Notice[],
  ordersOf: Map<number, string[]>,
  batchSize: number,
): Promise<Batch[]> {
  const batches = new Map<string, Notice[]>();
  for (const notice of pending.filter((n) => n.batchKey)) {
    const key = notice.batchKey as string;
    batches.set(key, [...(batches.get(key) ?? []), notice]);
  }
  const fresh: Notice[][] = [];
  let current: Notice[] = [];
  let count = 0;
  for (const notice of pending.filter((n) => !n.batchKey)) {
    const orderCount = ordersOf.get(notice.shipment.id)?.length ?? 0;
    if (current.length > 0 && count + orderCount > batchSize) {
      fresh.push(current);
      current = [];
      count = 0;
    }
    current.push(notice);
    count += orderCount;
  }
  if (current.length > 0) fresh.push(current);
  const { store, db } = context;
  for (const notices of fresh) {
    const ids = notices.map((n) => n.shipment.id);
    const key = `shipments-${store.id}-${ids[0]}-${ids.at(-1)}-${ids.length}`;
    await db
      .update(shipmentNotices)
      .set({ batchKey: key })
      .where(and(eq(shipmentNotices.storeId, store.id), inArray(shipmentNotices.shipmentId, ids)));
    batches.set(key, notices);
  }
  return [...batches].map(([key, notices]) => ({ key, notices }));
}

async function sendBatch(
  context: RunContext,
  batch: Batch,
  ordersOf: Map<number, string[]>,
): Promise<NoticeOutcome> {
  const { connector, journal, db, store } = context;
  const send = connector.sendShipments?.bind(connector);
  if (!send) return "failed";
  const notices: ShipmentNotice[] = batch.notices.flatMap(({ shipment }) =>
    (ordersOf.get(shipment.id) ?? []).map((orderCode) => ({
      orderCode,
      carrier: shipment.carrier ?? "",
      trackingNumber: shipment.trackingNumber ?? "",
      shippedOn: shipment.shippedOn ?? "",
      idempotencyKey: `shipment-${shipment.id}-${orderCode}`,
    })),
  );
  journal.count("fetched", batch.notices.length);
  let requestId: string;
  try {
    ({ requestId } = await journal.call(`shipment notices (${notices.length})`, () =>
      send(notices, batch.key),
    ));
  } catch (error) {
    if (!isChannelError(error) || error.retryable || error.kind === "auth") throw error;
    const reason = `${error.message}${error.channelMessage ? `: ${error.channelMessage}` : ""}`;
    for (const { shipment } of batch.notices) await markFailed(context, shipment, reason);
    return "failed";
  }
  const ids = batch.notices.map((n) => n.shipment.id);
  await setNotices(db, ids, store.id, { status: "accepted", requestIds: [requestId], error: null });
  journal.count("updated", batch.notices.length);
  return "accepted";
}

/** One poll per request id, whatever the number of slips it carried. */
async function pollAccepted(
  context: RunContext,
  accepted: Notice[],
  ordersOf: Map<number, string[]>,
): Promise<NoticeOutcome[]> {
  const { connector, journal, db, store } = context;
  const poll = connector.pollShipmentResults?.bind(connector);
  if (!poll) return accepted.map(() => "accepted");
  const resultsOf = new Map<string, Map<string, ShipmentResult>>();
  const outcomes: NoticeOutcome[] = [];
  // The slips found done are written together, also when a later poll fails (they are not polled again).
  const done: number[] = [];
  try {
    for (const { shipment, requestIds } of accepted) {
      const results: ShipmentResult[] = [];
      for (const requestId of requestIds ?? []) {
        if (!resultsOf.has(requestId)) {
          resultsOf.set(
            requestId,
            await journal.call(`shipment results ${requestId}`, () => poll(requestId)),
          );
        }
        const byOrder = resultsOf.get(requestId) as Map<string, ShipmentResult>;
        for (const code of ordersOf.get(shipment.id) ?? [])
          results.push(byOrder.get(code) ?? { status: "pending" });
      }
      const rejected = results.find((r) => r.status === "rejected");
      if (rejected?.status === "rejected") {
        await markFailed(context, shipment, rejected.channelMessage);
        outcomes.push("failed");
      } else if (results.length > 0 && results.every((r) => r.status === "done")) {
        done.push(shipment.id);
        journal.count("pushed");
        outcomes.push("done");
      } else {
        journal.count("unchanged");
        outcomes.push("accepted");
      }
    }
  } finally {
    await setNotices(db, done, store.id, { status: "done" });
  }
  return outcomes;
}
