// The cart endpoint simulator: a loopback HTTP server standing in for a cart's own stock endpoint (the
// zaikoRobot-style "cart without an API client": the merchant installs a small script on the cart that takes
// stock per product code with a user name and a password). README.md documents the API. Test
// infrastructure only; the product never runs it.
import Fastify from "fastify";
import { z } from "zod";
import { FaultQueue } from "../kit/server.ts";

export interface CartItem {
  code: string;
  stock: number;
  /** Sold with unlimited stock: a number cannot be set. */
  unlimited?: boolean;
  /** Stock kept under a separate inventory-management code (在庫管理コード): not supported by the endpoint. */
  inventoryCode?: string;
}

export type CartFault = { kind: "error"; status: number; message?: string } | { kind: "hang"; ms: number };

export interface CartEndpointOptions {
  port?: number;
  username?: string;
  password?: string;
  /** The path the endpoint answers on. */
  path?: string;
  shopName?: string;
}

export interface StockUpdate {
  code: string;
  stock: number;
  at: Date;
}

export interface CartEndpoint {
  /** The endpoint's full URL, as the merchant enters it in Kura. */
  url: string;
  username: string;
  password: string;
  items: Map<string, CartItem>;
  /** Every stock number applied, oldest first. */
  updates: StockUpdate[];
  /** Requests received, refused ones included. */
  requestCount: number;
  seedItems(items: CartItem[]): void;
  stockOf(code: string): number | undefined;
  /** The cart takes an order itself: its own stock drops (what the buyer's order does on a real cart). */
  sell(code: string, quantity: number): void;
  /** The next `count` requests meet this fault before anything else. */
  injectFaults(fault: CartFault, count?: number): void;
  close(): Promise<void>;
}

export const maxItemsPerRequest = 100;
const maxStock = 999_999;

const updateBody = z.object({
  items: z
    .array(z.object({ code: z.string().min(1), stock: z.unknown() }))
    .min(1)
    .max(maxItemsPerRequest),
});

const errorBody = (code: string, message: string) => ({ error: { code, message } });

export async function startCartEndpoint(options: CartEndpointOptions = {}): Promise<CartEndpoint> {
  const username = options.username ?? "kura";
  const password = options.password ?? "cart-secret";
  const path = options.path ?? "/kura/stock";
  const items = new Map<string, CartItem>();
  const updates: StockUpdate[] = [];
  const faults = new FaultQueue<CartFault>();
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const state = { requestCount: 0 };

  app.addHook("onRequest", async (request, reply) => {
    state.requestCount += 1;
    const fault = faults.next(request.url);
    if (fault?.kind === "error") {
      return reply
        .code(fault.status)
        .send(errorBody("server_error", fault.message ?? "一時的なエラーが発生しました。"));
    }
    if (fault?.kind === "hang") {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return reply.code(504).send(errorBody("timeout", "タイムアウトしました。"));
    }
    const [scheme, encoded] = (request.headers.authorization ?? "").split(" ");
    const [user, ...rest] = Buffer.from(encoded ?? "", "base64")
      .toString("utf8")
      .split(":");
    if (scheme !== "Basic" || user !== username || rest.join(":") !== password) {
      return reply
        .code(401)
        .header("www-authenticate", 'Basic realm="stock"')
        .send(errorBody("unauthorized", "ユーザー名またはパスワードが違います。"));
    }
  });

  app.get(path, async () => ({ shop: options.shopName ?? "テストカート店", items: items.size }));

  app.post(path, async (request, reply) => {
    const body = updateBody.safeParse(request.body);
    if (!body.success) {
      const issue = body.error.issues[0];
      return reply
        .code(400)
        .send(errorBody("invalid_request", `${issue?.path.join(".") || "body"}: ${issue?.message}`));
    }
    const results = body.data.items.map(({ code, stock }) => {
      const item = items.get(code);
      if (!item) return failure(code, "not_found", `商品コード ${code} は登録されていません。`);
      if (item.unlimited) return failure(code, "unlimited", "在庫数無制限の商品です。");
      if (item.inventoryCode) {
        return failure(
          code,
          "inventory_code",
          "在庫管理コードで在庫を管理している商品には対応していません。",
        );
      }
      if (typeof stock !== "number" || !Number.isInteger(stock) || stock < 0 || stock > maxStock) {
        return failure(code, "invalid_stock", `在庫数は0〜${maxStock}の整数で指定してください。`);
      }
      item.stock = stock;
      updates.push({ code, stock, at: new Date() });
      return { code, status: "ok" as const };
    });
    return { results };
  });

  const address = await app.listen({ port: options.port ?? 0, host: "127.0.0.1" });
  return {
    url: `${address}${path}`,
    username,
    password,
    items,
    updates,
    get requestCount() {
      return state.requestCount;
    },
    seedItems(list) {
      for (const item of list) items.set(item.code, { ...item });
    },
    stockOf: (code) => items.get(code)?.stock,
    sell(code, quantity) {
      const item = items.get(code);
      if (item) item.stock = Math.max(0, item.stock - quantity);
    },
    injectFaults: (fault, count) => faults.add(fault, count),
    close: () => app.close(),
  };
}

function failure(code: string, errorCode: string, message: string) {
  return { code, status: "error" as const, error: { code: errorCode, message } };
}
