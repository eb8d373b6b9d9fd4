// ecforce Admin API v2 simulator: a loopback server of the endpoints Kura uses (README.md) — orders (JSON:API,
// ransack filters, page/per), shipping results with optional sales processing, order status, stock by
// location code — behind a token that dies the moment it is rotated. Test infrastructure only.
import { randomBytes } from "node:crypto";
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
  type CatalogVariant,
  defaultCarriers,
  defaultCatalog,
  type EcforceOrder,
  type GenerateOptions,
  generateOrders,
  toWireTime,
} from "./generate.ts";

export const basePath = "/api/v2";

export const limits = {
  /** `per` above this is cut to it (Kaminari's max_per_page). */
  maxPer: 100,
  /** Stock items per PUT (ours: the vendor's limit is not published). */
  maxStockItems: 100,
} as const;

export type Fault = KitFault | HangFault;

export interface EcforceSimulatorOptions {
  port?: number;
  token?: string;
  /** Order states the shop has configured (対応状況). */
  states?: string[];
  /** Stock locations the shop has. */
  locationCodes?: string[];
  /** Requests per second per token, then 429 with Retry-After. Default 10. */
  requestsPerSecond?: number;
  now?: () => Date;
}

export interface StockRecord {
  stock: number;
  receivedAt: Date;
}

export interface ShippingResult {
  orderId: number;
  shippingSlip: string;
  shippingCarrierId: number;
  shippedAt: string;
  withSale: boolean;
}

export interface EcforceSimulator {
  /** The API endpoint URL a merchant enters: `${url}/api/v2`. */
  apiUrl: string;
  token: string;
  state: EcforceState;
  close(): Promise<void>;
  seedOrders(options: Omit<GenerateOptions, "firstId"> | EcforceOrder[]): EcforceOrder[];
  /** The shop reissues its API token: the old one stops working at once. Returns the new one. */
  rotateToken(): string;
  /** Changes an order in the ecforce admin (moves updated_at). */
  updateOrder(number: string, change: Partial<EcforceOrder>): void;
  stockOf(sku: string, locationCode?: string): StockRecord | undefined;
  injectFaults(fault: Fault, count?: number, path?: string): void;
}

export class EcforceState {
  readonly orders = new Map<number, EcforceOrder>();
  readonly variants = new Map<string, CatalogVariant>();
  readonly stock = new Map<string, StockRecord>();
  readonly shippingResults: ShippingResult[] = [];
  readonly stateChanges: { orderId: number; state: string }[] = [];
  readonly faults = new FaultQueue<Fault>();
  /** Requests admitted in the last second, for the rate limit. */
  readonly rate = new RateWindow();
  requestCount = 0;
  nextId = 1;

  constructor(
    public token: string,
    readonly now: () => Date,
  ) {
    for (const variant of defaultCatalog) this.variants.set(variant.sku, variant);
  }

  touch(order: EcforceOrder): void {
    order.updated_at = toWireTime(this.now());
  }

  byNumber(number: string): EcforceOrder | undefined {
    for (const order of this.orders.values()) if (order.number === number) return order;
    return undefined;
  }
}

const stockKey = (sku: string, location: string) => `${sku}\u0000${location}`;
const errorBody = (code: string, message: string) => ({ errors: [{ code, message }] });

