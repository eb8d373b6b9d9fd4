// futureshop APIv2 calls: an access token by client credentials (kept for the connector's life, renewed
// once when refused), the shop key on every call, JSON both ways.
import { z } from "zod";
import { readAnswer } from "../common/read.ts";
import { ChannelError } from "../errors.ts";
import { ChannelHttp, type HttpExchange, type HttpRequest } from "../http.ts";
import { readError } from "./map.ts";

export const channel = "futureshop";

export interface FutureshopClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  shopKey: string;
  timeoutMs?: number;
  requestsPerSecond?: number;
  /** The account whose request rate this client shares (see ChannelHttpOptions). */
  pacingAccount?: string;
  onExchange?: (exchange: HttpExchange) => void;
}

const tokenSchema = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().nullish() });

export function createFutureshopClient(options: FutureshopClientOptions) {
  let token: string | undefined;
  const http = new ChannelHttp({
    channel,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    requestsPerSecond: options.requestsPerSecond,
    pacingAccount: options.pacingAccount,
    headers: () => ({
      "x-shop-key": options.shopKey,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    }),
    readError,
    onExchange: options.onExchange,
  });

  async function authorize(): Promise<string> {
    const basic = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString("base64");
    try {
      const response = await http.request({
        method: "POST",
        path: "/oauth/token",
        headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials",
      });
      return readAnswer(channel, tokenSchema, response.body, "POST /oauth/token").access_token;
    } catch (error) {
      if (error instanceof ChannelError && (error.kind === "auth" || error.code === "invalid_client")) {
        throw new ChannelError({
          kind: "auth",
          channel,
          status: error.status,
          code: error.code,
          channelMessage: error.channelMessage,
          message: `${channel}: the client ID, client secret or shop key was refused; check them in the futureshop admin (API設定)`,
        });
      }
      throw error;
    }
  }

  /** A call with the access token; a refused token is renewed once (it may have lapsed). */
  async function call<T extends z.ZodType>(request: HttpRequest, schema: T): Promise<z.infer<T>> {
    const fresh = token === undefined;
    token ??= await authorize();
    const what = `${request.method} ${request.path}`;
    try {
      return readAnswer(channel, schema, (await http.request(request)).body, what);
    } catch (error) {
      if (fresh || !(error instanceof ChannelError) || error.kind !== "auth") throw error;
      token = await authorize();
      return readAnswer(channel, schema, (await http.request(request)).body, what);
    }
  }

  return { call, authorize };
}
