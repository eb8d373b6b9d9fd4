// Rakuten RMS API calls: endpoints, ESA authorization, envelopes, pacing per API. Records inside the
// envelopes are read in map.ts.
import { XMLParser } from "fast-xml-parser";
import { z } from "zod";
import { refusedCredentials } from "../common/auth.ts";
import { readAnswer } from "../common/read.ts";
import { parseXmlAnswer } from "../common/xml.ts";
import { ChannelError } from "../errors.ts";
import { ChannelHttp, type HttpExchange, type HttpRequest } from "../http.ts";
import { perApiAccount } from "../request-pacer.ts";
import {
  type InventoryErrors,
  inventoryErrorsSchema,
  messagesEnvelope,
  readRmsError,
  shippingAcceptedSchema,
  shippingResultSchema,
  toRmsDateTime,
  type WireInventory,
  type WireItemSearch,
  type WireMessage,
  type WireShippingOrder,
  type WireShippingResult,
  wireItemSearchSchema,
} from "./map.ts";

export const channel = "rakuten";
export const defaultEndpoint = "https://api.rms.rakuten.co.jp";

/** Published limits (channel-apis.md §1). */
export const rmsLimits = {
  searchWindowDays: 63,
  lookbackDays: 730,
  searchPageSize: 1000,
  maxSearchResults: 15_000,
  ordersPerGetOrder: 100,
  ordersPerConfirm: 100,
  inventoriesPerUpsert: 400,
  itemHits: 100,
  /** getOrder version: 10 = social gift, the newest published. */
  getOrderVersion: 10,
} as const;

export interface RakutenClientOptions {
  baseUrl: string;
  serviceSecret: string;
  licenseKey: string;
  /** Per API (order, inventory, item, other): RMS limits each on its own. */
  requestsPerSecond: number;
  /** The account whose request rate this client shares (see ChannelHttpOptions). */
  pacingAccount?: string;
  timeoutMs?: number;
  onExchange?: (exchange: HttpExchange) => void;
}

const searchAnswer = z.looseObject({
  orderNumberList: z.array(z.string()),
  PaginationResponseModel: z
    .looseObject({ totalRecordsAmount: z.number().nullish(), totalPages: z.number().nullish() })
    .nullish(),
});
const getOrderAnswer = messagesEnvelope.extend({ OrderModelList: z.array(z.unknown()).nullish() });
const expiryAnswer = z.looseObject({ expiryDate: z.string() });

export type RakutenClient = ReturnType<typeof createRakutenClient>;

