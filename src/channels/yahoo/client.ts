// Yahoo! Shopping Store API calls: XML envelopes (`<Req>…</Req>` in, `<Result>`/`<ResultSet>` out), bearer
// access tokens from YConnect, one request per second per URL. Records inside the envelopes are read in map.ts.
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { z } from "zod";
import { type RefreshGrant, readOAuthError, refusedGrant, tokenAnswerSchema } from "../common/oauth.ts";
import { readAnswer, readOrder } from "../common/read.ts";
import { parseXmlAnswer } from "../common/xml.ts";
import { ChannelError } from "../errors.ts";
import { ChannelHttp, type HttpExchange } from "../http.ts";
import { perApiAccount } from "../request-pacer.ts";
import {
  list,
  orderInfoFields,
  orderInfoSchema,
  orderListFields,
  orderListRowSchema,
  stockResultSchema,
  toWireTime,
  type YahooOrderInfo,
} from "./map.ts";

export const channel = "yahoo";

export interface YahooClientOptions {
  /** The Store API's base, e.g. https://circus.shopping.yahooapis.jp/ShoppingWebService/V1 */
  baseUrl: string;
  tokenUrl: string;
  sellerId: string;
  token: () => string;
  /** The public-key signature headers of a request (signature.ts), when the store has a key. */
  signature?: () => Record<string, string>;
  timeoutMs?: number;
  /** Per URL (Yahoo! counts each API separately). */
  requestsPerSecond: number;
  /** The account whose request rate this client shares (see ChannelHttpOptions). */
  pacingAccount?: string;
  onExchange?: (exchange: HttpExchange) => void;
}

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true });
const builder = new XMLBuilder({});

export const toRequestXml = (req: Record<string, unknown>) =>
  `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ Req: req }) as string}`;

/** `<Error><Message>…</Message><Code>…</Code></Error>`, Yahoo!'s error body. */
export function readXmlError(body: unknown): { code?: string; message?: string } | undefined {
  if (typeof body !== "string" || !body.includes("<Error")) {
    return typeof body === "string" && body ? { message: body.slice(0, 300) } : undefined;
  }
  try {
    const error = (parser.parse(body) as { Error?: { Code?: unknown; Message?: unknown } }).Error;
    return {
      code: error?.Code ? String(error.Code) : undefined,
      message: error?.Message ? String(error.Message) : undefined,
    };
  } catch {
    return { message: body.slice(0, 300) };
  }
}

const orderListAnswer = z.object({
  Result: z.object({
    Status: z.literal("OK"),
    Search: z.object({ TotalCount: z.coerce.number().int(), OrderInfo: list(orderListRowSchema) }),
  }),
});
const orderInfoAnswer = z.object({
  ResultSet: z.object({ Result: z.object({ Status: z.literal("OK"), OrderInfo: z.unknown() }) }),
});
const statusAnswer = z.object({ ResultSet: z.object({ Result: z.object({ Status: z.literal("OK") }) }) });
const stockAnswer = z.object({ ResultSet: z.object({ Result: list(stockResultSchema) }) });

export type YahooClient = ReturnType<typeof createYahooClient>;

