// The Rakuten RMS connector: searches the store's order window in slices RMS accepts, reads orders 100 at a
// time, confirms new ones, reports shipments asynchronously, pushes stock in batches of 400 and reads the
// product master from the item API. Paging is resumable through an opaque cursor.
import { decodeCursor, encodeCursor } from "../common/cursor.ts";
import { fieldOf, missing, readOrder } from "../common/read.ts";
import { inBatches } from "../common/stock.ts";
import { ChannelError } from "../errors.ts";
import type {
  ChannelProduct,
  Connector,
  ConnectorCapabilities,
  ConnectorFactory,
  OrderPage,
  OrderWindow,
  StockItem,
  StockItemResult,
} from "../types.ts";
import { readEach } from "../unreadable.ts";
import { channel, createRakutenClient, defaultEndpoint, rmsLimits } from "./client.ts";
import {
  alreadyShipped,
  inventoryErrorsByIndex,
  passesPaymentFilter,
  pendingTooLong,
  type RakutenOptions,
  rakutenOptionsSchema,
  searchedStatuses,
  toChannelProducts,
  toJstDate,
  toOrderInput,
  toRejectedStock,
  toShipmentResult,
  toShippingOrder,
  toWireInventory,
  type WireOrder,
  wireOrderSchema,
} from "./map.ts";

const dayMs = 86_400_000;
/** A slice holding more than RMS returns (15,000) is halved, down to this. */
const minSliceMs = 3_600_000;

export function rakutenCapabilities(options: RakutenOptions) {
  return {
    fetchOrders: {
      maxWindowDays: rmsLimits.searchWindowDays,
      maxLookbackDays: options.shippingWindowDays,
      pageSize: rmsLimits.ordersPerGetOrder,
      requiresMasters: true,
    },
    pushedOrders: false,
    shipmentNotice: {
      mode: "async",
      pollAfterMs: options.shippingResultPollMs,
      resultDeadlineMs: 30 * dayMs,
    },
    stockPush: { batchSize: rmsLimits.inventoriesPerUpsert, requestsPerSecond: options.requestsPerSecond },
    productImport: options.skuModel,
    requestsPerSecond: options.requestsPerSecond,
    credentials: { kind: "license_key", refresh: "manual", lifetimeDays: 90 },
  } satisfies ConnectorCapabilities;
}

/**
 * Secrets: `serviceSecret`, `licenseKey`. Options: the store's settings (map.ts `rakutenOptionsSchema`).
 * Endpoint: RMS by default (tests point it at the simulator).
 */
