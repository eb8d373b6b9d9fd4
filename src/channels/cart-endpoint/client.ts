// The cart endpoint's calls: one URL, HTTP Basic auth. Records inside the answers are read in map.ts.
import { z } from "zod";
import { readAnswer } from "../common/read.ts";
import { ChannelHttp, type HttpExchange } from "../http.ts";
import { type WireResult, type WireStockItem, wireResultSchema } from "./map.ts";

export const channel = "cart-endpoint";

export interface CartEndpointClientOptions {
  url: string;
  username: string;
  password: string;
  timeoutMs?: number;
  requestsPerSecond?: number;
  /** The account whose request rate this client shares (see ChannelHttpOptions). */
  pacingAccount?: string;
  onExchange?: (exchange: HttpExchange) => void;
}

const shopAnswer = z.looseObject({ shop: z.string(), items: z.number().nullish() });
const stockAnswer = z.looseObject({ results: z.array(wireResultSchema) });

export function createCartEndpointClient(options: CartEndpointClientOptions) {
  const basic = Buffer.from(`${options.username}:${options.password}`).toString("base64");
  const http = new ChannelHttp({
    channel,
    baseUrl: options.url,
    timeoutMs: options.timeoutMs,
    requestsPerSecond: options.requestsPerSecond,
    pacingAccount: options.pacingAccount,
    headers: () => ({ authorization: `Basic ${basic}` }),
    onExchange: options.onExchange,
  });
  return {
    async whoAmI() {
      const response = await http.request({ method: "GET", path: "" });
      return readAnswer(channel, shopAnswer, response.body, "GET");
    },
    async setStock(items: WireStockItem[], idempotencyKey: string): Promise<WireResult[]> {
      const response = await http.request({
        method: "POST",
        path: "",
        headers: { "idempotency-key": idempotencyKey },
        body: { items },
      });
      return readAnswer(channel, stockAnswer, response.body, "POST").results;
    },
  };
}
