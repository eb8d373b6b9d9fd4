// The test channel: a loopback HTTP server of a small channel API of our own design (README.md), with the
// limits and failures real channels have, and fault injection so tests can make it misbehave on purpose.
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { z } from "zod";
import { hang, listenOnLoopback } from "../kit/server.ts";
import type { GenerateOptions } from "./generate.ts";
import {
  type Fault,
  type IssuedTokens,
  type StockRecord,
  TestChannelState,
  type TokenLifetimes,
} from "./state.ts";
import type { WireItem, WireOrder, WireOrderStatus } from "./wire.ts";

export const limits = {
  maxPageSize: 100,
  maxWindowDays: 30,
  maxLookbackDays: 90,
  maxShipmentsPerRequest: 100,
  maxStockItemsPerRequest: 50,
  maxQuantity: 99_999,
} as const;

export interface TestChannelOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  apiKey?: string;
  /** Requests per second per API key before 429. Default 10. */
  requestsPerSecond?: number;
  /**
   * How long an accepted shipment request stays "processing". Default 100 ms. `"manual"`: until the test
   * calls `completeShipments`.
   */
  shipmentProcessingMs?: number | "manual";
  now?: () => Date;
  /**
   * OAuth2 mode: API calls need an access token (from `issueTokens()` or `POST /oauth/token`) instead of
   * the API key. Client credentials default to `tc-client-id` / `tc-client-secret`, refresh tokens to 28 days.
   */
  oauth?: OAuthOptions;
}

export interface OAuthOptions {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds?: number;
  clientId?: string;
  clientSecret?: string;
}

/** A token pair as the merchant's authorization would hand it to Kura, with the client credentials. */
export interface AuthorizedTokens extends IssuedTokens {
  clientId: string;
  clientSecret: string;
}

export interface TestChannel {
  url: string;
  apiKey: string;
  state: TestChannelState;
  close(): Promise<void>;
  seedOrders(options: Omit<GenerateOptions, "firstSerial"> | WireOrder[]): WireOrder[];
  seedItems(items: WireItem[]): void;
  setOrderStatus(orderNo: string, status: WireOrderStatus): void;
  /**
   * The next `count` API requests (only those whose path starts with `path`, when given) meet this fault,
   * before auth and rate limiting.
   */
  injectFaults(fault: Fault, count?: number, path?: string): void;
  stockOf(sku: string, variant?: string | null): StockRecord | undefined;
  /** Processes accepted shipment requests now (all, or one): for `shipmentProcessingMs: "manual"`. */
  completeShipments(requestId?: string): void;
  /** OAuth mode: a fresh access and refresh token, as if the merchant had just authorized Kura. */
  issueTokens(): AuthorizedTokens;
  /** OAuth mode: every refresh token issued so far stops working (the merchant revoked the app). */
  revokeRefreshTokens(): void;
  /**
   * The API key lapses after this many more authorized requests (counting only those to paths starting
   * with `path`, when given): then every request answers 401 `expired_api_key`.
   */
  expireApiKeyAfter(requests: number, path?: string): void;
  /** The merchant reissued the key (same value here): it answers again. */
  renewApiKey(): void;
}

const dayMs = 86_400_000;
const tokenPath = "/oauth/token";

