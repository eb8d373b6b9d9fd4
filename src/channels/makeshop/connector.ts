// MakeShop connector: orders of the last 3 days in (the window narrowed past each full answer of 100), older
// orders by order number on request, shipment status 配送完了 with carrier and tracking number, stock per item
// and option.
import { z } from "zod";
import type { OrderInputRaw } from "../../domain/order-input.ts";
import { missing, readOrders } from "../common/read.ts";
import { inBatches } from "../common/stock.ts";
import type { Connector, ConnectorCapabilities, ConnectorFactory, OrderWindow } from "../types.ts";
import { channel, createMakeShopClient, defaultEndpoint } from "./client.ts";
import { orderedAt, ordersOf, toOrderInput, toStockResults, wireOrderSchema } from "./map.ts";

export const makeShopCapabilities = {
  // Only orders of the last 3 days are imported on schedule; older ones by order number (fetchOrdersByCode).
  fetchOrders: { maxWindowDays: 3, maxLookbackDays: 3, pageSize: 100 },
  pushedOrders: false,
  shipmentNotice: { mode: "sync" },
  stockPush: { batchSize: 100, requestsPerSecond: 2 },
  productImport: false,
  requestsPerSecond: 2,
  credentials: { kind: "api_key", refresh: "none" },
} satisfies ConnectorCapabilities;

const optionsSchema = z.looseObject({
  shopId: z.string().trim().min(1).optional(),
  service: z.string().trim().min(1).default("kura"),
});

/** Secrets: `orderToken` (注文データ連携認証コード), `productToken` (商品データ連携認証コード). Settings: `shopId`, `service`. */
export const createMakeShopConnector: ConnectorFactory = (settings) => {
  const { orderToken, productToken } = settings.secrets;
  if (!orderToken) throw missing(channel, "the order auth code (orderToken) issued in the MakeShop console");
  const parsed = optionsSchema.safeParse(settings.options ?? {});
  const shopId = parsed.success ? parsed.data.shopId : undefined;
  if (!shopId) throw missing(channel, "its shop ID in the store settings (shopId)");
  const client = createMakeShopClient({
    baseUrl: settings.endpoint ?? defaultEndpoint,
    shopId,
    orderToken,
    productToken,
    service: parsed.success ? parsed.data.service : "kura",
    timeoutMs: settings.timeoutMs ?? 10_000,
    requestsPerSecond: makeShopCapabilities.requestsPerSecond,
    pacingAccount: settings.pacingAccount,
    onExchange: settings.onExchange,
  });
  const { pageSize } = makeShopCapabilities.fetchOrders;
  const { batchSize } = makeShopCapabilities.stockPush;
  const read = (raws: unknown[]) => readOrders(channel, wireOrderSchema, raws, toOrderInput, "ordernum");

  const connector: Connector = {
    channel,
    capabilities: makeShopCapabilities,

    async *fetchOrders(window, cursor) {
      let start = cursor ? decodeCursor(cursor, window) : window.from.getTime();
      // MakeShop's end is inclusive to the second: rounding up keeps the window's last partial second (an
      // order in it is seen again by the next window, harmlessly).
      const end = new Date(Math.ceil(window.to.getTime() / 1000) * 1000);
      while (start <= end.getTime()) {
        const raws = ordersOf(await client.getOrders(new Date(start), end));
        const full = raws.length >= pageSize;
        // A full answer may hide more: narrow the window to start at the last order's date (seen again, harmless).
        const last =
          raws.length > 0 ? orderedAt(raws[raws.length - 1] as { date?: unknown }).getTime() : start;
        const next = full ? Math.max(last, start + 1000) : null;
        yield { orders: read(raws), cursor: next === null ? null : encodeCursor(window, next) };
        if (next === null) return;
        start = next;
      }
    },

    async fetchOrdersByCode(orderCodes) {
      const found: OrderInputRaw[] = [];
      for (const code of orderCodes) found.push(...read(ordersOf(await client.getOrder(code))));
      return found;
    },

    async sendShipment(notice) {
      await client.deliver(notice);
      return { status: "done" };
    },

    async pushStock(items) {
      return inBatches(items, batchSize, async (batch) =>
        toStockResults(batch, await client.setStock(batch)),
      );
    },

    async checkCredentials() {
      const now = new Date();
      await client.getOrders(new Date(now.getTime() - 60_000), now);
      return { account: `MakeShop ${shopId}`, expiresAt: null };
    },
  };
  return connector;
};

function encodeCursor(window: OrderWindow, start: number): string {
  return Buffer.from(JSON.stringify({ w: [window.from.getTime(), window.to.getTime()], s: start })).toString(
    "base64url",
  );
}

function decodeCursor(cursor: string, window: OrderWindow): number {
  const data = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { w?: number[]; s?: number };
  if (
    data.w?.[0] !== window.from.getTime() ||
    data.w?.[1] !== window.to.getTime() ||
    typeof data.s !== "number"
  ) {
    throw new TypeError(`the ${channel} order cursor belongs to another window`);
  }
  return data.s;
}