export function createRakutenClient(options: RakutenClientOptions) {
  const authorization = `ESA ${Buffer.from(`${options.serviceSecret}:${options.licenseKey}`, "ascii").toString("base64")}`;
  const apis = {
    order: pacedHttp(options, authorization, "order"),
    inventory: pacedHttp(options, authorization, "inventory"),
    item: pacedHttp(options, authorization, "item"),
    other: pacedHttp(options, authorization, "other"),
  };

  const call = async (api: keyof typeof apis, request: HttpRequest) => {
    try {
      return await apis[api].request(request);
    } catch (error) {
      throw explainAuth(error);
    }
  };

  return {
    /** One page of order numbers: orders with `dateType` 1 (注文日) in [from, to], in the given progress codes. */
    async searchOrders(query: { from: Date; to: Date; statuses: number[]; page: number; pageSize: number }) {
      const path = "/es/2.0/order/searchOrder/";
      const response = await call("order", {
        method: "POST",
        path,
        body: {
          dateType: 1,
          startDatetime: toRmsDateTime(query.from),
          endDatetime: toRmsDateTime(query.to),
          orderProgressList: query.statuses,
          PaginationRequestModel: {
            requestRecordsAmount: query.pageSize,
            requestPage: query.page,
            SortModelList: [{ sortColumn: 1, sortDirection: 1 }],
          },
        },
      });
      const answer = readAnswer(channel, searchAnswer, response.body, path);
      return {
        orderNumbers: answer.orderNumberList,
        total: answer.PaginationResponseModel?.totalRecordsAmount ?? 0,
        totalPages: answer.PaginationResponseModel?.totalPages ?? 0,
      };
    },

    /** Up to 100 orders; numbers RMS does not know come back as ERROR messages, not as an error. */
    async getOrders(orderNumbers: string[]): Promise<{ orders: unknown[]; messages: WireMessage[] }> {
      const path = "/es/2.0/order/getOrder/";
      const response = await call("order", {
        method: "POST",
        path,
        body: { orderNumberList: orderNumbers, version: rmsLimits.getOrderVersion },
      });
      const answer = readAnswer(channel, getOrderAnswer, response.body, path);
      return { orders: answer.OrderModelList ?? [], messages: answer.MessageModelList };
    },

    /** 注文確認 of up to 100 orders; one message per order (INFO when confirmed). */
    async confirmOrders(orderNumbers: string[]): Promise<WireMessage[]> {
      const path = "/es/2.0/order/confirmOrder/";
      const response = await call("order", { method: "POST", path, body: { orderNumberList: orderNumbers } });
      return readAnswer(channel, messagesEnvelope, response.body, path).MessageModelList;
    },

    /** Accepted now, applied later: answers the request id to ask for the result. */
    async updateShippingAsync(orders: WireShippingOrder[]): Promise<string> {
      const path = "/es/2.0/order/updateOrderShippingAsync/";
      const response = await call("order", {
        method: "POST",
        path,
        body: { OrderShippingModelList: orders },
      });
      const answer = readAnswer(channel, shippingAcceptedSchema, response.body, path);
      const requestId = answer.MessageModelList.find((m) => m.requestId)?.requestId;
      if (!requestId) {
        const first = answer.MessageModelList[0];
        throw new ChannelError({
          kind: "invalid",
          channel,
          code: first?.messageCode,
          channelMessage: first?.message ?? "",
          message: `${channel}: ${path} accepted nothing (no requestId)`,
        });
      }
      return requestId;
    },

    async getShippingResult(requestId: string): Promise<WireShippingResult> {
      const path = "/es/2.0/order/getResultUpdateOrderShippingAsync/";
      const response = await call("order", { method: "POST", path, body: { requestId } });
      return readAnswer(channel, shippingResultSchema, response.body, path);
    },

    /** 204 when every row was written; a 400 names the refused rows (nothing of the batch is written). */
    async upsertInventories(inventories: WireInventory[]): Promise<{ written: true } | InventoryErrors> {
      const path = "/es/2.0/inventories/bulk-upsert";
      const response = await call("inventory", {
        method: "POST",
        path,
        body: { inventories },
        answerStatuses: [400],
      });
      if (response.status === 204) return { written: true };
      const refused = inventoryErrorsSchema.safeParse(response.body);
      if (refused.success) return refused.data;
      throw new ChannelError({
        kind: "invalid",
        channel,
        status: response.status,
        channelMessage: typeof response.body === "string" ? response.body : JSON.stringify(response.body),
        message: `${channel}: ${path} refused the batch (HTTP ${response.status}) without naming the rows`,
      });
    },

    /** items.search by cursor ("*" first); `updatedFrom` is a JST date. */
    async searchItems(query: {
      cursorMark: string;
      hits: number;
      updatedFrom?: string;
    }): Promise<WireItemSearch> {
      const path = "/es/2.0/items/search";
      const response = await call("item", {
        method: "GET",
        path,
        query: { hits: query.hits, cursorMark: query.cursorMark, updatedFrom: query.updatedFrom },
      });
      return readAnswer(channel, wireItemSearchSchema, response.body, path);
    },

    /** navigation.genre.get (XML): the connection test; an NG status is the API's auth refusal. */
    async getGenre(genreId = "0"): Promise<void> {
      const path = "/es/1.0/navigation/genre/get";
      const response = await call("other", { method: "GET", path, query: { genreId } });
      const parsed = parseXmlAnswer(new XMLParser(), response.body, channel, `GET ${path}`) as {
        result?: { status?: { systemStatus?: string; message?: string } };
      };
      const status = parsed.result?.status;
      if (status?.systemStatus === "OK") return;
      throw explainAuth(
        new ChannelError({
          kind: status?.message === "AuthError" ? "auth" : "invalid",
          channel,
          code: status?.message,
          channelMessage: status?.message ?? "",
          message: `${channel}: GET ${path} answered ${status?.systemStatus ?? "an unreadable result"}`,
        }),
      );
    },

    /** The license key's expiry date as RMS keeps it. */
    async getLicenseExpiry(): Promise<Date> {
      const path = "/es/1.0/license-management/license-key/expiry-date";
      const response = await call("other", {
        method: "GET",
        path,
        query: { licenseKey: options.licenseKey },
      });
      return new Date(readAnswer(channel, expiryAnswer, response.body, path).expiryDate);
    },
  };
}

/** RMS limits each API apart: each gets its own pacer, shared by the store's clients of that API. */
function pacedHttp(options: RakutenClientOptions, authorization: string, api: string): ChannelHttp {
  return new ChannelHttp({
    channel,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    requestsPerSecond: options.requestsPerSecond,
    pacingAccount: perApiAccount(options.pacingAccount, api),
    headers: () => ({ authorization }),
    readError: readRmsError,
    onExchange: options.onExchange,
  });
}

/** RMS answers a wrong secret, a wrong key and an expired key alike (ES01-01): say what the merchant can do. */
function explainAuth(error: unknown): unknown {
  if (!(error instanceof ChannelError) || error.kind !== "auth") return error;
  const code = error.code ? `${error.code} ` : "";
  return refusedCredentials(
    channel,
    error,
    `${channel}: RMS refused the service secret and license key (${code}${error.channelMessage || "no message"}); the license key lasts 90 days — reissue it in RMS (店舗様向け情報・サービス → WEB APIサービス) and enter the new one, and check that the API is enabled`,
  );
}
