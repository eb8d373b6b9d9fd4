// Shopserve manager API calls: Basic auth with the shop ID and the manager key, JSON both ways.
import { readAnswer } from "../common/read.ts";
import { ChannelHttp, type HttpExchange } from "../http.ts";
import type { ShipmentNotice, StockItem } from "../types.ts";
import {
  searchAnswerSchema,
  stockAnswerSchema,
  toShippingUpdate,
  toWireDateTime,
  toWireStocks,
} from "./map.ts";

export const channel = "shopserve";
export const defaultEndpoint = "https://management.api.shopserve.jp";

export interface ShopserveClientOptions {
  baseUrl: string;
  shopId: string;
  managerKey: string;
  timeoutMs?: number;
  requestsPerSecond?: number;
  /** The account whose request rate this client shares (see ChannelHttpOptions). */
  pacingAccount?: string;
  onExchange?: (exchange: HttpExchange) => void;
}

export function createShopserveClient(options: ShopserveClientOptions) {
  const basic = Buffer.from(`${options.shopId}:${options.managerKey}`).toString("base64");
  const http = new ChannelHttp({
    channel,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    requestsPerSecond: options.requestsPerSecond,
    pacingAccount: options.pacingAccount,
    headers: () => ({ authorization: `Basic ${basic}` }),
    onExchange: options.onExchange,
  });

  return {
    /** Orders updated in [from, to), with their delivery and item blocks. */
    async searchOrders(query: { from: Date; to: Date; offset: number; limit: number }) {
      const path = "/v2/orders/_retrieve/basic;delivery;items";
      const response = await http.request({
        method: "POST",
        path,
        body: {
          since: toWireDateTime(query.from),
          // Seconds only on the wire: rounding up keeps the window's last partial second (seen again next time).
          until: toWireDateTime(new Date(Math.ceil(query.to.getTime() / 1000) * 1000)),
          offset: query.offset,
          limit: query.limit,
        },
      });
      return readAnswer(channel, searchAnswerSchema, response.body, `POST ${path}`);
    },

    async markShipped(notice: ShipmentNotice) {
      await http.request({
        method: "PUT",
        path: `/v2/orders/${encodeURIComponent(notice.orderCode)}/status`,
        body: toShippingUpdate(notice),
      });
    },

    async setStocks(items: StockItem[]) {
      const response = await http.request({
        method: "PUT",
        path: "/v2/items/stocks",
        body: { stocks: toWireStocks(items) },
      });
      return readAnswer(channel, stockAnswerSchema, response.body, "PUT /v2/items/stocks");
    },
  };
}
