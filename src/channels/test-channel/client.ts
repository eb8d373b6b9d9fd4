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
  apiKey: string;
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

export type TestChannelClient = ReturnType<typeof createTestChannelClient>;

export function createTestChannelClient(options: TestChannelClientOptions) {
  const http = new ChannelHttp({
    channel,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    requestsPerSecond: options.requestsPerSecond,
    headers: () => ({ authorization: `Bearer ${options.apiKey}` }),
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
  };
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