export async function startTestChannel(options: TestChannelOptions = {}): Promise<TestChannel> {
  const apiKey = options.apiKey ?? "tc-test-api-key";
  const requestsPerSecond = options.requestsPerSecond ?? 10;
  const processingMs = options.shipmentProcessingMs ?? 100;
  const state = new TestChannelState(options.now);
  const oauth = options.oauth && {
    clientId: options.oauth.clientId ?? "tc-client-id",
    clientSecret: options.oauth.clientSecret ?? "tc-client-secret",
    lifetimes: {
      accessTokenTtlSeconds: options.oauth.accessTokenTtlSeconds,
      refreshTokenTtlSeconds: options.oauth.refreshTokenTtlSeconds ?? 28 * 86_400,
    } satisfies TokenLifetimes,
  };
  const timers = new Set<NodeJS.Timeout>();
  const app = Fastify({ logger: false, forceCloseConnections: true });
  /**
   * Requests (to paths starting with `path`) the API key still answers before it lapses for every path
   * (`expireApiKeyAfter`); undefined: no expiry.
   */
  let keyLapse: { left: number; path: string } | undefined;

  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    return reply
      .code(status)
      .send(errorBody(status < 500 ? "invalid_request" : "internal_error", error.message));
  });

  app.addHook("onRequest", async (request, reply) => {
    state.requestCount += 1;
    const fault = state.faults.next(request.url);
    if (fault) return answerFault(fault, request, reply);
    if (request.routeOptions.url === tokenPath) return; // the client authenticates in the body; not rate limited
    const bearer = request.headers.authorization?.match(/^Bearer (.+)$/)?.[1] ?? "";
    if (oauth) {
      const problem = state.accessTokenProblem(bearer);
      if (problem) {
        return reply
          .code(401)
          .header("www-authenticate", 'Bearer error="invalid_token"')
          .send(accessTokenErrors[problem]);
      }
    } else if (bearer !== apiKey) {
      return reply.code(401).send(errorBody("invalid_api_key", "APIキーが正しくありません。"));
    } else if (
      keyLapse &&
      (keyLapse.left <= 0 || (request.url.startsWith(keyLapse.path) && keyLapse.left-- <= 0))
    ) {
      return reply.code(401).send(errorBody("expired_api_key", "APIキーの有効期限が切れています。"));
    }
    const retryAfter = state.rate.admit(requestsPerSecond);
    if (retryAfter !== undefined) {
      return reply
        .code(429)
        .header("retry-after", String(retryAfter))
        .send(errorBody("rate_limited", "リクエストが多すぎます。しばらく待ってから再度お試しください。"));
    }
  });

  app.get("/shop", async () => ({
    shop_id: "tc-shop-001",
    name: "テストチャネル店",
    api_key_expires_at: null,
  }));

  app.get("/orders", async (request, reply) => {
    const query = ordersQuery.safeParse(request.query);
    if (!query.success) return invalidRequest(reply, query.error);
    const { updated_from: from, updated_to: to, page, limit } = query.data;
    if (from >= to)
      return reply
        .code(400)
        .send(errorBody("invalid_window", "updated_from は updated_to より前にしてください。"));
    if (to.getTime() - from.getTime() > limits.maxWindowDays * dayMs) {
      return reply
        .code(400)
        .send(
          errorBody("window_too_long", `更新日時の範囲は${limits.maxWindowDays}日以内で指定してください。`),
        );
    }
    if (from.getTime() < state.now().getTime() - limits.maxLookbackDays * dayMs) {
      return reply
        .code(400)
        .send(errorBody("lookback_exceeded", `${limits.maxLookbackDays}日より前の注文は検索できません。`));
    }
    const start = (page - 1) * limit;
    const matching = state.ordersUpdatedIn(from, to, start, limit);
    return {
      orders: matching.orders,
      page,
      limit,
      total_count: matching.total,
      has_next: start + limit < matching.total,
    };
  });

  app.post("/shipments", async (request, reply) => {
    const body = shipmentsBody.safeParse(request.body);
    if (!body.success) return invalidRequest(reply, body.error);
    const orderNos = body.data.shipments.map((shipment) => shipment.order_no);
    if (new Set(orderNos).size !== orderNos.length) {
      return reply.code(400).send(errorBody("duplicate_order", "同じ注文番号が複数含まれています。"));
    }
    return idempotent(request, reply, () => {
      const accepted = state.acceptShipments(body.data.shipments);
      if (processingMs !== "manual") {
        const timer = setTimeout(() => {
          timers.delete(timer);
          state.completeShipments(accepted.requestId);
        }, processingMs);
        timers.add(timer);
      }
      return {
        status: 202,
        body: { request_id: accepted.requestId, message: "発送情報の登録を受け付けました。" },
      };
    });
  });

  app.get("/shipments/:requestId", async (request, reply) => {
    const { requestId } = request.params as { requestId: string };
    const accepted = state.shipmentRequests.get(requestId);
    if (!accepted) {
      return reply.code(404).send(errorBody("request_not_found", "指定されたリクエストIDは存在しません。"));
    }
    return { request_id: accepted.requestId, status: accepted.status, results: accepted.results };
  });

  app.post("/stock", async (request, reply) => {
    const body = stockBody.safeParse(request.body);
    if (!body.success) return invalidRequest(reply, body.error);
    return idempotent(request, reply, () => ({
      status: 200,
      body: {
        results: body.data.items.map((line) => {
          const variant = line.variant ?? null;
          const result = { sku: line.sku, variant };
          const item = state.item(line.sku, variant);
          if (!item)
            return {
              ...result,
              status: "rejected",
              error: errorOf("item_not_found", "商品が見つかりません。"),
            };
          if (item.unlimited_stock) {
            return {
              ...result,
              status: "rejected",
              error: errorOf("unlimited_stock", "在庫数無制限の商品は在庫数を更新できません。"),
            };
          }
          if (!Number.isInteger(line.quantity) || line.quantity < 0 || line.quantity > limits.maxQuantity) {
            return {
              ...result,
              status: "rejected",
              error: errorOf(
                "invalid_quantity",
                `在庫数は0〜${limits.maxQuantity}の整数で指定してください。`,
              ),
            };
          }
          state.setStock(line.sku, variant, line.quantity);
          return { ...result, status: "updated" };
        }),
      },
    }));
  });

  app.get("/items", async (request, reply) => {
    const query = pageQuery.safeParse(request.query);
    if (!query.success) return invalidRequest(reply, query.error);
    const { page, limit } = query.data;
    const items = [...state.items.values()];
    const start = (page - 1) * limit;
    return {
      items: items.slice(start, start + limit),
      page,
      limit,
      total_count: items.length,
      has_next: start + limit < items.length,
    };
  });

  if (oauth) {
    app.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string" },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    // RFC 6749 §6 (refresh) with the client's credentials in the body (§2.3.1); errors as §5.2.
    app.post(tokenPath, async (request, reply) => {
      state.tokenRequestCount += 1;
      reply.header("cache-control", "no-store").header("pragma", "no-cache");
      const form = request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded")
        ? (request.body as Record<string, string>)
        : undefined;
      if (!form?.grant_type) {
        return reply
          .code(400)
          .send(
            oauthError(
              "invalid_request",
              "grant_type を application/x-www-form-urlencoded で指定してください。",
            ),
          );
      }
      if (form.grant_type !== "refresh_token") {
        return reply
          .code(400)
          .send(oauthError("unsupported_grant_type", `grant_type ${form.grant_type} には対応していません。`));
      }
      if (form.client_id !== oauth.clientId || form.client_secret !== oauth.clientSecret) {
        return reply.code(401).send(oauthError("invalid_client", "クライアント認証に失敗しました。"));
      }
      if (!form.refresh_token) {
        return reply.code(400).send(oauthError("invalid_request", "refresh_token を指定してください。"));
      }
      const tokens = state.exchangeRefreshToken(form.refresh_token, oauth.lifetimes);
      if ("refused" in tokens) return reply.code(400).send(oauthError("invalid_grant", tokens.refused));
      return {
        access_token: tokens.accessToken,
        token_type: "Bearer",
        expires_in: tokens.expiresIn,
        refresh_token: tokens.refreshToken,
      };
    });
  }

  function idempotent(
    request: FastifyRequest,
    reply: FastifyReply,
    answer: () => { status: number; body: unknown },
  ): FastifyReply {
    const key = request.headers["idempotency-key"];
    const scopedKey = typeof key === "string" && key ? `${request.url}\u0000${key}` : undefined;
    const replay = scopedKey ? state.idempotentAnswers.get(scopedKey) : undefined;
    const result = replay ?? answer();
    if (scopedKey && !replay) state.idempotentAnswers.set(scopedKey, result);
    return reply.code(result.status).send(result.body);
  }

  const url = await listenOnLoopback(app, options.port);

  return {
    url,
    apiKey,
    state,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await app.close();
    },
    seedOrders: (seed) => state.seedOrders(seed),
    seedItems: (items) => state.seedItems(items),
    setOrderStatus: (orderNo, status) => state.setOrderStatus(orderNo, status),
    injectFaults: (fault, count, path) => state.faults.add(fault, count, path),
    stockOf: (sku, variant) => state.stockOf(sku, variant),
    completeShipments(requestId) {
      for (const id of requestId ? [requestId] : [...state.shipmentRequests.keys()])
        state.completeShipments(id);
    },
    issueTokens() {
      if (!oauth) throw new Error("the test channel was started without `oauth`");
      const { clientId, clientSecret } = oauth;
      return { ...state.issueTokens(oauth.lifetimes), clientId, clientSecret };
    },
    revokeRefreshTokens: () => state.revokeRefreshTokens(),
    expireApiKeyAfter(requests: number, path = "") {
      keyLapse = { left: requests, path };
    },
    renewApiKey() {
      keyLapse = undefined;
    },
  };
}

