// Yahoo! Shopping Store API simulator: a loopback server of the endpoints Kura uses (README.md), in their XML
// formats, with YConnect OAuth2 tokens that expire, per-URL rate limits, paging and the documented error
// shapes. Test infrastructure only: the product never runs it.
import { randomBytes } from "node:crypto";
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import {
  FaultQueue,
  type HangFault,
  hang,
  type Fault as KitFault,
  listenOnLoopback,
  RateWindow,
} from "../kit/server.ts";
import {
  type CatalogItem,
  defaultCatalog,
  type GenerateOptions,
  generateOrders,
  toJstIso,
  type YahooOrder,
} from "./generate.ts";

import { issueKey, readSignature } from "./signature.ts";
export const apiPath = "/ShoppingWebService/V1";
export const tokenPath = "/yconnect/v2/token";

export const limits = {
  /** Orders per orderList page (`Result`); the vendor says "no upper limit", we cap it (README). */
  maxResult: 2000,
  /** Item codes per setStock call. */
  maxStockItems: 1000,
  /** Minutes a buyer may cancel their own order. */
  buyerCancelMinutes: 10,
} as const;

/**
 * The real answer cut after the closing tag nearest its middle, as a connection closed mid-answer leaves
 * it: what arrived parses, without the rest of the page and the closing tags.
 */
export type TruncatedFault = { kind: "truncated" };
export type Fault = KitFault | HangFault | TruncatedFault;

export interface YahooSimulatorOptions {
  port?: number;
  sellerId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Access token lifetime. Default 3600 s. */
  accessTokenTtlSeconds?: number;
  /** Refresh token lifetime. Default 28 days (a store with a registered public key). */
  refreshTokenTtlSeconds?: number;
  /** Per endpoint URL. Default 1 (the published "1 query per second per URL"). */
  requestsPerSecond?: number;
  /**
   * Issues a public key of this version and then requires X-sws-signature on every API and token request
   * (公開鍵認証); without it no signature is asked for.
   */
  publicKeyVersion?: string;
  now?: () => Date;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  expiresAt: Date;
  clientId: string;
  clientSecret: string;
}

export interface ShipUpdate {
  orderId: string;
  ship: Record<string, string>;
  receivedAt: Date;
}

export interface StockRecord {
  quantity: number;
  allowOverdraft: boolean;
  receivedAt: Date;
}

export interface YahooSimulator {
  /** Base of both hosts here: the API is at `${url}${apiPath}`, the token endpoint at `${url}${tokenPath}`. */
  url: string;
  apiUrl: string;
  tokenUrl: string;
  sellerId: string;
  state: YahooState;
  close(): Promise<void>;
  seedOrders(options: Omit<GenerateOptions, "sellerId" | "firstSerial"> | YahooOrder[]): YahooOrder[];
  /** The buyer cancels within the 10-minute window; refused (throws) after it. */
  cancelByBuyer(orderId: string): void;
  /** Payment did not arrive in time (bank transfer, konbini): Yahoo! cancels the order. */
  expirePayment(orderId: string): void;
  injectFaults(fault: Fault, count?: number, path?: string): void;
  /** The public key the merchant downloads (with `publicKeyVersion`), and its version. */
  publicKey?: { pem: string; version: string };
  /** A fresh token pair as the merchant's authorization (YConnect) hands it over. */
  issueTokens(): IssuedTokens;
  revokeRefreshTokens(): void;
  stockOf(itemCode: string, subCode?: string): StockRecord | undefined;
}

export class YahooState {
  readonly orders = new Map<string, YahooOrder>();
  readonly catalog = new Map<string, CatalogItem>();
  readonly stock = new Map<string, StockRecord>();
  readonly shipUpdates: ShipUpdate[] = [];
  readonly statusChanges: { orderId: string; status: number; isPointFix: boolean }[] = [];
  readonly accessTokens = new Map<string, Date>();
  readonly refreshTokens = new Map<string, { expiresAt: Date; revoked: boolean }>();
  readonly faults = new FaultQueue<Fault>();
  /** Requests admitted in the last second, per URL path (the published limit is per URL). */
  readonly rate = new RateWindow();
  requestCount = 0;
  tokenRequestCount = 0;
  /** Requests whose public-key signature was read and accepted. */
  signedRequests = 0;
  serial = 0;

