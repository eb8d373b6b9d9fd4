// A Craft Cart-style cart (simulator, test infrastructure only): a loopback HTTP server that connects to
// Kura as an OAuth2 app, pushes an order when the merchant moves it to the sending status (受注情報送信),
// pulls tracking numbers and stock on intervals, and has a small admin API for tests. Its behaviour and
// admin API are described in README.md next to this file.
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { listenOnLoopback } from "../kit/server.ts";

export interface CraftCartOptions {
  /** Kura's base URL, e.g. http://127.0.0.1:3000. */
  kuraUrl: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Tracking pull interval; the manual says 20 minutes. */
  trackingIntervalMs?: number;
  /** Stock pull interval; the manual says 10 minutes. */
  stockIntervalMs?: number;
}

export const planItemLimits = { light: 100, standard: 3000, premium: 10_000 } as const;
export type Plan = keyof typeof planItemLimits;

export interface CartProduct {
  code: string;
  name: string;
  stock: number;
  /** 在庫無制限: sold without a stock number; never overwritten by the stock pull. */
  unlimited: boolean;
  /** When Kura's stock last overwrote it. */
  stockSyncedAt: string | null;
}

export interface CartOrder {
  code: string;
  status: string;
  payload: Record<string, unknown>;
  /** What Kura answered when the order was sent (or the error). */
  sent: { at: string; status: number; body: unknown } | null;
  trackingNumbers: string[];
  carrier: string | null;
  shippedOn: string | null;
}

export interface StockRun {
  at: string;
  outcome: "updated" | "skipped_shop_closed" | "failed";
  updated: string[];
  /** Items beyond the plan's limit (not linked), in registration order. */
  overCap: string[];
  unlimited: string[];
  notFound: string[];
  error?: string;
}

interface Connection {
  merchantId: number;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  state: string | null;
  accessToken: string | null;
  refreshToken: string | null;
  expiresAt: string | null;
  /** Why the cart stopped talking to Kura (authorization withdrawn); null while connected. */
  error: string | null;
  /** Kura's answer that ended the connection (a refused refresh), repeated to every later call. */
  refusal: { status: number; body: unknown } | null;
}

export class CraftCartState {
  settings = {
    /** The 対応状況 that sends an order to Kura (受注情報送信). */
    sendStatus: "受注情報送信",
    plan: "light" as Plan,
    shopOpen: true,
  };
  connection: Connection | null = null;
  readonly products = new Map<string, CartProduct>();
  readonly orders = new Map<string, CartOrder>();
  trackingCursor: string | undefined = undefined;
  readonly stockRuns: StockRun[] = [];
  readonly calls = { refreshes: 0, trackingPulls: 0, stockPulls: 0, unauthorized: 0 };
}

export interface CraftCart {
  url: string;
  state: CraftCartState;
  close(): Promise<void>;
}

const productInput = z.object({
  code: z.string().min(1),
  name: z.string().default(""),
  stock: z.number().int().min(0).default(0),
  unlimited: z.boolean().default(false),
});

const connectInput = z.object({
  merchantId: z.number().int().positive(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  scope: z.string().optional(),
});

const settingsInput = z.object({
  sendStatus: z.string().min(1).optional(),
  plan: z.enum(["light", "standard", "premium"]).optional(),
  shopOpen: z.boolean().optional(),
});

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

class KuraRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`Kura answered ${status}: ${JSON.stringify(body)}`);
  }
}