export const createRakutenConnector: ConnectorFactory = (settings) => {
  const { serviceSecret, licenseKey } = settings.secrets;
  if (!serviceSecret || !licenseKey) {
    const lacking = [!serviceSecret && "serviceSecret", !licenseKey && "licenseKey"]
      .filter(Boolean)
      .join(" and ");
    throw missing(channel, `its ${lacking} (RMS WEB API)`);
  }
  const parsed = rakutenOptionsSchema.safeParse(settings.options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ChannelError({
      kind: "invalid",
      channel,
      message: `${channel}: store setting ${issue?.path.join(".") || "settings"} ${issue?.message}`,
    });
  }
  const options = parsed.data;
  const capabilities = rakutenCapabilities(options);
  const client = createRakutenClient({
    baseUrl: settings.endpoint ?? defaultEndpoint,
    serviceSecret,
    licenseKey,
    requestsPerSecond: options.requestsPerSecond,
    pacingAccount: settings.pacingAccount,
    timeoutMs: settings.timeoutMs ?? 30_000,
    onExchange: settings.onExchange,
  });
  const statuses = searchedStatuses(options);

  /** Orders of one search page, read 100 at a time; new ones confirmed when the store says so. */
  async function readChunk(orderNumbers: string[]) {
    const { orders } = await client.getOrders(orderNumbers);
    const { read, rejected } = readEach(orders, readRmsOrder, (raw) => ({
      orderCode: String((raw as { orderNumber?: unknown } | null)?.orderNumber ?? "") || null,
      payload: raw,
    }));
    const wanted = read.filter((o) => passesPaymentFilter(o.wire, options));
    const toConfirm = wanted.filter((o) => o.wire.orderProgress === 100).map((o) => o.wire.orderNumber);
    if (options.confirmOrders && toConfirm.length > 0) {
      const confirmed = new Set(
        (await client.confirmOrders(toConfirm))
          .filter((m) => m.messageType === "INFO")
          .flatMap((m) => m.orderNumber ?? []),
      );
      for (const o of wanted) if (confirmed.has(o.wire.orderNumber)) o.wire.orderProgress = 200;
    }
    return { orders: wanted.map((o) => toOrderInput(o.wire, o.raw)), rejected };
  }

  return {
    channel,
    capabilities,

    // RMS has no "changed since": the whole window of the store is searched on every run (see map.ts).
    async *fetchOrders(window: OrderWindow, cursor?: string | null): AsyncIterable<OrderPage> {
      const end = window.to.getTime();
      const start = end - options.shippingWindowDays * dayMs;
      let position: Position | null = cursor
        ? decodeCursor(channel, cursor, window, readPosition)
        : { from: start, to: Math.min(end, start + rmsLimits.searchWindowDays * dayMs), page: 1, chunk: 0 };
      while (position) {
        let numbers = position.numbers;
        let totalPages = position.totalPages ?? 1;
        if (!numbers) {
          const found = await client.searchOrders({
            from: new Date(position.from),
            to: new Date(position.to),
            statuses,
            page: position.page,
            pageSize: rmsLimits.searchPageSize,
          });
          if (found.total > rmsLimits.maxSearchResults && position.to - position.from > minSliceMs) {
            position = {
              ...position,
              to: position.from + Math.floor((position.to - position.from) / 2),
              page: 1,
            };
            continue;
          }
          numbers = found.orderNumbers;
          totalPages = found.totalPages;
        }
        const chunk = numbers.slice(
          position.chunk * rmsLimits.ordersPerGetOrder,
          (position.chunk + 1) * rmsLimits.ordersPerGetOrder,
        );
        const { orders, rejected } = chunk.length > 0 ? await readChunk(chunk) : { orders: [], rejected: [] };
        const next = nextPosition({ ...position, numbers, totalPages }, end);
        yield { orders, rejected, cursor: next && encodeCursor(window, next) };
        position = next;
      }
    },

    async sendShipment(notice) {
      const { orders } = await client.getOrders([notice.orderCode]);
      const [raw] = orders;
      if (!raw) {
        throw new ChannelError({
          kind: "not_found",
          channel,
          message: `${channel}: order ${notice.orderCode} does not exist on RMS`,
        });
      }
      const order = readRmsOrder(raw).wire;
      if (alreadyShipped(order, notice.trackingNumber)) return { status: "done" };
      const basketIds = order.PackageModelList.map((basket) => basket.basketId);
      const requestId = await client.updateShippingAsync([
        toShippingOrder(notice, basketIds, options.carrierCodes),
      ]);
      return { status: "accepted", requestId };
    },

    async pollShipmentResult(requestId) {
      const result = toShipmentResult(await client.getShippingResult(requestId));
      if (result.status !== "pending") return result;
      return pendingTooLong(requestId, capabilities.shipmentNotice.resultDeadlineMs, new Date()) ?? result;
    },

    async pushStock(items: StockItem[]): Promise<StockItemResult[]> {
      return inBatches(items, rmsLimits.inventoriesPerUpsert, pushBatch);
    },

    async *fetchProducts(query?: { updatedSince?: Date }): AsyncIterable<ChannelProduct[]> {
      if (!options.skuModel) {
        throw new ChannelError({
          kind: "invalid",
          channel,
          message: `${channel}: the shop is not on the SKU model (setting skuModel: false): upload the RMS item CSV instead`,
        });
      }
      const updatedFrom = query?.updatedSince ? toJstDate(query.updatedSince) : undefined;
      let cursorMark = "*";
      for (;;) {
        const answer = await client.searchItems({ cursorMark, hits: rmsLimits.itemHits, updatedFrom });
        if (answer.results.length === 0) return; // RMS's end: the same cursor mark, nothing more
        yield answer.results.flatMap(toChannelProducts);
        const next = answer.nextCursorMark;
        if (!next || next === cursorMark) return;
        cursorMark = next;
      }
    },

    async checkCredentials() {
      await client.getGenre("0");
      const expiresAt = await client.getLicenseExpiry();
      return {
        account: `楽天市場 RMS${options.shopId ? ` (${options.shopId})` : ""}`,
        expiresAt,
        credentialName: "licenseKey",
      };
    },
  } satisfies Connector;

  /** One bulk-upsert; rows RMS refuses are reported and the rest of the batch is sent again without them. */
  async function pushBatch(batch: StockItem[]): Promise<StockItemResult[]> {
    const results: StockItemResult[] = [];
    let pending = batch.flatMap((item) => {
      const wire = toWireInventory(item);
      if (wire) return [{ item, wire }];
      results.push(
        toRejectedStock(item, {
          code: "variantId",
          message: "RMS keeps stock per SKU: the item needs its SKU管理番号 (variantId) as option code",
        }),
      );
      return [];
    });
    while (pending.length > 0) {
      const answer = await client.upsertInventories(pending.map((p) => p.wire));
      if ("written" in answer) {
        for (const { item } of pending)
          results.push({ itemCode: item.itemCode, optionCode: item.optionCode, status: "updated" });
        return results;
      }
      const refused = inventoryErrorsByIndex(answer);
      if (refused.size === 0) {
        const first = answer.errors[0];
        throw new ChannelError({
          kind: "invalid",
          channel,
          code: first?.code,
          channelMessage: first?.message ?? "",
          message: `${channel}: RMS refused the stock batch without naming its rows`,
        });
      }
      for (const [index, error] of refused) {
        const entry = pending[index];
        if (entry) results.push(toRejectedStock(entry.item, error));
      }
      pending = pending.filter((_, index) => !refused.has(index));
    }
    return results;
  }
};