async function answerFault(
  fault: Fault,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (fault.kind === "rate_limit") {
    return reply
      .code(429)
      .header("retry-after", String(fault.retryAfterSeconds))
      .send(errorBody("rate_limited", "リクエストが多すぎます。しばらく待ってから再度お試しください。"));
  }
  if (fault.kind === "drop") {
    request.raw.socket.destroy();
    return reply.hijack();
  }
  if (fault.kind === "malformed") {
    return reply.code(200).type("application/json; charset=utf-8").send('{"orders":[{"order_no":"T-');
  }
  if (fault.kind === "hang") {
    await hang(request, fault.ms);
    return reply.code(504).send(errorBody("gateway_timeout", "処理がタイムアウトしました。"));
  }
  return reply
    .code(fault.status)
    .send(
      errorBody(
        "server_error",
        fault.message ?? "システムエラーが発生しました。時間をおいて再度お試しください。",
      ),
    );
}

const errorOf = (code: string, message: string) => ({ code, message });
const errorBody = (code: string, message: string) => ({ error: errorOf(code, message) });
const oauthError = (error: string, description: string) => ({ error, error_description: description });

const accessTokenErrors = {
  unknown: errorBody("invalid_access_token", "アクセストークンが正しくありません。"),
  expired: errorBody("expired_access_token", "アクセストークンの有効期限が切れています。"),
};

