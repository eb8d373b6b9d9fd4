// ecforce Admin API v2 calls: `Authorization: Token token="…"`, JSON:API pages (page / per ≤ 100), ransack
// filters `q[field_pred]`, bulk answers `{success, failure, errors}`. Records are read in map.ts.
import { z } from "zod";
import { refusedCredentials } from "../common/auth.ts";
import { readAnswer } from "../common/read.ts";
import { ChannelError } from "../errors.ts";
import { ChannelHttp, type HttpExchange } from "../http.ts";
import {
  type BulkAnswer,
  bulkAnswerSchema,
  carrierSchema,
  orderInclude,
  pageSchema,
  resourceSchema,
  toWireTime,
} from "./map.ts";

export const channel = "ecforce";

export interface EcforceClientOptions {
  /** The API endpoint URL, e.g. https://shop.example.com/api/v2 */
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  requestsPerSecond: number;
  /** The account whose request rate this client shares (see ChannelHttpOptions). */
  pacingAccount?: string;
  onExchange?: (exchange: HttpExchange) => void;
}

export interface OrderQuery {
  page: number;
  per: number;
  updatedFrom?: Date;
  updatedTo?: Date;
  shipFrom?: Date;
  shipTo?: Date;
  number?: string;
}

/** `{"errors":[{"code":"ASS1001","message":"認証に失敗しました。"}]}`. */
export function readEcforceError(body: unknown): { code?: string; message?: string } | undefined {
  const parsed = z
    .object({
      errors: z.array(z.looseObject({ code: z.string().optional(), message: z.string().optional() })).min(1),
    })
    .safeParse(body);
  if (parsed.success) return { code: parsed.data.errors[0]?.code, message: parsed.data.errors[0]?.message };
  return typeof body === "string" && body ? { message: body.slice(0, 300) } : undefined;
}

export type EcforceClient = ReturnType<typeof createEcforceClient>;

export function createEcforceClient(options: EcforceClientOptions) {
  const http = new ChannelHttp({
    channel,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    requestsPerSecond: options.requestsPerSecond,
    pacingAccount: options.pacingAccount,
    headers: () => ({ authorization: `Token token="${options.token}"` }),
    readError: readEcforceError,
    onExchange: options.onExchange,
  });

  async function call(request: Parameters<ChannelHttp["request"]>[0]) {
    try {
      return (await http.request(request)).body;
    } catch (error) {
      throw rotatedToken(error) ?? error;
    }
  }

  return {
    async listOrders(query: OrderQuery) {
      const q: Record<string, string | number | undefined> = {
        page: query.page,
        per: query.per,
        include: orderInclude,
        sort: "updated_at",
      };
      if (query.updatedFrom) q["q[updated_at_gteq]"] = toWireTime(query.updatedFrom);
      // Wire times are whole seconds: round the end up, so an order changed in its last second is not left out.
      if (query.updatedTo) q["q[updated_at_lt]"] = toWireTime(ceilToSecond(query.updatedTo));
      if (query.shipFrom) q["q[scheduled_to_be_shipped_at_gteq]"] = toWireTime(query.shipFrom);
      if (query.shipTo) q["q[scheduled_to_be_shipped_at_lt]"] = toWireTime(query.shipTo);
      if (query.number) q["q[number_eq]"] = query.number;
      const body = await call({ method: "GET", path: "/admin/orders.json", query: q });
      return readAnswer(channel, pageSchema, body, "GET /admin/orders.json");
    },

    async listCarriers() {
      const body = await call({ method: "GET", path: "/admin/shipping_carriers.json" });
      return readAnswer(
        channel,
        z.object({ data: z.array(carrierSchema) }),
        body,
        "GET /admin/shipping_carriers.json",
      ).data;
    },

    /** 出荷実績: tracking number, carrier and ship date; `withSale` also runs 売上処理 (capture). */
    async registerShipping(
      shipment: { id: string; shippingSlip: string; carrierId: number; shippedAt: string },
      withSale: boolean,
    ): Promise<BulkAnswer> {
      const body = await call({
        method: "PUT",
        path: "/admin/orders/shipping.json",
        body: {
          orders: [
            {
              id: Number(shipment.id),
              shipping_slip: shipment.shippingSlip,
              shipping_carrier_id: shipment.carrierId,
              shipped_at: shipment.shippedAt,
            },
          ],
          with_async: 0,
          with_sale: withSale ? 1 : 0,
        },
      });
      return readAnswer(channel, bulkAnswerSchema, body, "PUT /admin/orders/shipping.json");
    },

    async changeOrderState(id: string, state: string) {
      const path = `/admin/orders/${encodeURIComponent(id)}.json`;
      const body = await call({ method: "PUT", path, body: { order: { state } } });
      return readAnswer(channel, z.object({ data: resourceSchema }), body, `PUT ${path}`);
    },

    async setStock(items: { sku: string; stock: number }[], locationCode: string): Promise<BulkAnswer> {
      const body = await call({
        method: "PUT",
        path: "/admin/stock_items.json",
        body: {
          stock_items: items.map((i) => ({
            variant_sku: i.sku,
            stock_location_code: locationCode,
            stock: i.stock,
          })),
        },
      });
      return readAnswer(channel, bulkAnswerSchema, body, "PUT /admin/stock_items.json");
    },
  };
}

/**
 * ecforce answers a token it no longer knows with 401 ASS1001; a token that worked stops the moment the shop
 * issues a new one, so that is what the merchant most likely did.
 */
function rotatedToken(error: unknown): ChannelError | undefined {
  if (!(error instanceof ChannelError) || error.status !== 401) return undefined;
  const said = error.channelMessage ? ` (${error.code ?? "401"}: ${error.channelMessage})` : "";
  return refusedCredentials(
    channel,
    error,
    `${channel}: the API token was refused${said}: the token was rotated (reissued in ecforce, which invalidates the old one at once) or revoked — update it in Kura's store credentials (apiToken)`,
  );
}

export const ceilToSecond = (date: Date) => new Date(Math.ceil(date.getTime() / 1000) * 1000);