export async function startEcforceSimulator(
  options: EcforceSimulatorOptions = {},
): Promise<EcforceSimulator> {
  const state = new EcforceState(options.token ?? "ecf-token-1", options.now ?? (() => new Date()));
  const states = options.states ?? ["new", "wmswait", "shipped", "complete", "canceled"];
  const locations = options.locationCodes ?? ["WH-TOKYO"];
  const requestsPerSecond = options.requestsPerSecond ?? 10;
  const app = Fastify({ logger: false, forceCloseConnections: true });

  app.addHook("onRequest", async (request, reply) => {
    state.requestCount += 1;
    const fault = state.faults.next(request.url);
    if (fault) return answerFault(fault, request, reply);
    // Rails token auth: `Token token="…"`, the quotes are required.
    const token = request.headers.authorization?.match(/^Token token="([^"]+)"$/)?.[1];
    if (token !== state.token) return reply.code(401).send(errorBody("ASS1001", "認証に失敗しました。"));
    if (state.rate.admit(requestsPerSecond) !== undefined) {
      return reply
        .code(429)
        .header("retry-after", "1")
        .send(errorBody("ASS4290", "リクエストが多すぎます。"));
    }
  });

  app.get(`${basePath}/admin/orders.json`, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const filters: Array<[keyof EcforceOrder, "gteq" | "lt" | "eq", string]> = [];
    for (const [key, value] of Object.entries(query)) {
      const m = key.match(
        /^q\[(updated_at|scheduled_to_be_shipped_at|created_at|number|state)_(gteq|lt|eq)\]$/,
      );
      if (!m || value === undefined) continue;
      const field = m[1] as keyof EcforceOrder;
      if (field !== "number" && field !== "state" && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) {
        return reply
          .code(400)
          .send(errorBody("AOR1001", `${key} は YYYY-MM-DD HH:MM:SS で指定してください。`));
      }
      filters.push([field, m[2] as "gteq" | "lt" | "eq", value]);
    }
    const page = Math.max(1, Number(query.page ?? 1) || 1);
    const per = Math.min(limits.maxPer, Math.max(1, Number(query.per ?? 20) || 20));
    const matching = [...state.orders.values()]
      .filter((order) =>
        filters.every(([field, predicate, value]) => matches(order[field], predicate, value)),
      )
      .sort((a, b) =>
        query.sort === "updated_at"
          ? comparable(a.updated_at).localeCompare(comparable(b.updated_at)) || a.id - b.id
          : a.id - b.id,
      );
    const totalPages = Math.max(1, Math.ceil(matching.length / per));
    const slice = matching.slice((page - 1) * per, page * per);
    const include = new Set((query.include ?? "").split(",").filter(Boolean));
    const self = `${basePath}/admin/orders.json?page=${page}&per=${per}`;
    return {
      data: slice.map(orderResource),
      included: slice.flatMap((order) => includedOf(order, include)),
      meta: { total_count: matching.length, page, per, count: slice.length, total_pages: totalPages },
      links: {
        self,
        first: `${basePath}/admin/orders.json?page=1&per=${per}`,
        prev: page > 1 ? `${basePath}/admin/orders.json?page=${page - 1}&per=${per}` : null,
        next: page < totalPages ? `${basePath}/admin/orders.json?page=${page + 1}&per=${per}` : null,
        last: `${basePath}/admin/orders.json?page=${totalPages}&per=${per}`,
      },
    };
  });

  app.put(`${basePath}/admin/orders/shipping.json`, async (request, reply) => {
    const body = request.body as { orders?: unknown; with_sale?: unknown } | undefined;
    if (!body || !Array.isArray(body.orders) || body.orders.length === 0) {
      return reply.code(400).send(errorBody("AOR1002", "orders を指定してください。"));
    }
    const withSale = body.with_sale === 1 || body.with_sale === "1" || body.with_sale === true;
    const success: number[] = [];
    const failure: number[] = [];
    const errors: unknown[] = [];
    for (const line of body.orders as Array<Record<string, unknown>>) {
      const id = Number(line.id);
      const order = state.orders.get(id);
      const fail = (code: string, message: string) => {
        failure.push(id);
        errors.push({ id, code, message, errors: [{ code, message }] });
      };
      if (!order) {
        fail("AOR2001", `受注ID ${String(line.id)} は存在しません。`);
        continue;
      }
      if (order.state === "canceled") {
        fail("AOR2002", `受注番号 ${order.number} はキャンセル済みのため出荷実績を登録できません。`);
        continue;
      }
      const carrierId = Number(line.shipping_carrier_id);
      if (!defaultCarriers.some((c) => c.id === carrierId)) {
        fail("AOR2003", "配送業者が存在しません。");
        continue;
      }
      const slip = typeof line.shipping_slip === "string" ? line.shipping_slip : "";
      const shippedAt = typeof line.shipped_at === "string" ? line.shipped_at : "";
      if (!slip || !/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(shippedAt)) {
        fail("AOR2004", "shipping_slip と shipped_at (YYYY-MM-DD HH:MM:SS) を指定してください。");
        continue;
      }
      order.shipping_slip = slip;
      order.shipping_carrier_id = carrierId;
      order.shipping_carrier_name = defaultCarriers.find((c) => c.id === carrierId)?.name ?? null;
      const [day = "", time = "00:00:00"] = shippedAt.split(" ");
      order.shipped_at = `${day.replaceAll("-", "/")} ${time}`;
      if (withSale) order.payment_state = "captured";
      state.touch(order);
      state.shippingResults.push({
        orderId: id,
        shippingSlip: slip,
        shippingCarrierId: carrierId,
        shippedAt,
        withSale,
      });
      success.push(id);
    }
    return { success, failure, errors };
  });

  app.put(`${basePath}/admin/orders/:id.json`, async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    const order = state.orders.get(id);
    if (!order) return reply.code(404).send(errorBody("AOR2001", `受注ID ${id} は存在しません。`));
    const change = (request.body as { order?: { state?: unknown } } | undefined)?.order;
    const next = typeof change?.state === "string" ? change.state : undefined;
    if (next !== undefined) {
      if (!states.includes(next)) {
        return reply.code(422).send(errorBody("AOR3001", `対応状況 ${next} は存在しません。`));
      }
      order.state = next;
      state.stateChanges.push({ orderId: id, state: next });
      state.touch(order);
    }
    return { data: orderResource(order) };
  });

  app.get(`${basePath}/admin/shipping_carriers.json`, async () => ({
    data: defaultCarriers.map((c) => ({
      id: String(c.id),
      type: "shipping_carrier",
      attributes: { name: c.name, state: "active" },
    })),
  }));

  app.put(`${basePath}/admin/stock_items.json`, async (request, reply) => {
    const items = (request.body as { stock_items?: unknown } | undefined)?.stock_items;
    if (!Array.isArray(items) || items.length === 0) {
      return reply.code(400).send(errorBody("AST1000", "stock_items を指定してください。"));
    }
    if (items.length > limits.maxStockItems) {
      return reply
        .code(400)
        .send(errorBody("AST1004", `stock_items は${limits.maxStockItems}件以内で指定してください。`));
    }
    const success: string[] = [];
    const failure: string[] = [];
    const errors: unknown[] = [];
    for (const item of items as Array<Record<string, unknown>>) {
      const sku = String(item.variant_sku ?? "");
      const location = String(item.stock_location_code ?? "");
      const fail = (code: string, message: string) => {
        failure.push(sku);
        errors.push({ id: sku, code, message });
      };
      const variant = state.variants.get(sku);
      if (!variant) fail("AST1001", `SKU ${sku} は存在しません。`);
      else if (!locations.includes(location))
        fail("AST1002", `在庫ロケーション ${location} は存在しません。`);
      else if (variant.unlimited) fail("AST1003", `SKU ${sku} は在庫無制限のため在庫数を更新できません。`);
      else if (!Number.isInteger(item.stock) || (item.stock as number) < 0)
        fail("AST1005", "stock が不正です。");
      else {
        state.stock.set(stockKey(sku, location), { stock: item.stock as number, receivedAt: state.now() });
        success.push(sku);
      }
    }
    return { success, failure, errors };
  });

  const url = await listenOnLoopback(app, options.port);

  return {
    apiUrl: `${url}${basePath}`,
    get token() {
      return state.token;
    },
    state,
    close: () => app.close(),
    seedOrders(seed) {
      const orders = Array.isArray(seed) ? seed : generateOrders({ ...seed, firstId: state.nextId });
      for (const order of orders) {
        state.orders.set(order.id, structuredClone(order));
        state.nextId = Math.max(state.nextId, order.id + 1);
      }
      return orders;
    },
    rotateToken() {
      state.token = `ecf-${randomBytes(12).toString("hex")}`;
      return state.token;
    },
    updateOrder(number, change) {
      const order = state.byNumber(number);
      if (!order) throw new Error(`the ecforce simulator has no order ${number}`);
      Object.assign(order, change);
      state.touch(order);
    },
    stockOf: (sku, locationCode = locations[0] ?? "") => state.stock.get(stockKey(sku, locationCode)),
    injectFaults: (fault, count, path) => state.faults.add(fault, count, path),
  };
}