function invalidRequest(reply: FastifyReply, error: z.ZodError): FastifyReply {
  const issue = error.issues[0];
  const where = issue?.path.join(".") || "request";
  return reply
    .code(400)
    .send(errorBody("invalid_request", `${where}: ${issue?.message ?? "不正なリクエストです。"}`));
}

/** ISO 8601 with an explicit offset, as the channel documents. */
const dateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/,
    "日時はISO 8601 (タイムゾーン付き) で指定してください",
  )
  .transform((value) => new Date(value));

const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(limits.maxPageSize, `limit は${limits.maxPageSize}以下で指定してください`)
    .default(50),
});

const ordersQuery = pageQuery.extend({ updated_from: dateTime, updated_to: dateTime });

const shipmentsBody = z.object({
  shipments: z
    .array(
      z.object({
        order_no: z.string().min(1),
        carrier: z.enum(["yamato", "sagawa", "japanpost", "other"]),
        tracking_no: z
          .string()
          .regex(/^[0-9A-Za-z-]{1,50}$/, "送り状番号は半角英数字とハイフン50文字以内です"),
        shipped_on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "出荷日は YYYY-MM-DD で指定してください"),
      }),
    )
    .min(1)
    .max(
      limits.maxShipmentsPerRequest,
      `一度に登録できる発送情報は${limits.maxShipmentsPerRequest}件までです`,
    ),
});

const stockBody = z.object({
  items: z
    .array(z.object({ sku: z.string().min(1), variant: z.string().nullish(), quantity: z.number() }))
    .min(1)
    .max(limits.maxStockItemsPerRequest, `一度に更新できる商品は${limits.maxStockItemsPerRequest}件までです`),
});