/** An RMS order read, its raw form kept beside it. */
function readRmsOrder(raw: unknown): { wire: WireOrder; raw: unknown } {
  return readOrder(channel, wireOrderSchema, raw, (wire) => ({ wire, raw }), fieldOf("orderNumber"));
}

// ---- cursor: where to resume, tied to its window -------------------------------------------------------

interface Position {
  /** The search slice [from, to] in ms (RMS: at most 63 days). */
  from: number;
  to: number;
  /** searchOrder page (1-based) and the getOrder chunk of 100 within it. */
  page: number;
  chunk: number;
  /** The page's order numbers, kept so a resumed run reads the same chunks. */
  numbers?: string[];
  totalPages?: number;
}

function nextPosition(position: Required<Position>, end: number): Position | null {
  const { numbers, totalPages } = position;
  if ((position.chunk + 1) * rmsLimits.ordersPerGetOrder < numbers.length) {
    return { ...position, chunk: position.chunk + 1 };
  }
  if (position.page < totalPages)
    return { from: position.from, to: position.to, page: position.page + 1, chunk: 0 };
  if (position.to >= end) return null;
  const from = position.to + 1000; // RMS's window ends are inclusive, to the second
  return { from, to: Math.min(end, from + rmsLimits.searchWindowDays * dayMs), page: 1, chunk: 0 };
}

function readPosition(data: Record<string, unknown>): Position | undefined {
  const { from, to, page, chunk, numbers, totalPages } = data as Partial<Position>;
  if (typeof from !== "number" || typeof page !== "number") return undefined;
  return { from, to: to as number, page, chunk: chunk ?? 0, numbers, totalPages };
}
