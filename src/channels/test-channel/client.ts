// The test channel's API calls: endpoints, auth, envelopes. Records inside the envelopes are read in map.ts.
import { z } from "zod";
import { type RefreshGrant, readOAuthError, refusedGrant, tokenAnswerSchema } from "../common/oauth.ts";
import { readAnswer } from "../common/read.ts";
import { ChannelHttp, type HttpExchange } from "../http.ts";
import {
  toWireDateTime,
  type WireShipment,
  type WireShipmentRequest,
  type WireStockItem,
  type WireStockResult,
  wireItemSchema,
  wireShipmentRequestSchema,
  wireStockResultSchema,
} from "./map.ts";

export const channel = "test";

export interface TestChannelClientOptions {
  baseUrl: string;
  /** The bearer token for API calls: the API key, or the current OAuth2 access token. */
  token: () => string;
  timeoutMs?: number;
  requestsPerSecond?: number;
  /** The account whose request rate this client shares (see ChannelHttpOptions). */
  pacingAccount?: string;
  onExchange?: (exchange: HttpExchange) => void;
}

const pageEnvelope = z.object({
  page: z.number(),
  limit: z.number(),
  total_count: z.number(),
  has_next: z.boolean(),
});
const ordersEnvelope = pageEnvelope.extend({ orders: z.array(z.unknown()) });
const itemsEnvelope = pageEnvelope.extend({ items: z.array(wireItemSchema) });
const shipmentAccepted = z.object({ request_id: z.string() });
const stockEnvelope = z.object({ results: z.array(wireStockResultSchema) });
const shopSchema = z.object({
  shop_id: z.string(),
  name: z.string(),
  api_key_expires_at: z.string().nullish(),
});

export type TestChannelClient = ReturnType<typeof createTestChannelClient>;

export function createTestChannelClient(options: TestChannelClientOptions) {
  const http = new ChannelHttp({
    channel,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    requestsPerSecond: options.requestsPerSecond,
    pacingAccount: options.pacingAccount,
    headers: () => ({ authorization: `Bearer ${options.token()}` }),
    onExchange: options.onExchange,
  });
  const tokenHttp = new ChannelHttp({
    channel,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    readError: readOAuthError,
    onExchange: options.onExchange,
  });

  return {
    async getShop() {
      const response = await http.request({ method: "GET", path: "/shop" });
      return readAnswer(channel, shopSchema, response.body, "GET /shop");
    },

    /** One page of orders updated in [from, to); the window must be within the channel's limits. */
    async listOrders(query: { from: Date; to: Date; page: number; limit: number }) {
      const response = await http.request({
        method: "GET",
        path: "/orders",
        query: {
          updated_from: toWireDateTime(query.from),
          updated_to: toWireDateTime(query.to),
          page: query.page,
          limit: query.limit,
        },
      });
      return readAnswer(channel, ordersEnvelope, response.body, "GET /orders");
    },

    async createShipments(shipments: WireShipment[], idempotencyKey: string): Promise<string> {
      const response = await http.request({
        method: "POST",
        path: "/shipments",
        headers: { "idempotency-key": idempotencyKey },
        body: { shipments },
      });
      return readAnswer(channel, shipmentAccepted, response.body, "POST /shipments").request_id;
    },

    async getShipmentRequest(requestId: string): Promise<WireShipmentRequest> {
      const path = `/shipments/${encodeURIComponent(requestId)}`;
      const response = await http.request({ method: "GET", path });
      return readAnswer(channel, wireShipmentRequestSchema, response.body, `GET ${path}`);
    },

    async updateStock(items: WireStockItem[], idempotencyKey: string): Promise<WireStockResult[]> {
      const response = await http.request({
        method: "POST",
        path: "/stock",
        headers: { "idempotency-key": idempotencyKey },
        body: { items },
      });
      return readAnswer(channel, stockEnvelope, response.body, "POST /stock").results;
    },

    async listItems(query: { page: number; limit: number }) {
      const response = await http.request({ method: "GET", path: "/items", query });
      return readAnswer(channel, itemsEnvelope, response.body, "GET /items");
    },

    /** A new access token (and usually a new refresh token: the old one is then used up). */
    async refreshAccessToken(grant: RefreshGrant) {
      const form = new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: grant.refreshToken,
        client_id: grant.clientId,
        client_secret: grant.clientSecret,
      });
      try {
        const response = await tokenHttp.request({
          method: "POST",
          path: "/oauth/token",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: form.toString(),
        });
        return readAnswer(channel, tokenAnswerSchema, response.body, "POST /oauth/token");
      } catch (error) {
        throw refusedGrant(channel, error) ?? error;
      }
    },
  };
}
