// 受注取込: pages of orders changed in a window, each page registered and committed before the next, the
// cursor saved after each page so a crash resumes there. Re-registering an order changes nothing.
import { z } from "zod";
import type { OrderPage, OrderWindow, UnreadableOrder } from "../../channels/types.ts";
import { loadMappingContext } from "../../db/repositories/mapping-context.ts";
import { ReadCache } from "../../db/repositories/read-cache.ts";
import { inboundRejects } from "../../db/schema.ts";
import type { DomainError } from "../../domain/errors.ts";
import { commitPage, type PreparedPage, preparePage } from "../../operations/register-order-page.ts";
import type { RunContext } from "./context.ts";
import { requireMasters } from "./import-prerequisites.ts";
import { PageReader } from "./page-reader.ts";

const dayMs = 86_400_000;
/** Orders may change on the channel just before a window's end becomes visible: look back a little. */
const overlapMs = 10 * 60_000;
/** Pages fetched ahead of the one being registered. */
const readAheadPages = 8;
/** How many orders one transaction registers at most, when the channel answers faster than Kura registers. */
const ordersPerTransaction = 500;

const cursorSchema = z.object({
  windowFrom: z.string().optional(),
  windowTo: z.string().optional(),
  page: z.string().nullable().optional(),
  completedTo: z.string().optional(),
});

export async function importOrders(context: RunContext): Promise<void> {
  const capability = context.connector.capabilities.fetchOrders;
  if (!capability) return;
  const saved = cursorSchema.safeParse(context.cursor ?? {});
  const cursor = saved.success ? saved.data : {};
  if (capability.requiresMasters && !cursor.completedTo) await requireMasters(context);
  const now = context.now();
  const lookbackDays = Math.min(Number(context.store.settings.lookbackDays ?? 7), capability.maxLookbackDays);
  const earliest = now.getTime() - lookbackDays * dayMs;

  // An unfinished window (a crash mid-run) is resumed as it was; otherwise a new one starts where the last ended.
  const resuming = cursor.page && cursor.windowFrom && cursor.windowTo;
  const from = resuming
    ? new Date(cursor.windowFrom as string)
    : new Date(
        Math.max(earliest, cursor.completedTo ? Date.parse(cursor.completedTo) - overlapMs : earliest),
      );
  const to = resuming ? new Date(cursor.windowTo as string) : now;
  const window = { windowFrom: from.toISOString(), windowTo: to.toISOString() };

  // Each page is fetched from its cursor by a fresh iterator: a retried call resumes at that page (a
  // generator that threw is finished and would only answer "done"). Pages are read ahead while the ones
  // before them are registered, and the pages that have arrived are registered together (up to about
  // `ordersPerTransaction` orders); the cursor saved is that of the first page not yet registered.
  const reader = new PageReader(
    (pageCursor) => context.journal.call("fetch orders", () => firstPage(context, { from, to }, pageCursor)),
    resuming ? (cursor.page ?? null) : null,
    readAheadPages,
  );
  const pagesTogether = Math.max(1, Math.floor(ordersPerTransaction / capability.pageSize));
  // The next pages are validated and planned (reads only) while the ones before them commit.
  const { store } = context;
  const prepareNext = async () => {
    const pages = await reader.take(pagesTogether);
    if (pages.length === 0) return null;
    const orders = pages.flatMap((page) => page.orders);
    const cache = await pageCache(context, orders);
    const prepared = await preparePage(context.db, {
      organizationId: store.organizationId,
      storeId: store.id,
      orders,
      actor: `sync:${store.channel}`,
      cache,
    });
    return { pages, prepared };
  };
  let preparing = settledLater(prepareNext());
  for (;;) {
    const batch = await preparing;
    const last = batch?.pages.at(-1);
    if (!batch || !last) break;
    preparing = settledLater(last.cursor === null ? Promise.resolve(null) : prepareNext());
    await commitAndCount(context, batch.prepared);
    for (const unreadable of batch.pages.flatMap((page) => page.rejected ?? [])) {
      await keepUnreadable(context, unreadable);
    }
    await context.checkpoint({ ...window, page: last.cursor });
    if (last.cursor === null) break;
  }
  await context.checkpoint({ completedTo: to.toISOString() });
}

async function firstPage(
  context: RunContext,
  window: OrderWindow,
  cursor: string | null,
): Promise<OrderPage | null> {
  const iterator = context.connector.fetchOrders(window, cursor)[Symbol.asyncIterator]();
  const result = await iterator.next();
  await iterator.return?.();
  return result.done ? null : result.value;
}

/** An order the connector could not read: kept for review like an order Kura refused. */
async function keepUnreadable(context: RunContext, unreadable: UnreadableOrder): Promise<void> {
  const { journal, store } = context;
  journal.count("fetched");
  journal.count("failed");
  journal.error({ message: unreadable.message, item: unreadable.orderCode ?? undefined, kind: "unreadable" });
  await context.db.insert(inboundRejects).values({
    organizationId: store.organizationId,
    storeId: store.id,
    orderCode: unreadable.orderCode,
    code: "unreadable",
    field: unreadable.field ?? null,
    message: unreadable.message,
    payload: (unreadable.payload ?? null) as object,
  });
}

/** The page's shared reads (store, rules, mappings, masters), with the correspondences of all its item codes. */
async function pageCache(context: RunContext, orders: unknown[]): Promise<ReadCache> {
  const cache = new ReadCache();
  const itemCodes = orders.flatMap((order) => {
    const lines = (order as { lines?: unknown } | null)?.lines;
    return Array.isArray(lines)
      ? lines
          .map((line) => (line as { itemCode?: unknown } | null)?.itemCode)
          .filter((c) => typeof c === "string")
      : [];
  });
  await loadMappingContext(context.db, context.store, itemCodes, cache);
  return cache;
}

/** Marks a promise handled now (it is awaited later), so a run that stops meanwhile does not crash the process. */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

async function commitAndCount(context: RunContext, page: PreparedPage): Promise<void> {
  const { journal } = context;
  const outcomes = await commitPage(context.db, page);
  for (const [i, outcome] of outcomes.entries()) {
    journal.count("fetched");
    if (outcome.ok) {
      journal.count(outcome.result.outcome);
      if (outcome.result.held && outcome.result.outcome !== "unchanged") journal.count("held");
    } else await keepRefused(context, page.command.orders[i], outcome.error);
  }
}

async function keepRefused(context: RunContext, order: unknown, error: DomainError): Promise<void> {
  const { journal, store } = context;
  const orderCode = (order as { orderCode?: unknown })?.orderCode;
  if (error.code === "order_code_cancelled" || error.kind === "locked") {
    journal.count("skipped"); // cancelled in Kura, or already being picked: the channel's change waits
    return;
  }
  // Unreadable: kept with the reason and the payload as received, for review.
  journal.count("failed");
  journal.error({
    message: error.message,
    item: typeof orderCode === "string" ? orderCode : undefined,
    kind: error.code,
  });
  await context.db.insert(inboundRejects).values({
    organizationId: store.organizationId,
    storeId: store.id,
    orderCode: typeof orderCode === "string" ? orderCode : null,
    code: error.code,
    field: error.field ?? null,
    message: error.message,
    payload: order as object,
  });
}
