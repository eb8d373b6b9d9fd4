// The test channel's API calls: endpoints, auth, envelopes. Records inside the envelopes are read in map.ts.
import { z } from "zod";
import { ChannelError } from "../errors.ts";
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
const tokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().nullish(),
  refresh_token: z.string().min(1).nullish(),
});

export interface RefreshGrant {
  refreshToken: string;
  clientId: string;
  clientSecret: string;
}

/** RFC 6749 §5.2 errors that mean the grant or the client is no longer accepted: the merchant must act. */
const refusedGrantErrors = new Set(["invalid_grant", "invalid_client", "unauthorized_client"]);

export type TestChannelClient = ReturnType<typeof createTestChannelClient>;

export function createTestChannelClient(options: TestChannelClientOptions) {
  const http = new ChannelHttp({
    channel,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    requestsPerSecond: options.requestsPerSecond,
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
      return read(shopSchema, response.body, "GET /shop");
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
      return read(ordersEnvelope, response.body, "GET /orders");
    },

    async createShipments(shipments: WireShipment[], idempotencyKey: string): Promise<string> {
      const response = await http.request({
        method: "POST",
        path: "/shipments",
        headers: { "idempotency-key": idempotencyKey },
        body: { shipments },
      });
      return read(shipmentAccepted, response.body, "POST /shipments").request_id;
    },

    async getShipmentRequest(requestId: string): Promise<WireShipmentRequest> {
      const path = `/shipments/${encodeURIComponent(requestId)}`;
      const response = await http.request({ method: "GET", path });
      return read(wireShipmentRequestSchema, response.body, `GET ${path}`);
    },

    async updateStock(items: WireStockItem[], idempotencyKey: string): Promise<WireStockResult[]> {
      const response = await http.request({
        method: "POST",
        path: "/stock",
        headers: { "idempotency-key": idempotencyKey },
        body: { items },
      });
      return read(stockEnvelope, response.body, "POST /stock").results;
    },

    async listItems(query: { page: number; limit: number }) {
      const response = await http.request({ method: "GET", path: "/items", query });
      return read(itemsEnvelope, response.body, "GET /items");
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
        return read(tokenAnswer, response.body, "POST /oauth/token");
      } catch (error) {
        throw refusedGrant(error) ?? error;
      }
    },
  };
}

/** `{"error":"invalid_grant","error_description":"…"}` (RFC 6749 §5.2). */
function readOAuthError(body: unknown): { code?: string; message?: string } | undefined {
  const parsed = z.object({ error: z.string(), error_description: z.string().optional() }).safeParse(body);
  return parsed.success ? { code: parsed.data.error, message: parsed.data.error_description } : undefined;
}

/** A refused refresh token arrives as a 400, but no retry will help: the merchant must authorize again. */
function refusedGrant(error: unknown): ChannelError | undefined {
  if (!(error instanceof ChannelError) || !refusedGrantErrors.has(error.code ?? "")) return undefined;
  const said = error.channelMessage ? `: ${error.channelMessage}` : "";
  return new ChannelError({
    kind: "auth",
    channel,
    status: error.status,
    code: error.code,
    channelMessage: error.channelMessage,
    message: `${channel}: the access token could not be renewed (${error.code}, HTTP ${error.status}); the merchant must authorize Kura again${said}`,
    cause: error,
  });
}

/** A success answer we cannot read is the channel's bug or an API change: not worth retrying. */
function read<T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ChannelError({
    kind: "invalid",
    channel,
    message: `${channel}: ${what} answered in an unexpected shape (${issue?.path.join(".") || "body"}: ${issue?.message})`,
    channelMessage: "",
  });
}