export function createYahooClient(options: YahooClientOptions) {
  const perUrl = new Map<string, ChannelHttp>();
  const api = (name: string) => {
    let http = perUrl.get(name);
    if (!http) {
      http = new ChannelHttp({
        channel,
        baseUrl: options.baseUrl,
        timeoutMs: options.timeoutMs,
        requestsPerSecond: options.requestsPerSecond,
        // Yahoo! counts its rate per URL: each API has its own pacer.
        pacingAccount: perApiAccount(options.pacingAccount, name),
        headers: () => ({
          authorization: `Bearer ${options.token()}`,
          accept: "application/xml",
          ...options.signature?.(),
        }),
        readError: readXmlError,
        onExchange: options.onExchange,
      });
      perUrl.set(name, http);
    }
    return http;
  };
  const tokenHttp = new ChannelHttp({
    channel,
    baseUrl: options.tokenUrl,
    timeoutMs: options.timeoutMs,
    headers: () => options.signature?.() ?? {},
    readError: readOAuthError,
    onExchange: options.onExchange,
  });

  async function post(name: string, body: string, contentType = "application/xml; charset=utf-8") {
    const response = await api(name).request({
      method: "POST",
      path: `/${name}`,
      headers: { "content-type": contentType },
      body,
    });
    return parseXml(response.body, name);
  }

  return {
    /** One page of orders by order time, [from, to] to the second, optionally only some statuses. */
    async listOrders(query: { from: Date; to: Date; start: number; result: number; statuses?: string[] }) {
      const condition: Record<string, string> = {
        OrderTimeFrom: toWireTime(query.from),
        OrderTimeTo: toWireTime(query.to),
      };
      if (query.statuses) condition.OrderStatus = query.statuses.join(",");
      const body = toRequestXml({
        Search: {
          Result: query.result,
          Start: query.start,
          Sort: "+order_time",
          Condition: condition,
          Field: orderListFields,
        },
        SellerId: options.sellerId,
      });
      const answer = readAnswer(channel, orderListAnswer, await post("orderList", body), "orderList");
      return answer.Result.Search;
    },

    /** One order in full; `raw` is the OrderInfo element as parsed. */
    async getOrder(orderId: string): Promise<{ info: YahooOrderInfo; raw: unknown }> {
      const body = toRequestXml({
        Target: { OrderId: orderId, Field: orderInfoFields },
        SellerId: options.sellerId,
      });
      const raw = readAnswer(channel, orderInfoAnswer, await post("orderInfo", body), "orderInfo").ResultSet
        .Result.OrderInfo;
      return readOrder(
        channel,
        orderInfoSchema,
        raw,
        (info) => ({ info, raw }),
        () => orderId,
      );
    },

    async changeShipStatus(orderId: string, ship: Record<string, string>) {
      const body = toRequestXml({
        Target: { OrderId: orderId, IsPointFix: "true" },
        Order: { Ship: ship },
        SellerId: options.sellerId,
      });
      readAnswer(channel, statusAnswer, await post("orderShipStatusChange", body), "orderShipStatusChange");
    },

    async changeOrderStatus(orderId: string, status: string) {
      const body = toRequestXml({
        Target: { OrderId: orderId, IsPointFix: status === "5" ? "true" : "false" },
        Order: { OrderStatus: status },
        SellerId: options.sellerId,
      });
      readAnswer(channel, statusAnswer, await post("orderStatusChange", body), "orderStatusChange");
    },

    /** Absolute quantities; one result per item code. A partly refused call answers 207. */
    async setStock(items: { code: string; quantity: number }[]) {
      const form = new URLSearchParams({
        seller_id: options.sellerId,
        item_code: items.map((i) => i.code).join(","),
        quantity: items.map((i) => String(i.quantity)).join(","),
      });
      const response = await api("setStock").request({
        method: "POST",
        path: "/setStock",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      });
      return readAnswer(channel, stockAnswer, parseXml(response.body, "setStock"), "setStock").ResultSet
        .Result;
    },

    /** YConnect: a new access token for the refresh token (which Yahoo! keeps until its own expiry). */
    async refreshAccessToken(grant: RefreshGrant) {
      const basic = Buffer.from(`${grant.clientId}:${grant.clientSecret}`).toString("base64");
      try {
        const response = await tokenHttp.request({
          method: "POST",
          path: "",
          headers: {
            authorization: `Basic ${basic}`,
            "content-type": "application/x-www-form-urlencoded",
          },
          body: new URLSearchParams({
            grant_type: "refresh_token",
            refresh_token: grant.refreshToken,
          }).toString(),
        });
        return readAnswer(channel, tokenAnswerSchema, response.body, "token");
      } catch (error) {
        throw refusedYahooGrant(error) ?? error;
      }
    },
  };
}

function parseXml(body: unknown, what: string): unknown {
  if (typeof body !== "string" || !body.trim().startsWith("<")) {
    throw new ChannelError({
      kind: "invalid",
      channel,
      message: `${channel}: ${what} did not answer in XML`,
    });
  }
  return parseXmlAnswer(parser, body, channel, what);
}

/** A refused refresh token needs the merchant: Yahoo!'s refresh token lasts 28 days, then they authorize again. */
const refusedYahooGrant = (error: unknown) =>
  refusedGrant(channel, error, " in Yahoo! (the refresh token lasts 28 days)");
