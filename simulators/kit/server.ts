// The simulator toolkit: what every channel simulator shares (a loopback Fastify server, auth check, a sliding
// rate limit, injected faults, a log of the requests it received, and stock/shipment/order state). Each
// channel's wire format stays in its own folder; the kit only carries bytes and counts. Its parts (listening,
// the fault queue, the rate window, a hung answer) also serve the simulators that run their own server.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";

/** An answer in the channel's own format: status, body (object → JSON, string → as is) and content type. */
export interface WireAnswer {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Fault =
  /** Answer with this HTTP status and the channel's own error body. */
  | { kind: "error"; status: number; message?: string }
  /** Answer the channel's rate-limit refusal. */
  | { kind: "rate_limit"; retryAfterSeconds: number };

/** Send nothing until the client gives up (closes the connection) or `ms` have passed, then a timeout. */
export type HangFault = { kind: "hang"; ms: number };

/** What every kit simulator's start function takes besides its channel's own settings. */
export interface SimulatorOptions {
  /** 0 or none: any free port. */
  port?: number;
  /** Requests per second before the channel's rate-limit answer; each simulator has its default. */
  requestsPerSecond?: number;
  /** The simulator's clock. */
  now?: () => Date;
}

export interface KitOptions {
  port?: number;
  /** Requests per second before the channel's rate-limit answer. */
  requestsPerSecond: number;
  /** Undefined lets the request in; an answer refuses it (the channel's auth error). */
  authenticate(request: FastifyRequest): WireAnswer | undefined;
  rateLimited(retryAfterSeconds: number): WireAnswer;
  fault(status: number, message: string): WireAnswer;
}

export interface ReceivedRequest {
  method: string;
  url: string;
  contentType: string | undefined;
  body: unknown;
}

export interface KitServer {
  url: string;
  app: FastifyInstance;
  /** Every API request received, in order (admin helpers are not requests). */
  requests: ReceivedRequest[];
  /** The next `count` requests (whose URL starts with `path`, when given) meet this fault, before auth. */
  injectFaults(fault: Fault, count?: number, path?: string): void;
  close(): Promise<void>;
}

/** Starts a loopback server; `routes` registers the channel's endpoints before it listens. */
export async function startKitServer(
  options: KitOptions,
  routes: (app: FastifyInstance) => void,
): Promise<KitServer> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const requests: ReceivedRequest[] = [];
  const faults = new FaultQueue<Fault>();
  const rate = new RateWindow();

  // Every body is kept as text: each channel parses its own (JSON, XML, form).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));

  app.addHook("preHandler", async (request, reply) => {
    requests.push({
      method: request.method,
      url: request.url,
      contentType: request.headers["content-type"],
      body: request.body,
    });
    const fault = faults.next(request.url);
    if (fault) {
      return send(
        reply,
        fault.kind === "rate_limit"
          ? options.rateLimited(fault.retryAfterSeconds)
          : options.fault(fault.status, fault.message ?? "システムエラーが発生しました。"),
      );
    }
    const refused = options.authenticate(request);
    if (refused) return send(reply, refused);
    const wait = rate.admit(options.requestsPerSecond);
    if (wait !== undefined) return send(reply, options.rateLimited(wait));
  });

  routes(app);
  return {
    url: await listenOnLoopback(app, options.port),
    app,
    requests,
    injectFaults: (fault, count, path) => faults.add(fault, count, path),
    close: () => app.close(),
  };
}

/** Listens on 127.0.0.1 (port 0 or none: any free port) and answers the server's base URL. */
export async function listenOnLoopback(app: FastifyInstance, port?: number): Promise<string> {
  await app.listen({ port: port ?? 0, host: "127.0.0.1" });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`;
}

/** Faults waiting for the next requests; each meets the first whose URL starts with its path (any, without). */
export class FaultQueue<F> {
  readonly #queued: Array<{ fault: F; path?: string }> = [];

  /** The next `count` requests (whose URL starts with `path`, when given) meet this fault. */
  add(fault: F, count = 1, path?: string): void {
    for (let i = 0; i < count; i++) this.#queued.push({ fault, path });
  }

  /** The fault this request meets, taken from the queue; undefined for none. */
  next(url: string): F | undefined {
    const index = this.#queued.findIndex((f) => !f.path || url.startsWith(f.path));
    return index < 0 ? undefined : this.#queued.splice(index, 1)[0]?.fault;
  }
}

/** A sliding one-second window of admitted requests, per key (one key when a channel counts them all). */
export class RateWindow {
  readonly #admitted = new Map<string, number[]>();

  /** Undefined when the request is admitted (and counted), else the seconds until one would be. */
  admit(requestsPerSecond: number, key = ""): number | undefined {
    const now = Date.now();
    const admitted = (this.#admitted.get(key) ?? []).filter((at) => at > now - 1000);
    this.#admitted.set(key, admitted);
    if (admitted.length >= requestsPerSecond) {
      return Math.max(1, Math.ceil(((admitted[0] ?? now) + 1000 - now) / 1000));
    }
    admitted.push(now);
    return undefined;
  }
}

/** A hung server: waits `ms`, or until the client gives up and closes the connection. */
export function hang(request: FastifyRequest, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    request.raw.socket.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The channel's rate-limit answer with its Retry-After header. */
export function withRetryAfter(answer: WireAnswer, seconds: number): WireAnswer {
  return { ...answer, headers: { ...answer.headers, "retry-after": String(seconds) } };
}

export function send(reply: FastifyReply, answer: WireAnswer): FastifyReply {
  reply.code(answer.status);
  for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
  if (answer.contentType) reply.header("content-type", answer.contentType);
  return reply.send(answer.body);
}

/** The query string of a request, or a form-encoded body, as a plain record. */
export function formOf(request: FastifyRequest): Record<string, string> {
  const fromQuery = request.query as Record<string, string>;
  const body = typeof request.body === "string" && request.body.includes("=") ? request.body : "";
  return { ...fromQuery, ...Object.fromEntries(new URLSearchParams(body)) };
}

/** The JSON body of a request, or undefined when it is not JSON. */
export function jsonOf(request: FastifyRequest): unknown {
  if (typeof request.body !== "string") return undefined;
  try {
    return JSON.parse(request.body);
  } catch {
    return undefined;
  }
}
