// The test channel's connector: the model for every channel. Declares what the channel can do, splits
// windows and batches to the channel's limits, and keeps paging resumable through an opaque cursor.

import { z } from "zod";
import type { RefreshGrant } from "../common/oauth.ts";
import { slicedPages } from "../common/paging.ts";
import { fieldOf, missing, readOrder, readSettings } from "../common/read.ts";
import { inBatches } from "../common/stock.ts";
import { ChannelError } from "../errors.ts";
import type {
  ChannelProduct,
  Connector,
  ConnectorCapabilities,
  ConnectorFactory,
  ConnectorSettings,
  OrderPage,
  OrderWindow,
  RefreshedCredentials,
  StockItem,
  StockItemResult,
} from "../types.ts";
import { readEach } from "../unreadable.ts";
import { channel, createTestChannelClient } from "./client.ts";
import {
  toChannelProduct,
  toOrderInput,
  toShipmentResult,
  toStockItemResult,
  toWireShipment,
  toWireStockItem,
  wireOrderSchema,
} from "./map.ts";

export const testChannelCapabilities = {
  fetchOrders: { maxWindowDays: 30, maxLookbackDays: 90, pageSize: 100 },
  pushedOrders: false,
  shipmentNotice: { mode: "async", pollAfterMs: 100, resultDeadlineMs: 60_000, batchSize: 100 },
  stockPush: { batchSize: 50, requestsPerSecond: 10 },
  productImport: true,
  requestsPerSecond: 10,
  credentials: { kind: "api_key", refresh: "none" },
} satisfies ConnectorCapabilities;

/** The same channel when the store connected it through OAuth2: tokens Kura renews itself. */
export const testChannelOAuthCapabilities = {
  ...testChannelCapabilities,
  credentials: { kind: "oauth2", refresh: "automatic" },
} satisfies ConnectorCapabilities;

/**
 * Store settings: `requestsPerSecond`, the rate this shop's API key is granted when the channel granted it
 * more (or less) than its published 10 a second; requests are paced under it.
 */
const optionsSchema = z.looseObject({ requestsPerSecond: z.number().positive().max(10_000).optional() });

/**
 * Secrets: `apiKey`, or for OAuth2 `refreshToken`, `clientId`, `clientSecret` and (once issued)
 * `accessToken`. Endpoint: the channel's base URL (a simulator's in tests).
 */
export const createTestChannelConnector: ConnectorFactory = (settings) => {
  const endpoint = settings.endpoint;
  if (!endpoint) throw missing(channel, "an endpoint");
  const auth = readAuth(settings);
  const capabilities = auth.grant ? testChannelOAuthCapabilities : testChannelCapabilities;
  const options = readSettings(channel, optionsSchema, settings.options);
  const client = createTestChannelClient({
    baseUrl: endpoint,
    token: () => auth.token,
    timeoutMs: settings.timeoutMs ?? 10_000,
    requestsPerSecond: options.requestsPerSecond ?? capabilities.requestsPerSecond,
    pacingAccount: settings.pacingAccount,
    onExchange: settings.onExchange,
  });
  const { maxWindowDays, pageSize } = capabilities.fetchOrders;
  const { batchSize } = capabilities.stockPush;

  const connector: Connector = {
    channel,
    capabilities,

    async *fetchOrders(window: OrderWindow, cursor?: string | null): AsyncIterable<OrderPage> {
      yield* slicedPages(channel, window, cursor, maxWindowDays, async (slice, page) => {
        const answer = await client.listOrders({ ...slice, page, limit: pageSize });
        return { ...readOrders(answer.orders), hasNext: answer.has_next };
      });
    },

    async sendShipment(notice) {
      const requestId = await client.createShipments([toWireShipment(notice)], notice.idempotencyKey);
      return { status: "accepted", requestId };
    },

    async pollShipmentResult(requestId) {
      return toShipmentResult(await client.getShipmentRequest(requestId));
    },

    async sendShipments(notices, idempotencyKey) {
      return { requestId: await client.createShipments(notices.map(toWireShipment), idempotencyKey) };
    },

    async pollShipmentResults(requestId) {
      const request = await client.getShipmentRequest(requestId);
      const orderNos = request.status === "processing" ? [] : request.results.map((r) => r.order_no);
      return new Map(orderNos.map((orderNo) => [orderNo, toShipmentResult(request, orderNo)]));
    },

    async pushStock(items: StockItem[], idempotencyKey: string): Promise<StockItemResult[]> {
      return inBatches(items, batchSize, async (batch, index) => {
        const answer = await client.updateStock(batch.map(toWireStockItem), `${idempotencyKey}:${index + 1}`);
        return answer.map(toStockItemResult);
      });
    },

    async *fetchProducts(): AsyncIterable<ChannelProduct[]> {
      for (let page = 1; ; page++) {
        const answer = await client.listItems({ page, limit: pageSize });
        yield answer.items.map(toChannelProduct);
        if (!answer.has_next) return;
      }
    },

    async checkCredentials() {
      const shop = await client.getShop();
      return {
        account: `${shop.name} (${shop.shop_id})`,
        expiresAt: shop.api_key_expires_at ? new Date(shop.api_key_expires_at) : null,
      };
    },
  };
  if (auth.grant) {
    const grant = auth.grant;
    connector.refreshCredentials = async (): Promise<RefreshedCredentials> => {
      const answer = await client.refreshAccessToken(grant);
      // This instance goes on with the new tokens; the old refresh token is used up.
      auth.token = answer.access_token;
      grant.refreshToken = answer.refresh_token ?? grant.refreshToken;
      return {
        secrets: { accessToken: auth.token, ...grant },
        expiresAt: answer.expires_in ? new Date(Date.now() + answer.expires_in * 1000) : null,
      };
    };
  }
  return connector;
};

/** The bearer token to call with, and for OAuth2 what renews it. */
function readAuth(settings: ConnectorSettings): { token: string; grant?: RefreshGrant } {
  const { apiKey, accessToken, refreshToken, clientId, clientSecret } = settings.secrets;
  if (refreshToken) {
    if (!clientId || !clientSecret) {
      throw new ChannelError({
        kind: "auth",
        channel,
        message: `${channel}: the store's OAuth2 credentials need a client id and a client secret beside the refresh token`,
      });
    }
    // No access token yet: the engine renews before the first call (its expiry is unknown).
    return { token: accessToken ?? "", grant: { refreshToken, clientId, clientSecret } };
  }
  if (!apiKey) throw missing(channel, "an API key, or OAuth2 credentials");
  return { token: apiKey };
}

/** Each order of a page mapped, or set aside with the reason when its wire shape is not what we know. */
function readOrders(raws: unknown[]): Pick<OrderPage, "orders" | "rejected"> {
  const orderNo = fieldOf("order_no");
  const { read: orders, rejected } = readEach(
    raws,
    (raw) => readOrder(channel, wireOrderSchema, raw, toOrderInput, orderNo),
    (raw) => {
      const code = orderNo(raw);
      return { orderCode: typeof code === "string" ? code : null, payload: raw };
    },
  );
  return { orders, rejected };
}