/** `2006/01/02 15:04:05` and `2006-01-02 15:04:05` compare alike. */
const comparable = (value: string) => value.replaceAll("/", "-");

function matches(value: unknown, predicate: "gteq" | "lt" | "eq", wanted: string): boolean {
  if (value === null || value === undefined) return false;
  const have = comparable(String(value));
  if (predicate === "eq") return have === wanted;
  return predicate === "gteq" ? have >= wanted : have < wanted;
}

const attributeNames = [
  "number",
  "state",
  "payment_state",
  "payment_method_name",
  "email",
  "subtotal",
  "discount",
  "point",
  "deliv_fee",
  "charge",
  "tax",
  "total",
  "shipping_carrier_id",
  "shipping_carrier_name",
  "shipping_slip",
  "scheduled_to_be_shipped_at",
  "scheduled_to_be_delivered_at",
  "scheduled_delivery_time",
  "shipped_at",
  "created_at",
  "updated_at",
] as const;

function orderResource(order: EcforceOrder) {
  return {
    id: String(order.id),
    type: "order",
    attributes: {
      ...Object.fromEntries(attributeNames.map((name) => [name, order[name]])),
      payment_total: order.total,
    },
    relationships: {
      billing_address: { data: { id: `${order.id}-b`, type: "address" } },
      shipping_address: { data: { id: `${order.id}-s`, type: "address" } },
      order_items: {
        data: order.order_items.map((_, i) => ({ id: `${order.id}-${i + 1}`, type: "order_item" })),
      },
    },
  };
}

function includedOf(order: EcforceOrder, include: Set<string>) {
  const resources: unknown[] = [];
  if (include.has("billing_address")) {
    resources.push({ id: `${order.id}-b`, type: "address", attributes: order.billing_address });
  }
  if (include.has("shipping_address")) {
    resources.push({ id: `${order.id}-s`, type: "address", attributes: order.shipping_address });
  }
  if (include.has("order_items")) {
    order.order_items.forEach((item, i) => {
      resources.push({ id: `${order.id}-${i + 1}`, type: "order_item", attributes: item });
    });
  }
  return resources;
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
      .send(errorBody("ASS4290", "リクエストが多すぎます。"));
  }
  if (fault.kind === "hang") {
    await hang(request, fault.ms);
    return reply.code(504).send(errorBody("AOR9999", "タイムアウトしました。"));
  }
  return reply
    .code(fault.status)
    .send(errorBody("AOR9999", fault.message ?? "システムエラーが発生しました。"));
}
