// Yahoo! Shopping's connector (Store API, YConnect OAuth2). Imports an order only once the buyer's 10-minute
// self-cancellation window has passed, carries later cancellations on Yahoo! (payment expiry, the store) to
// Kura as `cancelledOnChannel`, sends shipment notices (出荷ステータス 出荷完了 with carrier, tracking number and
// ship date; optionally 注文ステータス 完了), pushes absolute stock, and renews its access token.
import { z } from "zod";
import { positionCursors } from "../common/cursor.ts";
import type { RefreshGrant } from "../common/oauth.ts";
import { readSettings } from "../common/read.ts";
import { inBatches } from "../common/stock.ts";
import { ChannelError } from "../errors.ts";
import type {
  ConnectorCapabilities,
  ConnectorFactory,
  ConnectorSettings,
  OrderPage,
  OrderWindow,
  RefreshedCredentials,
  StockItem,
  StockItemResult,
} from "../types.ts";
import { channel, createYahooClient } from "./client.ts";
import { cancelledStatus, toOrderInput, toShipFields, toStockItemCode, toStockItemResult } from "./map.ts";
import { readPublicKeyAuth, signatureHeaders } from "./signature.ts";

export const yahooCapabilities = {
  // Orders are searched by order time; LOGILESS imports the past 31 days, and so do we at most.
  fetchOrders: { maxWindowDays: 31, maxLookbackDays: 31, pageSize: 100 },
  pushedOrders: false,
  shipmentNotice: { mode: "sync" },
  stockPush: { batchSize: 1000, requestsPerSecond: 1 },
  productImport: false,
  requestsPerSecond: 1,
  credentials: { kind: "oauth2", refresh: "automatic", lifetimeDays: 28 },
} satisfies ConnectorCapabilities;

export const defaultApiUrl = "https://circus.shopping.yahooapis.jp/ShoppingWebService/V1";
export const defaultTokenUrl = "https://auth.login.yahoo.co.jp/yconnect/v2/token";
/** A buyer may cancel their own order for 10 minutes (Store Creator Pro shows キャンセル受付中 meanwhile). */
export const buyerCancelWindowMs = 10 * 60_000;
const dayMs = 86_400_000;

/** The store's Yahoo! settings (`stores.settings`); other keys belong to Kura (endpoint, lookbackDays, …). */
export const yahooOptionsSchema = z.looseObject({
  sellerId: z.string({ error: "is required" }).trim().min(1, "is required"),
  tokenEndpoint: z.url("must be a URL").default(defaultTokenUrl),
  /** Also move the order to 完了 (OrderStatus 5, points fixed) with the shipment notice. */
  completeOrderOnShipment: z.boolean("must be true or false").default(false),
  /** How many days back each import looks for orders cancelled on Yahoo! after Kura imported them. */
  cancellationCheckDays: z.number("must be a number").int().min(0).max(31).default(14),
  /** Requests per second per API URL: Yahoo! allows 1; a simulator may allow more. */
  requestsPerSecond: z.number("must be a number").positive().max(100).default(1),
});
export type YahooOptions = z.infer<typeof yahooOptionsSchema>;

export function readYahooOptions(options: Record<string, unknown> | undefined): YahooOptions {
  return readSettings(channel, yahooOptionsSchema, options);
}

/**
 * Secrets: `refreshToken`, `clientId` (the Yahoo! app's Client ID), `clientSecret` and, once issued,
 * `accessToken`; with public-key authentication also `publicKey` (PEM) and `publicKeyVersion`. Settings: `sellerId` (required), see `yahooOptionsSchema`.
 */
