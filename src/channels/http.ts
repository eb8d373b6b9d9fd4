// The HTTP client every connector uses: built-in fetch with a timeout and request pacing, HTTP failures
// turned into ChannelError kinds, and a logging hook that only ever sees redacted values.
import { ChannelError, type ChannelErrorKind } from "./errors.ts";
import { pacerFor, type RequestPacer } from "./request-pacer.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface HttpRequest {
  method: HttpMethod;
  /** Joined to the base URL: "/orders" → `${baseUrl}/orders`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON unless it is already a string. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses that are answers to read rather than failures (e.g. a batch the channel refused per item). */
  answerStatuses?: number[];
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the channel says JSON, else the text ("" for an empty body). */
  body: T;
}

/** One request and its outcome, for debug logs. Every header, body and URL here is redacted. */
export interface HttpExchange {
  channel: string;
  method: HttpMethod;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  status?: number;
  responseBody?: unknown;
  durationMs: number;
  error?: { kind: ChannelErrorKind; message: string };
}

export interface ChannelHttpOptions {
  /** The channel id, named in error messages. */
  channel: string;
  baseUrl: string;
  /** Per request, body included. Default 30 s. */
  timeoutMs?: number;
  /** Spaces request starts so this rate is never exceeded from this client (or its account, below). */
  requestsPerSecond?: number;
  /**
   * The channel account this client calls for (the engine names the store): clients of one account share
   * one pacer, so their requests together stay under the rate.
   */
  pacingAccount?: string;
  /** Headers for every request (auth); called per request so rotated credentials apply at once. */
  headers?: () => Record<string, string>;
  /** Reads the channel's own error code and message from an error response body. */
  readError?: (body: unknown) => { code?: string; message?: string } | undefined;
  onExchange?: (exchange: HttpExchange) => void;
}

const defaultTimeoutMs = 30_000;
export class ChannelHttp {
  readonly #options: ChannelHttpOptions;
  readonly #pacer: RequestPacer | undefined;

  constructor(options: ChannelHttpOptions) {
    this.#options = options;
    this.#pacer = options.requestsPerSecond
      ? pacerFor(options.requestsPerSecond, options.pacingAccount)
      : undefined;
  }

  async request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>> {
    await this.#pacer?.turn();
    const { channel, timeoutMs = defaultTimeoutMs } = this.#options;
    const url = this.#url(request);
    const headers: Record<string, string> = {
      accept: "application/json",
      ...this.#options.headers?.(),
      ...request.headers,
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = typeof request.body === "string" ? request.body : JSON.stringify(request.body);
      headers["content-type"] ??= "application/json; charset=utf-8";
    }
    const started = performance.now();
    // Redacted copies of the request and the answer, made only for a hook that asked for them.
    const { onExchange } = this.#options;
    const exchange: HttpExchange | undefined = onExchange && {
      channel,
      method: request.method,
      url: redactUrl(url),
      requestHeaders: redact(headers) as Record<string, string>,
      requestBody: request.body === undefined ? undefined : redact(request.body),
      durationMs: 0,
    };
    try {
      const response = await fetch(url, {
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const responseBody = await readBody(response);
      if (exchange) {
        exchange.status = response.status;
        exchange.responseBody = redact(responseBody);
      }
      if (!response.ok && !request.answerStatuses?.includes(response.status)) {
        const error = this.#errorForResponse(request, response, responseBody);
        if (error.kind === "rate_limited") this.#pacer?.rateLimited(error.retryAfterMs);
        throw error;
      }
      if (responseBody instanceof MalformedJson) throw this.#errorForMalformed(request, responseBody);
      this.#pacer?.answered();
      return { status: response.status, headers: response.headers, body: responseBody as T };
    } catch (error) {
      const channelError =
        error instanceof ChannelError ? error : this.#errorForFailure(request, error, timeoutMs);
      if (exchange) exchange.error = { kind: channelError.kind, message: channelError.message };
      throw channelError;
    } finally {
      if (exchange) {
        exchange.durationMs = Math.round(performance.now() - started);
        onExchange?.(exchange);
      }
    }
  }

  #url(request: HttpRequest): string {
    const url = new URL(this.#options.baseUrl.replace(/\/+$/, "") + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  #errorForResponse(request: HttpRequest, response: Response, body: unknown): ChannelError {
    const { channel } = this.#options;
    const read = this.#options.readError?.(body) ?? defaultReadError(body);
    const kind = kindForStatus(response.status);
    const retryAfterMs =
      kind === "rate_limited" ? parseRetryAfter(response.headers.get("retry-after")) : undefined;
    const channelMessage = read?.message ?? "";
    const what = `${request.method} ${request.path}`;
    return new ChannelError({
      kind,
      channel,
      status: response.status,
      code: read?.code,
      channelMessage,
      retryAfterMs,
      message: `${channel}: ${what} ${describeKind[kind]} (HTTP ${response.status})${channelMessage ? `: ${channelMessage}` : ""}`,
    });
  }

  /** A success answer we cannot read is a glitch on the way (retry), not a refusal. */
  #errorForMalformed(request: HttpRequest, body: MalformedJson): ChannelError {
    const { channel } = this.#options;
    return new ChannelError({
      kind: "transient",
      channel,
      message: `${channel}: ${request.method} ${request.path} answered malformed JSON (${body.text.length} bytes)`,
      channelMessage: body.text.slice(0, 200),
    });
  }

  #errorForFailure(request: HttpRequest, error: unknown, timeoutMs: number): ChannelError {
    const { channel } = this.#options;
    const what = `${request.method} ${request.path}`;
    const timedOut =
      error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
    const reason = timedOut ? `timed out after ${timeoutMs} ms` : `failed: ${networkReason(error)}`;
    return new ChannelError({
      kind: "transient",
      channel,
      message: `${channel}: ${what} ${reason}`,
      cause: error,
    });
  }
}

