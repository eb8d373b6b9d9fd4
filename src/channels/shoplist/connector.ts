// SHOPLIST connector: orders of the last 3 days in (paged), stock out; SHOPLIST takes no shipment notice.
import { slicedPages } from "../common/paging.ts";
import { missing, readAnswer, readOrders } from "../common/read.ts";
import { inBatches } from "../common/stock.ts";
import { ChannelError } from "../errors.ts";
import { ChannelHttp } from "../http.ts";
import type { Connector, ConnectorCapabilities, ConnectorFactory } from "../types.ts";
import {
  ordersAnswerSchema,
  stockAnswerSchema,
  toOrderInput,
  toStockResults,
  toWireDateTime,
  toWireStocks,
  wireOrderSchema,
} from "./map.ts";

export const channel = "shoplist";
/** A placeholder: SHOPLIST gives the real base URL with the 認証キー. */
export const defaultEndpoint = "https://api.shop-list.com/v1";

export const shoplistCapabilities = {
  // SHOPLIST serves orders of the past 3 days only.
  fetchOrders: { maxWindowDays: 3, maxLookbackDays: 3, pageSize: 100 },
  pushedOrders: false,
  shipmentNotice: null,
  stockPush: { batchSize: 100, requestsPerSecond: 2 },
  productImport: false,
  requestsPerSecond: 2,
  credentials: { kind: "api_key", refresh: "none" },
} satisfies ConnectorCapabilities;

/** Secrets: `apiKey` (the 認証キー from the SHOPLIST sales rep). */
export const createShoplistConnector: ConnectorFactory = (settings) => {
  const { apiKey } = settings.secrets;
  if (!apiKey) throw missing(channel, "the 認証キー issued by SHOPLIST (apiKey)");
  const http = new ChannelHttp({
    channel,
    baseUrl: settings.endpoint ?? defaultEndpoint,
    timeoutMs: settings.timeoutMs ?? 10_000,
    requestsPerSecond: shoplistCapabilities.requestsPerSecond,
    pacingAccount: settings.pacingAccount,
    headers: () => ({ "x-api-key": apiKey }),
    onExchange: settings.onExchange,
  });
  const { maxWindowDays, pageSize, maxLookbackDays } = shoplistCapabilities.fetchOrders;
  const { batchSize } = shoplistCapabilities.stockPush;

  async function listOrders(from: Date, to: Date, page: number, perPage: number) {
    // The engine never asks further back than 3 days; the margin keeps a window that started a moment
    // ago from crossing SHOPLIST's limit by the time the request arrives.
    const earliest = Date.now() - maxLookbackDays * 86_400_000 + 60_000;
    const since = new Date(Math.max(from.getTime(), earliest));
    const response = await http.request({
      method: "GET",
      path: "/orders",
      query: {
        ordered_from: toWireDateTime(since),
        ordered_to: toWireDateTime(new Date(Math.ceil(to.getTime() / 1000) * 1000)),
        page,
        per_page: perPage,
      },
    });
    return readAnswer(channel, ordersAnswerSchema, response.body, "GET /orders");
  }

  const connector: Connector = {
    channel,
    capabilities: shoplistCapabilities,

    async *fetchOrders(window, cursor) {
      yield* slicedPages(channel, window, cursor, maxWindowDays, async (slice, page) => {
        const answer = await listOrders(slice.from, slice.to, page, pageSize);
        const orders = readOrders(channel, wireOrderSchema, answer.orders, toOrderInput, "order_id");
        return { orders, hasNext: page * pageSize < answer.total };
      });
    },

    async sendShipment() {
      throw new ChannelError({
        kind: "invalid",
        channel,
        message: `${channel}: SHOPLIST takes no shipment notice`,
      });
    },

    async pushStock(items) {
      return inBatches(items, batchSize, async (batch) => {
        const response = await http.request({
          method: "PUT",
          path: "/stocks",
          body: { stocks: toWireStocks(batch) },
        });
        return toStockResults(batch, readAnswer(channel, stockAnswerSchema, response.body, "PUT /stocks"));
      });
    },

    async checkCredentials() {
      const now = new Date();
      await listOrders(new Date(now.getTime() - 60_000), now, 1, 1);
      return { account: "SHOPLIST", expiresAt: null };
    },
  };
  return connector;
};
