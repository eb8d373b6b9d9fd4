// au PAY マーケット API calls: endpoints, bearer key, XML envelopes and their errors. Records are read in map.ts.
import type { z } from "zod";
import { readAnswer } from "../common/read.ts";
import { parseXmlAnswer } from "../common/xml.ts";
import { ChannelError } from "../errors.ts";
import { ChannelHttp, type HttpExchange, type HttpRequest } from "../http.ts";
import {
  errorKind,
  expiredKeyCode,
  parseXml,
  responseSchema,
  searchAnswerSchema,
  toRequestXml,
  toWireDate,
  updateStockAnswerSchema,
  xmlParser,
} from "./map.ts";

export const channel = "aupay";
export const defaultEndpoint = "https://api.manager.wowma.jp/wmshopapi";

export interface AuPayClientOptions {
  baseUrl: string;
  apiKey: string;
  shopId: string;
  timeoutMs?: number;
  requestsPerSecond?: number;
  /** The account whose request rate this client shares (see ChannelHttpOptions). */
  pacingAccount?: string;
  onExchange?: (exchange: HttpExchange) => void;
}

export type AuPayClient = ReturnType<typeof createAuPayClient>;

export function createAuPayClient(options: AuPayClientOptions) {
  const http = new ChannelHttp({
    channel,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    requestsPerSecond: options.requestsPerSecond,
    pacingAccount: options.pacingAccount,
    headers: () => ({ authorization: `Bearer ${options.apiKey}`, accept: "application/xml" }),
    readError: readXmlError,
    onExchange: options.onExchange,
  });

  /** Calls a method and answers its parsed `<response>`; `<status>1</status>` is an error at any HTTP status. */
  async function call<T extends z.ZodType>(request: HttpRequest, schema: T): Promise<z.infer<T>> {
    const what = `${request.method} ${request.path}`;
    let answer: unknown;
    try {
      answer = (await http.request<string>(request)).body;
    } catch (error) {
      throw rekind(error, what);
    }
    const body = parseXmlAnswer(xmlParser, answer, channel, what);
    const { result } = readAnswer(channel, responseSchema, body, what).response;
    if (result.status !== "0") throw refusal(what, 200, result.error?.code, result.error?.message);
    return readAnswer(channel, schema, body, what);
  }

  const post = (path: string, fields: Record<string, unknown>): HttpRequest => ({
    method: "POST",
    path,
    headers: { "content-type": "application/xml; charset=utf-8" },
    body: toRequestXml({ shopId: options.shopId, ...fields }),
  });

  return {
    /** Orders whose order date falls on the days [from, to] (JST), one page from `startCount` (1-based). */
    searchOrders(query: { from: Date; to: Date; startCount: number; totalCount: number }) {
      return call(
        {
          method: "GET",
          path: "/searchTradeInfoListProc",
          query: {
            shopId: options.shopId,
            totalCount: query.totalCount,
            startCount: query.startCount,
            dateType: 0,
            startDate: toWireDate(query.from),
            endDate: toWireDate(query.to),
          },
        },
        searchAnswerSchema,
      );
    },

    updateTradeInfo(fields: Record<string, unknown>) {
      return call(post("/updateTradeInfoProc", fields), responseSchema);
    },

    updateTradeStatus(orderId: string, orderStatus: string) {
      return call(post("/updateTradeStsProc", { orderId, orderStatus }), responseSchema);
    },

    updateStock(stockUpdateItem: unknown[]) {
      return call(post("/updateStock", { stockUpdateItem }), updateStockAnswerSchema);
    },
  };
}

function readXmlError(body: unknown): { code?: string; message?: string } | undefined {
  if (typeof body !== "string" || !body.includes("<")) return undefined;
  try {
    const parsed = responseSchema.safeParse(parseXml(body));
    const error = parsed.success ? parsed.data.response.result.error : undefined;
    return error ? { code: error.code, message: error.message } : undefined;
  } catch {
    return undefined;
  }
}

/** An HTTP error re-read by the channel's code: the code says more than the (assumed) status. */
function rekind(error: unknown, what: string): unknown {
  if (!(error instanceof ChannelError) || !error.code) return error;
  return refusal(what, error.status ?? 0, error.code, error.channelMessage, error);
}

function refusal(
  what: string,
  status: number,
  code: string | undefined,
  message: string | undefined,
  cause?: unknown,
) {
  const kind = errorKind(code, status);
  const said = message ? `: ${message}` : "";
  const sentence =
    code === expiredKeyCode
      ? `${channel}: the API key has expired; reissue it in Wow! manager (API key settings) and set the new key and its expiry date in Kura`
      : kind === "auth"
        ? `${channel}: the API key or shop ID was refused; check both in Wow! manager (and that Kura's IP address is registered there)`
        : `${channel}: ${what} was refused (${code ?? status})`;
  return new ChannelError({
    kind,
    channel,
    status,
    code,
    channelMessage: message ?? "",
    message: kind === "auth" ? sentence : `${sentence}${said}`,
    cause,
  });
}