  constructor(readonly now: () => Date) {
    for (const item of defaultCatalog) this.catalog.set(stockKey(item.itemId, item.subCode), item);
  }

  touch(order: YahooOrder): void {
    order.LastUpdateTime = toJstIso(this.now());
  }
}

export const stockKey = (itemCode: string, subCode = "") => (subCode ? `${itemCode}:${subCode}` : itemCode);

const parser = new XMLParser({
  parseTagValue: false,
  ignoreAttributes: true,
  isArray: () => false,
});
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_" });
const xml = (body: Record<string, unknown>) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(body) as string}`;

export async function startYahooSimulator(options: YahooSimulatorOptions = {}): Promise<YahooSimulator> {
  const sellerId = options.sellerId ?? "snbx-kura";
  const clientId = options.clientId ?? "yj-app-id";
  const clientSecret = options.clientSecret ?? "yj-app-secret";
  const accessTtl = options.accessTokenTtlSeconds ?? 3600;
  const refreshTtl = options.refreshTokenTtlSeconds ?? 28 * 86_400;
  const requestsPerSecond = options.requestsPerSecond ?? 1;
  const state = new YahooState(options.now ?? (() => new Date()));
  const issuedKey = options.publicKeyVersion ? issueKey(options.publicKeyVersion) : undefined;
  const app = Fastify({ logger: false, forceCloseConnections: true });

  /** [assumed] what Yahoo! checks: the version, the seller, and a time within 10 minutes of its clock. */
  const signatureRefusal = (request: FastifyRequest): string | null => {
    if (!issuedKey) return null;
    const signature = request.headers["x-sws-signature"];
    if (typeof signature !== "string" || signature === "") return "X-sws-signature is required.";
    if (request.headers["x-sws-signature-version"] !== issuedKey.version)
      return "X-sws-signature-version does not match the issued public key.";
    const [seller, time] = (readSignature(issuedKey, signature) ?? "").split(":");
    if (seller !== sellerId) return "Invalid signature.";
    if (Math.abs(state.now().getTime() / 1000 - Number(time)) > 600) return "The signature has expired.";
    state.signedRequests += 1;
    return null;
  };

  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));

  const sendError = (reply: FastifyReply, status: number, code: string, message: string) =>
    reply
      .code(status)
      .type("application/xml; charset=utf-8")
      .send(xml({ Error: { Message: message, Code: code } }));
  const sendXml = (reply: FastifyReply, body: Record<string, unknown>, status = 200) =>
    reply.code(status).type("application/xml; charset=utf-8").send(xml(body));

  const truncating = new WeakSet<FastifyRequest>();
  app.addHook("onSend", async (request, _reply, payload) => {
    if (!truncating.has(request) || typeof payload !== "string") return payload;
    const closing = payload.lastIndexOf("</", payload.length / 2);
    return payload.slice(0, payload.indexOf(">", closing) + 1);
  });

  app.addHook("onRequest", async (request, reply) => {
    state.requestCount += 1;
    const path = request.url.split("?")[0] ?? "";
    const fault = state.faults.next(path);
    if (fault?.kind === "truncated") truncating.add(request);
    else if (fault) return answerFault(fault, request, reply, sendError);
    const refusal = signatureRefusal(request);
    if (refusal) {
      return path === tokenPath
        ? reply.code(401).send({ error: "invalid_request", error_description: refusal })
        : sendError(reply, 401, "px-04201", refusal); // [assumed] the code
    }
    if (path === tokenPath) return;
    const bearer = request.headers.authorization?.match(/^Bearer (.+)$/)?.[1] ?? "";
    const expiresAt = state.accessTokens.get(bearer);
    if (!expiresAt || expiresAt <= state.now()) {
      const expired = Boolean(expiresAt);
      reply.header(
        "www-authenticate",
        `Bearer error="invalid_token", error_description="${expired ? "expired token" : "invalid token"}"`,
      );
      return expired
        ? sendError(reply, 401, "px-04102", "AccessToken has been expired.")
        : sendError(reply, 401, "px-04101", "Invalid AccessToken.");
    }
    if (state.rate.admit(requestsPerSecond, path) !== undefined) {
      reply.header("retry-after", "1");
      return sendError(
        reply,
        429,
        "ed-00429",
        "リクエスト数が上限を超えました。時間をおいて再度お試しください。",
      );
    }
  });

  /** The XML request body, with its SellerId checked; undefined when an error was sent. */
  function readReq(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> | undefined {
    let parsed: Record<string, unknown>;
    try {
      parsed = parser.parse(String(request.body ?? ""), true) as Record<string, unknown>;
    } catch {
      sendError(reply, 400, "od00001", "リクエストのXMLが不正です。");
      return undefined;
    }
    const req = parsed.Req as Record<string, unknown> | undefined;
    if (!req || typeof req !== "object") {
      sendError(reply, 400, "od00001", "リクエストのXMLが不正です。");
      return undefined;
    }
    if (req.SellerId !== sellerId) {
      sendError(reply, 400, "od00002", "SellerIdが不正です。");
      return undefined;
    }
    return req;
  }

  app.post(`${apiPath}/orderList`, async (request, reply) => {
    const req = readReq(request, reply);
    if (!req) return reply;
    const search = (req.Search ?? {}) as Record<string, unknown>;
    const field = String(search.Field ?? "");
    if (!field) return sendError(reply, 400, "od00003", "Fieldは必須です。");
    const result = Number(search.Result ?? 10);
    const start = Number(search.Start ?? 1);
    if (!Number.isInteger(result) || result < 1 || result > limits.maxResult) {
      return sendError(reply, 400, "od00004", `Resultは1〜${limits.maxResult}で指定してください。`);
    }
    if (!Number.isInteger(start) || start < 1) {
      return sendError(reply, 400, "od00004", "Startは1以上で指定してください。");
    }
    const condition = (search.Condition ?? {}) as Record<string, unknown>;
    const from = condition.OrderTimeFrom ? fromWireTime(String(condition.OrderTimeFrom)) : null;
    const to = condition.OrderTimeTo ? fromWireTime(String(condition.OrderTimeTo)) : null;
    if (from === undefined || to === undefined) {
      return sendError(
        reply,
        400,
        "od00005",
        "OrderTimeFrom/OrderTimeToはYYYYMMDDHHMMSSで指定してください。",
      );
    }
    const statuses = condition.OrderStatus ? String(condition.OrderStatus).split(",").map(Number) : null;
    const descending = String(search.Sort ?? "+order_time") === "-order_time";
    const matching = [...state.orders.values()]
      .filter((order) => order.FraudHoldStatus !== 1) // 審査中 orders are not listed
      .filter((order) => {
        const time = Date.parse(order.OrderTime);
        return (from === null || time >= from) && (to === null || time <= to);
      })
      .filter((order) => !statuses || statuses.includes(order.OrderStatus))
      .sort(
        (a, b) => Date.parse(a.OrderTime) - Date.parse(b.OrderTime) || a.OrderId.localeCompare(b.OrderId),
      );
    if (descending) matching.reverse();
    const fields = field.split(",").map((f) => f.trim());
    const page = matching.slice(start - 1, start - 1 + result);
    return sendXml(reply, {
      Result: {
        Status: "OK",
        Search: {
          TotalCount: matching.length,
          OrderInfo: page.map((order, index) => ({
            Index: start + index,
            ...Object.fromEntries(fields.map((name) => [name, flatField(order, name)])),
          })),
        },
      },
    });
  });

  app.post(`${apiPath}/orderInfo`, async (request, reply) => {
    const req = readReq(request, reply);
    if (!req) return reply;
    const target = (req.Target ?? {}) as Record<string, unknown>;
    if (!target.Field) return sendError(reply, 400, "od00003", "Fieldは必須です。");
    const order = state.orders.get(String(target.OrderId ?? ""));
    if (!order) return sendError(reply, 400, "od20001", `注文ID ${String(target.OrderId)} は存在しません。`);
    return sendXml(reply, {
      ResultSet: {
        "@_totalResultsAvailable": 1,
        "@_totalResultsReturned": 1,
        "@_firstResultPosition": 1,
        Result: { Status: "OK", OrderInfo: order },
      },
    });
  });

  app.post(`${apiPath}/orderStatusChange`, async (request, reply) => {
    const req = readReq(request, reply);
    if (!req) return reply;
    const target = (req.Target ?? {}) as Record<string, unknown>;
    const change = ((req.Order ?? {}) as Record<string, unknown>).OrderStatus;
    const order = state.orders.get(String(target.OrderId ?? ""));
    if (!order) return sendError(reply, 400, "od20001", `注文ID ${String(target.OrderId)} は存在しません。`);
    const status = Number(change);
    if (![2, 3, 4, 5].includes(status)) {
      return sendError(reply, 400, "od20010", "OrderStatusの値が不正です。");
    }
    const isPointFix = String(target.IsPointFix) === "true";
    if (status === 5 && !isPointFix) {
      return sendError(reply, 400, "od20011", "完了に変更する場合はIsPointFixにtrueを指定してください。");
    }
    if (order.OrderStatus === 4) {
      return sendError(reply, 400, "od20012", "キャンセル済みの注文のステータスは変更できません。");
    }
    order.OrderStatus = status;
    state.touch(order);
    state.statusChanges.push({ orderId: order.OrderId, status, isPointFix });
    return sendXml(reply, { ResultSet: { Result: { Status: "OK" } } });
  });

  app.post(`${apiPath}/orderShipStatusChange`, async (request, reply) => {
    const req = readReq(request, reply);
    if (!req) return reply;
    const target = (req.Target ?? {}) as Record<string, unknown>;
    const ship = (((req.Order ?? {}) as Record<string, unknown>).Ship ?? {}) as Record<string, unknown>;
    const order = state.orders.get(String(target.OrderId ?? ""));
    if (!order) return sendError(reply, 400, "od20001", `注文ID ${String(target.OrderId)} は存在しません。`);
    if (order.OrderStatus === 4) {
      return sendError(reply, 400, "od90166", "キャンセル済みの注文の出荷ステータスは変更できません。");
    }
    const problem = shipProblem(ship);
    if (problem) return sendError(reply, 400, problem.code, problem.message);
    const update: Record<string, string> = {};
    for (const [name, value] of Object.entries(ship)) {
      if (typeof value === "string" || typeof value === "number") update[name] = String(value);
    }
    Object.assign(order.Ship, update);
    state.touch(order);
    state.shipUpdates.push({ orderId: order.OrderId, ship: update, receivedAt: state.now() });
    return sendXml(reply, { ResultSet: { Result: { Status: "OK" } } });
  });

  app.post(`${apiPath}/setStock`, async (request, reply) => {
    const form = new URLSearchParams(String(request.body ?? ""));
    if (form.get("seller_id") !== sellerId) return sendError(reply, 400, "st-02100", "seller_idが不正です。");
    const codes = (form.get("item_code") ?? "").split(",").filter(Boolean);
    const quantities = (form.get("quantity") ?? "").split(",");
    const overdrafts = form.get("allow_overdraft")?.split(",");
    if (codes.length === 0) return sendError(reply, 400, "st-02101", "item_codeを指定してください。");
    if (codes.length > limits.maxStockItems) {
      return sendError(
        reply,
        400,
        "st-02102",
        `item_codeは${limits.maxStockItems}件以内で指定してください。`,
      );
    }
    if (new Set(codes).size !== codes.length) {
      return sendError(reply, 400, "st-02103", "item_codeが重複しています。");
    }
    if (quantities.length !== codes.length || (overdrafts && overdrafts.length !== codes.length)) {
      return sendError(reply, 400, "st-02105", "item_codeとquantityの件数が一致しません。");
    }
    let failed = 0;
    const results = codes.map((code, index) => {
      const [itemCode = "", subCode = ""] = code.split(":");
      const quantity = quantities[index] ?? "";
      const base = { ItemCode: itemCode, SubCode: subCode, Quantity: quantity };
      if (!/^\d{1,6}$/.test(quantity) || Number(quantity) > 999_999) {
        failed += 1;
        return { ...base, ErrorCode: "st-02104", ErrorMessage: "quantityが不正です。" };
      }
      if (!state.catalog.has(stockKey(itemCode, subCode))) {
        failed += 1;
        return { ...base, ErrorCode: "st-02201", ErrorMessage: "商品が存在しません。" };
      }
      state.stock.set(stockKey(itemCode, subCode), {
        quantity: Number(quantity),
        allowOverdraft: overdrafts?.[index] === "1",
        receivedAt: state.now(),
      });
      return base;
    });
    const partial = failed > 0;
    return sendXml(
      reply,
      {
        ResultSet: {
          "@_totalResultsAvailable": results.length,
          "@_totalResultsReturned": results.length,
          "@_firstResultPosition": 1,
          ...(partial ? { Warning: { Code: "ed-10002", Message: "一部の商品の更新に失敗しました。" } } : {}),
          Result: results,
        },
      },
      partial ? 207 : 200,
    );
  });

  // YConnect v2 token endpoint: refresh_token grant, client authenticated by HTTP Basic (appid:secret).
  app.post(tokenPath, async (request, reply) => {
    state.tokenRequestCount += 1;
    reply.header("cache-control", "no-store");
    const oauthError = (status: number, error: string, description: string) =>
      reply.code(status).send({ error, error_description: description });
    const basic = request.headers.authorization?.match(/^Basic (.+)$/)?.[1];
    const [id, secret] = basic ? Buffer.from(basic, "base64").toString("utf8").split(":") : [];
    if (id !== clientId || secret !== clientSecret) {
      return oauthError(401, "invalid_client", "Client authentication failed.");
    }
    const form = new URLSearchParams(String(request.body ?? ""));
    if (form.get("grant_type") !== "refresh_token") {
      return oauthError(400, "unsupported_grant_type", "The grant type is not supported.");
    }
    const refreshToken = form.get("refresh_token") ?? "";
    const record = state.refreshTokens.get(refreshToken);
    if (!record) return oauthError(400, "invalid_grant", "Invalid refresh token.");
    if (record.revoked) return oauthError(400, "invalid_grant", "The refresh token was revoked.");
    if (record.expiresAt <= state.now())
      return oauthError(400, "invalid_grant", "The refresh token expired.");
    const accessToken = `yj-at-${randomBytes(16).toString("hex")}`;
    state.accessTokens.set(accessToken, new Date(state.now().getTime() + accessTtl * 1000));
    // YConnect keeps the refresh token: it lives until its own expiry, whatever the renewals.
    return { access_token: accessToken, token_type: "Bearer", expires_in: accessTtl };
  });

  const url = await listenOnLoopback(app, options.port);

  const orderOf = (orderId: string) => {
    const order = state.orders.get(orderId);
    if (!order) throw new Error(`the Yahoo! simulator has no order ${orderId}`);
    return order;
  };

  return {
    url,
    apiUrl: `${url}${apiPath}`,
    tokenUrl: `${url}${tokenPath}`,
    sellerId,
    publicKey: issuedKey && { pem: issuedKey.publicKeyPem, version: issuedKey.version },
    state,
    close: () => app.close(),
    seedOrders(seed) {
      const orders = Array.isArray(seed)
        ? seed
        : generateOrders({ ...seed, sellerId, firstSerial: state.serial + 1 });
      if (!Array.isArray(seed)) state.serial += orders.length;
      for (const order of orders) state.orders.set(order.OrderId, structuredClone(order));
      return orders;
    },
    cancelByBuyer(orderId) {
      const order = orderOf(orderId);
      const age = state.now().getTime() - Date.parse(order.OrderTime);
      if (age > limits.buyerCancelMinutes * 60_000) {
        throw new Error(`order ${orderId} is past the buyer's ${limits.buyerCancelMinutes}-minute window`);
      }
      order.OrderStatus = 4;
      order.CancelReason = "100";
      state.touch(order);
    },
    expirePayment(orderId) {
      const order = orderOf(orderId);
      order.OrderStatus = 4;
      order.CancelReason = "200";
      state.touch(order);
    },
    injectFaults: (fault, count, path) => state.faults.add(fault, count, path),
    issueTokens() {
      const now = state.now().getTime();
      const tokens = {
        accessToken: `yj-at-${randomBytes(16).toString("hex")}`,
        refreshToken: `yj-rt-${randomBytes(16).toString("hex")}`,
        expiresIn: accessTtl,
        expiresAt: new Date(now + accessTtl * 1000),
        clientId,
        clientSecret,
      };
      state.accessTokens.set(tokens.accessToken, tokens.expiresAt);
      state.refreshTokens.set(tokens.refreshToken, {
        expiresAt: new Date(now + refreshTtl * 1000),
        revoked: false,
      });
      return tokens;
    },
    revokeRefreshTokens() {
      for (const record of state.refreshTokens.values()) record.revoked = true;
    },
    stockOf: (itemCode, subCode) => state.stock.get(stockKey(itemCode, subCode)),
  };
}