export async function startCraftCart(options: CraftCartOptions): Promise<CraftCart> {
  const state = new CraftCartState();
  const app: FastifyInstance = Fastify({ logger: false });
  const kura = options.kuraUrl.replace(/\/$/, "");
  let url = "";

  // ── Talking to Kura ────────────────────────────────────────────────────────────────────────────

  async function tokenCall(form: Record<string, string>) {
    const response = await fetch(`${kura}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
    const body = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new KuraRefused(response.status, body);
    return body as { access_token: string; refresh_token: string; expires_in: number };
  }

  function keep(tokens: { access_token: string; refresh_token: string; expires_in: number }) {
    const c = state.connection;
    if (!c) return;
    c.accessToken = tokens.access_token;
    c.refreshToken = tokens.refresh_token;
    c.expiresAt = new Date(Date.now() + tokens.expires_in * 1000).toISOString();
    c.error = null;
    c.refusal = null;
  }

  let refreshing: Promise<void> | null = null;
  async function refresh(): Promise<void> {
    refreshing ??= (async () => {
      const c = state.connection;
      if (!c?.refreshToken) throw new Error("not connected");
      state.calls.refreshes += 1;
      try {
        keep(
          await tokenCall({
            grant_type: "refresh_token",
            refresh_token: c.refreshToken,
            client_id: c.clientId,
            client_secret: c.clientSecret,
          }),
        );
      } catch (error) {
        c.error = error instanceof Error ? error.message : String(error);
        if (error instanceof KuraRefused) {
          c.accessToken = null;
          c.refusal = { status: error.status, body: error.body };
        }
        throw error;
      }
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  /** A call to the cart API; an expired token is refreshed once and the call made again. */
  async function kuraApi(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const c = state.connection;
    if (c?.refusal) throw new KuraRefused(c.refusal.status, c.refusal.body);
    if (!c?.accessToken) throw new Error(c?.error ?? "the cart is not connected to Kura");
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${kura}/api/v1/merchant/${c.merchantId}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${c.accessToken}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const answer = { status: response.status, body: await response.json() };
      if (response.status !== 401) return answer;
      state.calls.unauthorized += 1;
      if (attempt > 1) {
        c.error = `Kura refused the access token: ${JSON.stringify(answer.body)}`;
        throw new KuraRefused(answer.status, answer.body);
      }
      await refresh();
    }
  }

  // ── What the cart does ─────────────────────────────────────────────────────────────────────────

  async function sendOrder(order: CartOrder) {
    try {
      const answer = await kuraApi("POST", "/sales_orders/new", { sales_order: order.payload });
      order.sent = { at: new Date().toISOString(), ...answer };
    } catch (error) {
      order.sent = {
        at: new Date().toISOString(),
        status: error instanceof KuraRefused ? error.status : 0,
        body: error instanceof KuraRefused ? error.body : String(error),
      };
    }
  }

  let trackingRunning = false;
  async function pullTracking(): Promise<void> {
    if (trackingRunning || !state.connection?.accessToken) return;
    trackingRunning = true;
    try {
      state.calls.trackingPulls += 1;
      for (;;) {
        const query = new URLSearchParams({ limit: "100" });
        if (state.trackingCursor) query.set("cursor", state.trackingCursor);
        const answer = await kuraApi("GET", `/outbound_deliveries?${query}`);
        if (answer.status !== 200) throw new KuraRefused(answer.status, answer.body);
        const page = answer.body as {
          data: Array<{
            order_code: string;
            carrier: string | null;
            shipped_on: string | null;
            delivery_tracking_numbers: string[];
          }>;
          next_cursor: string;
          has_more: boolean;
        };
        for (const delivery of page.data) {
          const order = state.orders.get(delivery.order_code);
          if (!order) continue;
          order.trackingNumbers = delivery.delivery_tracking_numbers;
          order.carrier = delivery.carrier;
          order.shippedOn = delivery.shipped_on;
          order.status = "発送済み";
        }
        state.trackingCursor = page.next_cursor;
        if (!page.has_more) break;
      }
    } finally {
      trackingRunning = false;
    }
  }

  /** The items the plan lets the cart link to stock: not unlimited, first registered first. */
  function linkedItems() {
    const limit = planItemLimits[state.settings.plan];
    const limited = [...state.products.values()].filter((p) => !p.unlimited);
    return { linked: limited.slice(0, limit), overCap: limited.slice(limit) };
  }

  async function fetchStock(codes: string[]): Promise<{
    data: Array<{ article_code: string; option_code: string; free: number }>;
    not_found: string[];
  }> {
    const data: Array<{ article_code: string; option_code: string; free: number }> = [];
    const notFound: string[] = [];
    for (let start = 0; start < codes.length; start += 100) {
      const query = new URLSearchParams();
      for (const code of codes.slice(start, start + 100)) query.append("article_code", code);
      const answer = await kuraApi("GET", `/logical_inventory_summaries?${query}`);
      if (answer.status !== 200) throw new KuraRefused(answer.status, answer.body);
      const page = answer.body as { data: typeof data; not_found: string[] };
      data.push(...page.data.filter((d) => d.option_code === ""));
      notFound.push(...page.not_found);
    }
    return { data, not_found: notFound };
  }

  let stockRunning = false;
  async function pullStock(): Promise<StockRun | null> {
    if (stockRunning || !state.connection?.accessToken) return null;
    stockRunning = true;
    const run: StockRun = {
      at: new Date().toISOString(),
      outcome: "updated",
      updated: [],
      overCap: [],
      unlimited: [...state.products.values()].filter((p) => p.unlimited).map((p) => p.code),
      notFound: [],
    };
    try {
      state.calls.stockPulls += 1;
      if (!state.settings.shopOpen) {
        run.outcome = "skipped_shop_closed";
        return run;
      }
      const { linked, overCap } = linkedItems();
      run.overCap = overCap.map((p) => p.code);
      const answer = await fetchStock(linked.map((p) => p.code));
      for (const item of answer.data) {
        const product = state.products.get(item.article_code);
        if (!product || product.unlimited) continue;
        product.stock = item.free;
        product.stockSyncedAt = run.at;
        run.updated.push(product.code);
      }
      run.notFound = answer.not_found;
      return run;
    } catch (error) {
      run.outcome = "failed";
      run.error = error instanceof Error ? error.message : String(error);
      return run;
    } finally {
      state.stockRuns.push(run);
      stockRunning = false;
    }
  }

  const timers = [
    setInterval(() => void pullTracking().catch(() => {}), options.trackingIntervalMs ?? 20 * 60_000),
    setInterval(() => void pullStock().catch(() => {}), options.stockIntervalMs ?? 10 * 60_000),
  ];

  // ── OAuth2: the merchant connects the cart ─────────────────────────────────────────────────────

  app.post("/admin/connect", async (request) => {
    const input = connectInput.parse(request.body);
    const stateValue = Math.random().toString(36).slice(2);
    state.connection = {
      ...input,
      redirectUri: `${url}/oauth/callback`,
      state: stateValue,
      accessToken: null,
      refreshToken: null,
      expiresAt: null,
      error: null,
      refusal: null,
    };
    const query = new URLSearchParams({
      client_id: input.clientId,
      response_type: "code",
      redirect_uri: `${url}/oauth/callback`,
      state: stateValue,
      ...(input.scope ? { scope: input.scope } : {}),
    });
    return { authorizeUrl: `${kura}/oauth/authorize?${query}` };
  });

  app.get("/oauth/callback", async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const c = state.connection;
    reply.type("text/html; charset=utf-8");
    if (!c || !query.state || query.state !== c.state)
      return reply.status(400).send("<p>state が一致しません</p>");
    if (query.error || !query.code) {
      c.error = query.error ?? "no code";
      return reply.status(400).send(`<p>連携できませんでした: ${c.error}</p>`);
    }
    try {
      keep(
        await tokenCall({
          grant_type: "authorization_code",
          code: query.code,
          redirect_uri: c.redirectUri,
          client_id: c.clientId,
          client_secret: c.clientSecret,
        }),
      );
      c.state = null;
      return reply.send("<p>Kura との連携が完了しました。</p>");
    } catch (error) {
      c.error = error instanceof Error ? error.message : String(error);
      return reply.status(502).send("<p>連携できませんでした。</p>");
    }
  });

  // ── Admin API for tests ────────────────────────────────────────────────────────────────────────

  app.get("/admin/state", async () => ({
    settings: state.settings,
    connected: Boolean(state.connection?.accessToken),
    connectionError: state.connection?.error ?? null,
    products: [...state.products.values()],
    orders: [...state.orders.values()],
    stockRuns: state.stockRuns.slice(-10),
    stockRunCounts: countBy(state.stockRuns.map((r) => r.outcome)),
    calls: state.calls,
  }));

  app.patch("/admin/settings", async (request) => {
    Object.assign(state.settings, settingsInput.parse(request.body));
    return state.settings;
  });

  app.put("/admin/products/:code", async (request) => {
    const input = productInput.parse({
      ...(request.body as object),
      code: (request.params as { code: string }).code,
    });
    const product: CartProduct = {
      ...input,
      stockSyncedAt: state.products.get(input.code)?.stockSyncedAt ?? null,
    };
    state.products.set(input.code, product);
    return product;
  });

  app.post("/admin/orders", async (request, reply) => {
    const payload = z
      .object({ code: z.string().min(1) })
      .passthrough()
      .parse(request.body);
    const order: CartOrder = {
      code: payload.code,
      status: "新規受付",
      payload,
      sent: null,
      trackingNumbers: [],
      carrier: null,
      shippedOn: null,
    };
    state.orders.set(order.code, order);
    return reply.status(201).send(order);
  });

  /** The merchant moves an order to another 対応状況; the sending status pushes it to Kura. */
  app.post("/admin/orders/:code/status", async (request, reply) => {
    const order = state.orders.get((request.params as { code: string }).code);
    if (!order) return reply.status(404).send({ error: "no such order" });
    const { status } = z.object({ status: z.string().min(1) }).parse(request.body);
    order.status = status;
    if (status === state.settings.sendStatus) await sendOrder(order);
    return order;
  });

  /** 在庫を今すぐ取得: one item's stock from Kura now. */
  app.post("/admin/products/:code/fetch-stock", async (request, reply) => {
    const product = state.products.get((request.params as { code: string }).code);
    if (!product) return reply.status(404).send({ error: "no such product" });
    if (product.unlimited) return reply.status(409).send({ error: "the item is sold with unlimited stock" });
    const answer = await fetchStock([product.code]);
    const item = answer.data.find((d) => d.article_code === product.code);
    if (!item) return reply.status(404).send({ error: "Kura does not know this item" });
    product.stock = item.free;
    product.stockSyncedAt = new Date().toISOString();
    return product;
  });

  app.post("/admin/sync/tracking", async () => {
    await pullTracking();
    return { orders: [...state.orders.values()] };
  });

  app.post("/admin/sync/stock", async () => ({ run: await pullStock() }));

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof z.ZodError) return reply.status(400).send({ error: error.issues });
    const status =
      error instanceof KuraRefused ? 502 : ((error as { statusCode?: number }).statusCode ?? 500);
    return reply.status(status).send({ error: error instanceof Error ? error.message : String(error) });
  });

  url = await listenOnLoopback(app, options.port);
  return {
    url,
    state,
    async close() {
      for (const timer of timers) clearInterval(timer);
      await app.close();
    },
  };
}
