// Qoo10 QAPI calls: the seller auth key (SAK) obtained once per connector, form-encoded calls, and the
// {ResultCode, ResultMsg, ResultObject} envelope turned into values or ChannelErrors.
import { z } from "zod";
import { readAnswer } from "../common/read.ts";
import { ChannelError } from "../errors.ts";
import { ChannelHttp, type HttpExchange } from "../http.ts";
import { authCodes, envelopeSchema, notFoundCodes } from "./map.ts";

export const channel = "qoo10";
export const defaultEndpoint = "https://api.qoo10.jp/GMKT.INC.Front.QAPIService/ebayjapan.qapi";

export interface Qoo10ClientOptions {
  baseUrl: string;
  apiKey: string;
  userId: string;
  password: string;
  timeoutMs?: number;
  requestsPerSecond?: number;
  /** The account whose request rate this client shares (see ChannelHttpOptions). */
  pacingAccount?: string;
  onExchange?: (exchange: HttpExchange) => void;
}

export type Qoo10Client = ReturnType<typeof createQoo10Client>;

const rateLimitedCode = -99998;

export function createQoo10Client(options: Qoo10ClientOptions) {
  let sellerKey: string | undefined;
  const http = new ChannelHttp({
    channel,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    requestsPerSecond: options.requestsPerSecond,
    pacingAccount: options.pacingAccount,
    readError: (body) => {
      const parsed = envelopeSchema.safeParse(body);
      return parsed.success
        ? { code: String(parsed.data.ResultCode), message: parsed.data.ResultMsg ?? undefined }
        : undefined;
    },
    onExchange: options.onExchange,
  });

  async function post(method: string, params: Record<string, string | number>, key: string) {
    const form = new URLSearchParams({ v: "1.0", returnType: "application/json" });
    for (const [name, value] of Object.entries(params)) form.set(name, String(value));
    const response = await http.request({
      method: "POST",
      path: `/${method}`,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        GiosisCertificationKey: key,
        QAPIVersion: "1.0",
      },
      body: form.toString(),
    });
    const envelope = readAnswer(channel, envelopeSchema, response.body, method);
    if (envelope.ResultCode !== 0) throw refusal(method, envelope.ResultCode, envelope.ResultMsg ?? "");
    return envelope.ResultObject;
  }

  async function certify(): Promise<string> {
    const key = await post(
      "CertificationAPI.CreateCertificationKey",
      { user_id: options.userId, pwd: options.password },
      options.apiKey,
    );
    return readAnswer(channel, z.string().min(1), key, "CertificationAPI.CreateCertificationKey");
  }

  /** Calls a method with the seller auth key; a refused key is renewed once (it may have lapsed). */
  async function call(method: string, params: Record<string, string | number>): Promise<unknown> {
    const fresh = sellerKey === undefined;
    sellerKey ??= await certify();
    try {
      return await post(method, params, sellerKey);
    } catch (error) {
      if (fresh || !(error instanceof ChannelError) || error.kind !== "auth") throw error;
      sellerKey = await certify();
      return post(method, params, sellerKey);
    }
  }

  return { call, certify };
}

function refusal(method: string, code: number, message: string): ChannelError {
  const kind = authCodes.has(code)
    ? "auth"
    : notFoundCodes.has(code)
      ? "not_found"
      : code === rateLimitedCode
        ? "rate_limited"
        : "invalid";
  const sentence =
    kind === "auth"
      ? `${channel}: ${method} was refused: check the API key, user ID and password (the API key lives one year; reissue it in QSM)`
      : `${channel}: ${method} was refused (ResultCode ${code})`;
  return new ChannelError({
    kind,
    channel,
    status: 200,
    code: String(code),
    channelMessage: message,
    message: `${sentence}: ${message}`,
  });
}