/** orderList's flat fields: top-level ones and those of the Pay / Ship / Detail groups. */
function flatField(order: YahooOrder, name: string): string | number {
  const top = (order as unknown as Record<string, unknown>)[name];
  if (typeof top === "string" || typeof top === "number") return top;
  for (const group of [order.Pay, order.Ship, order.Detail]) {
    const value = group[name];
    if (value !== undefined) return value;
  }
  return "";
}

/** `YYYYMMDDHHMMSS` in Japan time → epoch ms; undefined when malformed. */
function fromWireTime(value: string): number | undefined {
  const m = value.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/);
  if (!m) return undefined;
  return Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+09:00`);
}

const emptyReasons = new Set(["101", "102", "103", "104", "105"]);

/** orderShipStatusChange's rules (the official changelog), in its error shape. */
function shipProblem(ship: Record<string, unknown>): { code: string; message: string } | undefined {
  const text = (name: string) => (ship[name] === undefined ? "" : String(ship[name]));
  if (!["0", "1", "2", "3", "4"].includes(text("ShipStatus"))) {
    return { code: "od90101", message: "ShipStatusの値が不正です。" };
  }
  if (text("ShipDate") && !/^\d{8}$/.test(text("ShipDate"))) {
    return { code: "od90102", message: "ShipDateはYYYYMMDDで指定してください。" };
  }
  const invoice = text("ShipInvoiceNumber1");
  const emptyReason = text("ShipInvoiceNumberEmptyReason");
  if (invoice && emptyReason) {
    return {
      code: "od90175",
      message: "ShipInvoiceNumberとShipInvoiceNumberEmptyReasonは同時に指定できません。",
    };
  }
  if (emptyReason && !emptyReasons.has(emptyReason)) {
    return { code: "od90176", message: "ShipInvoiceNumberEmptyReasonの値が不正です。" };
  }
  if (text("ShipCompanyCode") === "1001" && invoice && !/^[0-9-]{1,14}$/.test(invoice)) {
    return {
      code: "od90170",
      message: "ヤマト運輸の伝票番号は半角数字とハイフン14バイト以内で指定してください。",
    };
  }
  if (invoice.length > 30) return { code: "od90171", message: "伝票番号が長すぎます。" };
  return undefined;
}

async function answerFault(
  fault: KitFault | HangFault,
  request: FastifyRequest,
  reply: FastifyReply,
  sendError: (reply: FastifyReply, status: number, code: string, message: string) => FastifyReply,
): Promise<FastifyReply> {
  if (fault.kind === "rate_limit") {
    reply.header("retry-after", String(fault.retryAfterSeconds));
    return sendError(
      reply,
      429,
      "ed-00429",
      "リクエスト数が上限を超えました。時間をおいて再度お試しください。",
    );
  }
  if (fault.kind === "hang") {
    await hang(request, fault.ms);
    return sendError(reply, 504, "ed-00504", "処理がタイムアウトしました。");
  }
  return sendError(reply, fault.status, "ed-00500", fault.message ?? "システムエラーが発生しました。");
}
