// MakeShop API calls: the order API (query-string auth with the order auth code) and the product stock call
// (the product auth code); errors come as `{response:{code, message}}` and become ChannelErrors.
import type { z } from "zod";
import { readAnswer } from "../common/read.ts";
import { ChannelError } from "../errors.ts";
import { ChannelHttp, type HttpExchange, type HttpRequest } from "../http.ts";
import type { ShipmentNotice, StockItem } from "../types.ts";
import {
  authCode,
  notFoundCode,
  ordersAnswerSchema,
  responseSchema,
  stockAnswerSchema,
  toDeliverQuery,
  toStockProducts,
  toWireDateTime,
} from "./map.ts";

export const channel = "makeshop";
export const defaultEndpoint = "https://www.makeshop.jp";

export interface MakeShopClientOptions {
  baseUrl: string;
  shopId: string;
  orderToken: string;
  productToken?: string;
  /** The integrator name MakeShop asks for in `service`. */
  service: string;
  timeoutMs?: number;
  requestsPerSecond?: number;
  /** The account whose request rate this client shares (see ChannelHttpOptions). */
  pacingAccount?: string;
  onExchange?: (exchange: HttpExchange) => void;
}

export type MakeShopClient = ReturnType<typeof createMakeShopClient>;

export function createMakeShopClient(options: MakeShopClientOptions) {
  const http = new ChannelHttp({
    channel,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    requestsPerSecond: options.requestsPerSecond,
    pacingAccount: options.pacingAccount,
    readError: (body) => {
      const parsed = responseSchema.safeParse(body);
      return parsed.success ? parsed.data.response : undefined;
    },
    onExchange: options.onExchange,
  });

  async function call<T extends z.ZodType>(request: HttpRequest, schema: T): Promise<z.infer<T>> {
    const what = `${request.method} ${request.path}${request.query?.cmd ? ` cmd=${request.query.cmd}` : ""}`;
    const { body } = await http.request(request);
    const envelope = responseSchema.safeParse(body);
    if (envelope.success && envelope.data.response.code !== "0") {
      throw refusal(what, envelope.data.response.code, envelope.data.response.message);
    }
    return readAnswer(channel, schema, body, what);
  }

  const orderApi = (query: Record<string, string>): HttpRequest => ({
    method: "GET",
    path: "/api/orderinfo/index.html",
    query: { shopid: options.shopId, token: options.orderToken, service: options.service, ...query },
  });

  return {
    /** Orders dated within [from, to] (JST, both inclusive), at most 100, cancelled ones included. */
    getOrders(from: Date, to: Date) {
      return call(
        orderApi({ cmd: "get", start: toWireDateTime(from), end: toWireDateTime(to), canceled: "1" }),
        ordersAnswerSchema,
      );
    },

    getOrder(ordernum: string) {
      return call(orderApi({ cmd: "get", ordernum, canceled: "1" }), ordersAnswerSchema);
    },

    deliver(notice: ShipmentNotice) {
      return call(orderApi(toDeliverQuery(notice)), responseSchema);
    },

    setStock(items: StockItem[]) {
      if (!options.productToken) {
        throw new ChannelError({
          kind: "auth",
          channel,
          message: `${channel}: stock sync needs the product auth code (商品データ連携認証コード) as productToken`,
        });
      }
      return call(
        {
          method: "POST",
          path: "/api/product/stock/",
          query: { shop_id: options.shopId, access_token: options.productToken },
          body: { products: toStockProducts(items) },
        },
        stockAnswerSchema,
      );
    },
  };
}

function refusal(what: string, code: string, message: string): ChannelError {
  const kind = code === authCode ? "auth" : code === notFoundCode ? "not_found" : "invalid";
  const sentence =
    kind === "auth"
      ? `${channel}: ${what} was refused: check the shop ID and the auth codes issued in the MakeShop console (注文情報参照/変更 must be allowed)`
      : `${channel}: ${what} was refused (${code})`;
  return new ChannelError({
    kind,
    channel,
    status: 200,
    code,
    channelMessage: message,
    message: `${sentence}: ${message}`,
  });
}