export const createYahooConnector: ConnectorFactory = (settings) => {
  const options = readYahooOptions(settings.options);
  const auth = readAuth(settings);
  const publicKeyAuth = readPublicKeyAuth(settings.secrets);
  const requestsPerSecond = options.requestsPerSecond;
  const client = createYahooClient({
    baseUrl: settings.endpoint ?? defaultApiUrl,
    tokenUrl: options.tokenEndpoint,
    sellerId: options.sellerId,
    token: () => auth.token,
    signature: publicKeyAuth ? () => signatureHeaders(publicKeyAuth, options.sellerId) : undefined,
    timeoutMs: settings.timeoutMs ?? 15_000,
    requestsPerSecond,
    pacingAccount: settings.pacingAccount,
    onExchange: settings.onExchange,
  });
  const capabilities: ConnectorCapabilities = {
    ...yahooCapabilities,
    stockPush: { ...yahooCapabilities.stockPush, requestsPerSecond },
    requestsPerSecond,
  };
  const { pageSize } = yahooCapabilities.fetchOrders;
  const { batchSize } = yahooCapabilities.stockPush;

  return {
    channel,
    capabilities,

    async *fetchOrders(window: OrderWindow, cursor?: string | null): AsyncIterable<OrderPage> {
      const phases = planPhases(window, options.cancellationCheckDays);
      let position: Position | null = cursor ? cursors.decode(cursor, window) : { phase: 0, start: 1 };
      while (position && position.phase < phases.length) {
        const phase = phases[position.phase] as Phase;
        const page = await client.listOrders({ ...phase, start: position.start, result: pageSize });
        const orders = [];
        for (const row of page.OrderInfo) {
          const { info, raw } = await client.getOrder(row.OrderId);
          orders.push(toOrderInput(info, raw));
        }
        const nextStart: number = position.start + page.OrderInfo.length;
        const next: Position | null =
          page.OrderInfo.length > 0 && nextStart <= page.TotalCount
            ? { phase: position.phase, start: nextStart }
            : position.phase + 1 < phases.length
              ? { phase: position.phase + 1, start: 1 }
              : null;
        yield { orders, cursor: next && cursors.encode(window, next) };
        position = next;
      }
    },

    async sendShipment(notice) {
      await client.changeShipStatus(notice.orderCode, toShipFields(notice));
      if (options.completeOrderOnShipment) await client.changeOrderStatus(notice.orderCode, "5");
      return { status: "done" };
    },

    async pushStock(items: StockItem[]): Promise<StockItemResult[]> {
      return inBatches(items, batchSize, async (batch) => {
        const answer = await client.setStock(
          batch.map((item) => ({ code: toStockItemCode(item), quantity: item.quantity })),
        );
        return batch.map((item, index) => {
          const result = answer[index];
          const matches =
            result && toStockItemCode({ itemCode: result.ItemCode, optionCode: result.SubCode });
          return toStockItemResult(item, matches === toStockItemCode(item) ? result : undefined);
        });
      });
    },

    async checkCredentials() {
      const now = Date.now();
      await client.listOrders({ from: new Date(now - dayMs), to: new Date(now), start: 1, result: 1 });
      return { account: `Yahoo!ショッピング ${options.sellerId}`, expiresAt: null };
    },

    async refreshCredentials(): Promise<RefreshedCredentials> {
      const answer = await client.refreshAccessToken(auth.grant);
      auth.token = answer.access_token;
      const secrets: Record<string, string> = { accessToken: auth.token };
      if (answer.refresh_token) {
        auth.grant.refreshToken = answer.refresh_token;
        secrets.refreshToken = answer.refresh_token;
      }
      return {
        secrets,
        expiresAt: answer.expires_in ? new Date(Date.now() + answer.expires_in * 1000) : null,
      };
    },
  };
};

function readAuth(settings: ConnectorSettings): { token: string; grant: RefreshGrant } {
  const { accessToken, refreshToken, clientId, clientSecret } = settings.secrets;
  if (!refreshToken || !clientId || !clientSecret) {
    const missing = Object.entries({ refreshToken, clientId, clientSecret })
      .filter(([, value]) => !value)
      .map(([name]) => name);
    throw new ChannelError({
      kind: "auth",
      channel,
      message: `${channel}: the store's credentials need ${missing.join(", ")} (from authorizing Kura's Yahoo! app)`,
    });
  }
  // No access token yet: the engine renews before the first call.
  return { token: accessToken ?? "", grant: { refreshToken, clientId, clientSecret } };
}

// ---- what one import reads: new orders, then cancellations of older ones ----------------------------------

interface Phase {
  from: Date;
  /** Inclusive, to the second. */
  to: Date;
  statuses?: string[];
}

/**
 * New orders: the window moved back by the buyer's cancellation window, so an order is read only once the
 * buyer can no longer cancel it themselves; consecutive windows stay contiguous. Then, for the
 * `checkDays` before that, only orders cancelled on Yahoo! (it has no search by update time).
 */
export function planPhases(window: OrderWindow, checkDays: number): Phase[] {
  const from = window.from.getTime() - buyerCancelWindowMs;
  const to = window.to.getTime() - buyerCancelWindowMs;
  if (to <= from) return [];
  const phases: Phase[] = [{ from: new Date(from), to: new Date(to - 1) }];
  const checkFrom = window.to.getTime() - checkDays * dayMs;
  if (checkDays > 0 && checkFrom < from) {
    phases.push({ from: new Date(checkFrom), to: new Date(from - 1), statuses: [cancelledStatus] });
  }
  return phases;
}

interface Position {
  phase: number;
  /** 1-based, orderList's `Start`. */
  start: number;
}

const cursors = positionCursors(channel, { phase: "ph", start: "s" });
