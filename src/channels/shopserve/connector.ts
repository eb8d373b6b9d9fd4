// Shopserve connector: orders changed in a window (paged by offset), 発送済 with carrier and slip number,
// stock per item and option. The manager key does not expire.
import { z } from "zod";
import { slicedPages } from "../common/paging.ts";
import { missing, readOrders } from "../common/read.ts";
import { inBatches } from "../common/stock.ts";
import type { Connector, ConnectorCapabilities, ConnectorFactory } from "../types.ts";
import { channel, createShopserveClient, defaultEndpoint } from "./client.ts";
import { toOrderInput, toStockResults, wireOrderSchema } from "./map.ts";

export const shopserveCapabilities = {
  fetchOrders: { maxWindowDays: 31, maxLookbackDays: 90, pageSize: 100 },
  pushedOrders: false,
  shipmentNotice: { mode: "sync" },
  stockPush: { batchSize: 100, requestsPerSecond: 2 },
  productImport: false,
  requestsPerSecond: 2,
  credentials: { kind: "basic", refresh: "none" },
} satisfies ConnectorCapabilities;

const optionsSchema = z.looseObject({ shopId: z.string().trim().min(1).optional() });

/** Secrets: `managerKey` (マネージャー認証キー). Settings: `shopId`. */
export const createShopserveConnector: ConnectorFactory = (settings) => {
  const { managerKey } = settings.secrets;
  if (!managerKey)
    throw missing(channel, "the manager auth key (managerKey) issued in the Shopserve manager");
  const parsed = optionsSchema.safeParse(settings.options ?? {});
  const shopId = parsed.success ? parsed.data.shopId : undefined;
  if (!shopId) throw missing(channel, "its shop ID in the store settings (shopId)");
  const client = createShopserveClient({
    baseUrl: settings.endpoint ?? defaultEndpoint,
    shopId,
    managerKey,
    timeoutMs: settings.timeoutMs ?? 10_000,
    requestsPerSecond: shopserveCapabilities.requestsPerSecond,
    pacingAccount: settings.pacingAccount,
    onExchange: settings.onExchange,
  });
  const { maxWindowDays, pageSize } = shopserveCapabilities.fetchOrders;
  const { batchSize } = shopserveCapabilities.stockPush;

  const connector: Connector = {
    channel,
    capabilities: shopserveCapabilities,

    async *fetchOrders(window, cursor) {
      yield* slicedPages(channel, window, cursor, maxWindowDays, async (slice, page) => {
        const answer = await client.searchOrders({
          ...slice,
          offset: (page - 1) * pageSize,
          limit: pageSize,
        });
        const orders = readOrders(channel, wireOrderSchema, answer.orders, toOrderInput, "serial_code");
        return { orders, hasNext: page * pageSize < answer.total_count };
      });
    },

    async sendShipment(notice) {
      await client.markShipped(notice);
      return { status: "done" };
    },

    async pushStock(items) {
      return inBatches(items, batchSize, async (batch) =>
        toStockResults(batch, await client.setStocks(batch)),
      );
    },

    async checkCredentials() {
      const now = new Date();
      await client.searchOrders({ from: new Date(now.getTime() - 60_000), to: now, offset: 0, limit: 1 });
      return { account: `Shopserve ${shopId}`, expiresAt: null };
    },
  };
  return connector;
};