const describeKind: Record<ChannelErrorKind, string> = {
  transient: "failed on the channel's side",
  rate_limited: "was rate limited",
  auth: "was refused: check the credentials",
  invalid: "was rejected as invalid",
  not_found: "found nothing",
};

export function kindForStatus(status: number): ChannelErrorKind {
  if (status === 429) return "rate_limited";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  // 408 Request Timeout and 423 Locked (LOGILESS: resource busy) clear up by themselves.
  if (status >= 500 || status === 408 || status === 423) return "transient";
  return "invalid";
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A body the channel labelled JSON that does not parse (cut off, an HTML error page from a proxy…). */
class MalformedJson {
  constructor(readonly text: string) {}
  toJSON() {
    return this.text.slice(0, 500);
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return "";
  if (!(response.headers.get("content-type") ?? "").includes("json")) return text;
  try {
    return JSON.parse(text);
  } catch {
    return response.ok ? new MalformedJson(text) : text;
  }
}

/** `{error: {code, message}}`, `{code, message}` or plain text: the common error bodies. */
function defaultReadError(body: unknown): { code?: string; message?: string } | undefined {
  if (typeof body === "string") return body ? { message: body.slice(0, 500) } : undefined;
  if (!isRecord(body)) return undefined;
  const source = isRecord(body.error) ? body.error : body;
  const code = source.code;
  const message = source.message;
  return {
    code: typeof code === "string" || typeof code === "number" ? String(code) : undefined,
    message: typeof message === "string" ? message : undefined,
  };
}

function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? error.message;
}

// ---- redaction ----------------------------------------------------------------------------------------

const secretName =
  /authorization|token|secret|password|passwd|passphrase|api[-_]?key|licen[cs]e[-_]?key|private[-_]?key|credential|cookie|signature/i;
const mask = "[redacted]";

/** True for a header, field or query parameter name that holds a secret. */
export function isSecretName(name: string): boolean {
  return secretName.test(name);
}

/**
 * A deep copy with secrets masked: any field named like a secret (token, secret, password, licenseKey, …);
 * an Authorization header keeps its scheme ("Bearer [redacted]"). Strings that look like URLs have secret
 * query parameters masked.
 */
export function redact(value: unknown): unknown {
  if (typeof value === "string") {
    if (/^https?:\/\//.test(value)) return redactUrl(value);
    return formBody.test(value) ? redactForm(value) : value;
  }
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Headers) return redact(Object.fromEntries(value.entries()));
  if (!isRecord(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    copy[name] = isSecretName(name) ? maskSecret(name, field) : redact(field);
  }
  return copy;
}

function maskSecret(name: string, value: unknown): string {
  if (/^(proxy-)?authorization$/i.test(name) && typeof value === "string") {
    const scheme = value.match(/^(\w+)\s+\S/)?.[1];
    return scheme ? `${scheme} ${mask}` : mask;
  }
  return mask;
}

/** `a=1&b=2`: an application/x-www-form-urlencoded body (OAuth2 token requests send secrets this way). */
const formBody = /^[\w.%-]+=[^&=]*(&[\w.%-]+=[^&=]*)*$/;

function redactForm(body: string): string {
  const params = new URLSearchParams(body);
  for (const name of [...params.keys()]) if (isSecretName(name)) params.set(name, mask);
  return params.toString();
}

export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.password) parsed.password = mask;
  for (const name of [...parsed.searchParams.keys()]) {
    if (isSecretName(name)) parsed.searchParams.set(name, mask);
  }
  return parsed.toString();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
