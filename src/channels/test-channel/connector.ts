// The test channel's connector: the model for every channel. Declares what the channel can do, splits
// windows and batches to the channel's limits, and keeps paging resumable through an opaque cursor.
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
import { channel, createTestChannelClient, type RefreshGrant } from "./client.ts";
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
  shipmentNotice: { mode: "async", pollAfterMs: 100, resultDeadlineMs: 60_000 },
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

const dayMs = 86_400_000;

/**
 * Secrets: `apiKey`, or for OAuth2 `refreshToken`, `clientId`, `clientSecret` and (once issued)
 * `accessToken`. Endpoint: the channel's base URL (a simulator's in tests).
 */
export const createTestChannelConnector: ConnectorFactory = (settings) => {
  const endpoint = settings.endpoint;
  if (!endpoint) {
    throw new ChannelError({ kind: "auth", channel, message: `${channel}: the store needs an endpoint` });
  }
  const auth = readAuth(settings);
  const capabilities = auth.grant ? testChannelOAuthCapabilities : testChannelCapabilities;
  const client = createTestChannelClient({
    baseUrl: endpoint,
    token: () => auth.token,
    timeoutMs: settings.timeoutMs ?? 10_000,
    requestsPerSecond: capabilities.requestsPerSecond,
    onExchange: settings.onExchange,
  });
  const { maxWindowDays, pageSize } = capabilities.fetchOrders;
  const { batchSize } = capabilities.stockPush;

  const connector: Connector = {
    channel,
    capabilities,

    async *fetchOrders(window: OrderWindow, cursor?: string | null): AsyncIterable<OrderPage> {
      if (window.from >= window.to) return;
      let position: Position | null = cursor
        ? decodeCursor(cursor, window)
        : { sliceFrom: window.from.getTime(), page: 1 };
      while (position) {
        const sliceTo = Math.min(position.sliceFrom + maxWindowDays * dayMs, window.to.getTime());
        const answer = await client.listOrders({
          from: new Date(position.sliceFrom),
          to: new Date(sliceTo),
          page: position.page,
          limit: pageSize,
        });
        const next: Position | null = answer.has_next
          ? { sliceFrom: position.sliceFrom, page: position.page + 1 }
          : sliceTo < window.to.getTime()
            ? { sliceFrom: sliceTo, page: 1 }
            : null;
        yield { orders: answer.orders.map(readOrder), cursor: next && encodeCursor(window, next) };
        position = next;
      }
    },

    async sendShipment(notice) {
      const requestId = await client.createShipments([toWireShipment(notice)], notice.idempotencyKey);
      return { status: "accepted", requestId };
    },

    async pollShipmentResult(requestId) {
      return toShipmentResult(await client.getShipmentRequest(requestId));
    },

    async pushStock(items: StockItem[], idempotencyKey: string): Promise<StockItemResult[]> {
      const results: StockItemResult[] = [];
      for (let start = 0; start < items.length; start += batchSize) {
        const batch = items.slice(start, start + batchSize).map(toWireStockItem);
        const batchKey = `${idempotencyKey}:${start / batchSize + 1}`;
        const answer = await client.updateStock(batch, batchKey);
        results.push(...answer.map(toStockItemResult));
      }
      return results;
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
  if (!apiKey) {
    throw new ChannelError({
      kind: "auth",
      channel,
      message: `${channel}: the store needs an API key, or OAuth2 credentials`,
    });
  }
  return { token: apiKey };
}

function readOrder(raw: unknown) {
  const parsed = wireOrderSchema.safeParse(raw);
  if (parsed.success) return toOrderInput(parsed.data, raw);
  const orderNo = (raw as { order_no?: unknown } | null)?.order_no;
  const issue = parsed.error.issues[0];
  throw new ChannelError({
    kind: "invalid",
    channel,
    message: `${channel}: order ${String(orderNo ?? "?")} arrived in an unexpected shape (${issue?.path.join(".")}: ${issue?.message})`,
  });
}

// ---- cursor: where to resume, tied to its window -------------------------------------------------------

interface Position {
  /** Start of the current slice (ms); slices are maxWindowDays long. */
  sliceFrom: number;
  page: number;
}

function encodeCursor(window: OrderWindow, position: Position): string {
  const data = { w: [window.from.getTime(), window.to.getTime()], s: position.sliceFrom, p: position.page };
  return Buffer.from(JSON.stringify(data)).toString("base64url");
}

function decodeCursor(cursor: string, window: OrderWindow): Position {
  let data: { w?: unknown; s?: unknown; p?: unknown };
  try {
    data = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new TypeError(`not a ${channel} order cursor: ${cursor}`);
  }
  const [from, to] = Array.isArray(data.w) ? data.w : [];
  if (from !== window.from.getTime() || to !== window.to.getTime()) {
    throw new TypeError(`the ${channel} order cursor belongs to another window`);
  }
  if (typeof data.s !== "number" || typeof data.p !== "number")
    throw new TypeError(`not a ${channel} order cursor`);
  return { sliceFrom: data.s, page: data.p };
}
