// SHOPLIST simulator. SHOPLIST publishes nothing of its API (channel-apis.md §4.6: an 認証キー from the sales
// rep, orders of the past 3 days, stock push, no shipment notice): this API is ENTIRELY OUR DESIGN, described
// in README.md and mirrored by src/channels/shoplist/map.ts.
import { isBatch, isPage } from "../kit/checks.ts";
import {
  formOf,
  jsonOf,
  type KitServer,
  type SimulatorOptions,
  send,
  startKitServer,
  type WireAnswer,
  withRetryAfter,
} from "../kit/server.ts";
import { jstIso, jstParts, KitState, type StockRefusals, samplePerson } from "../kit/state.ts";

export interface ShoplistPerson {
  name: string;
  name_kana: string;
  zip: string;
  prefecture: string;
  address: string;
  tel: string;
  email?: string;
}

export interface ShoplistOrder {
  order_id: string;
  ordered_at: string;
  status: string; // 新規 | 発送済 | キャンセル
  payment_method: string;
  buyer: ShoplistPerson;
  shipping_address: ShoplistPerson;
  delivery_method: string;
  delivery_date: string | null;
  delivery_time: string | null;
  items: Array<{
    product_code: string;
    color_size_code: string | null;
    name: string;
    price: number;
    quantity: number;
  }>;
  subtotal: number;
  shipping_fee: number;
  payment_fee: number;
  discount: number;
  point: number;
  total: number;
}

export interface ShoplistOptions extends SimulatorOptions {
  apiKey?: string;
}

export const shoplistLimits = { lookbackDays: 3, maxPageSize: 100, maxStockItemsPerRequest: 100 } as const;

const error = (status: number, code: string, message: string): WireAnswer => ({
  status,
  body: { error: { code, message } },
});
const dayMs = 86_400_000;

const stockRefusals = {
  invalid: ["INVALID_QUANTITY", "在庫数が正しくありません。"],
  not_found: ["PRODUCT_NOT_FOUND", "商品が存在しません。"],
  unlimited: ["STOCK_NOT_MANAGED", "在庫管理しない商品です。"],
} as const satisfies StockRefusals;

/** A line of a stock call, as received. */
interface StockEntry {
  product_code?: string;
  color_size_code?: string | null;
  quantity?: unknown;
}

export interface ShoplistSimulator extends KitServer {
  apiKey: string;
  state: KitState<ShoplistOrder>;
  seedOrder(lines: Array<{ itemCode: string; option?: string; qty: number }>, ageMs?: number): ShoplistOrder;
  cancelOrder(orderId: string): void;
}

export async function startShoplist(options: ShoplistOptions = {}): Promise<ShoplistSimulator> {
  const apiKey = options.apiKey ?? "shoplist-auth-key";
  const state = new KitState<ShoplistOrder>(options.now, "SHOPLIST");
  let serial = 0;

  const kit = await startKitServer(
    {
      port: options.port,
      requestsPerSecond: options.requestsPerSecond ?? 2,
      authenticate: (request) =>
        request.headers["x-api-key"] === apiKey
          ? undefined
          : error(401, "UNAUTHORIZED", "認証キーが正しくありません。"),
      rateLimited: (seconds) =>
        withRetryAfter(error(429, "TOO_MANY_REQUESTS", "リクエストが多すぎます。"), seconds),
      fault: (status, message) => error(status, "SERVER_ERROR", message),
    },
    (app) => {
      app.get("/v1/orders", async (request, reply) => {
        const q = formOf(request);
        const from = Date.parse(q.ordered_from ?? "");
        const to = Date.parse(q.ordered_to ?? "");
        const page = Number(q.page ?? 1);
        const perPage = Number(q.per_page ?? 50);
        if (Number.isNaN(from) || Number.isNaN(to) || from >= to) {
          return send(
            reply,
            error(400, "INVALID_PARAMETER", "ordered_from / ordered_to を指定してください。"),
          );
        }
        if (from < state.now().getTime() - shoplistLimits.lookbackDays * dayMs) {
          return send(reply, error(400, "PERIOD_OUT_OF_RANGE", "取得できる注文は過去3日以内です。"));
        }
        if (!isPage(page, perPage, shoplistLimits.maxPageSize)) {
          return send(reply, error(400, "INVALID_PARAMETER", "page / per_page が正しくありません。"));
        }
        const matching = state.ordersBetween(from, to, (o) => o.ordered_at);
        return {
          orders: matching.slice((page - 1) * perPage, page * perPage),
          total: matching.length,
          page,
          per_page: perPage,
        };
      });

      app.put("/v1/stocks", async (request, reply) => {
        const stocks = (jsonOf(request) as { stocks?: unknown })?.stocks;
        if (!isBatch<StockEntry>(stocks, shoplistLimits.maxStockItemsPerRequest)) {
          return send(
            reply,
            error(400, "INVALID_PARAMETER", `stocks は1〜${shoplistLimits.maxStockItemsPerRequest}件です。`),
          );
        }
        return {
          results: stocks.map((s) => {
            const key = { product_code: s.product_code ?? "", color_size_code: s.color_size_code ?? null };
            const outcome = state.setStock(key.product_code, key.color_size_code ?? "", s.quantity);
            if (outcome === "updated") return { ...key, status: "updated" };
            const [code, message] = stockRefusals[outcome];
            return { ...key, status: "error", error: { code, message } };
          }),
        };
      });
    },
  );

  return {
    ...kit,
    url: `${kit.url}/v1`,
    apiKey,
    state,
    seedOrder(lines, ageMs = 60_000) {
      serial += 1;
      const at = new Date(state.now().getTime() - ageMs);
      const person = samplePerson(serial);
      const who: ShoplistPerson = {
        name: `${person.familyName} ${person.givenName}`,
        name_kana: `${person.familyKana} ${person.givenKana}`,
        zip: person.zip,
        prefecture: person.prefecture,
        address: `${person.city}${person.street}`,
        tel: person.tel,
      };
      const items = lines.map((line) => {
        const item = state.lineOf(line.itemCode, line.option);
        return {
          product_code: line.itemCode,
          color_size_code: line.option ?? null,
          name: item.name,
          price: item.price,
          quantity: line.qty,
        };
      });
      const subtotal = items.reduce((sum, i) => sum + i.price * i.quantity, 0);
      const order: ShoplistOrder = {
        order_id: `SL${jstParts(at).compact.slice(0, 8)}${String(serial).padStart(5, "0")}`,
        ordered_at: jstIso(at),
        status: "新規",
        payment_method: "クレジットカード決済",
        buyer: { ...who, email: person.email },
        shipping_address: who,
        delivery_method: "宅配便",
        delivery_date: null,
        delivery_time: null,
        items,
        subtotal,
        shipping_fee: 0,
        payment_fee: 0,
        discount: 0,
        point: 0,
        total: subtotal,
      };
      state.orders.set(order.order_id, order);
      return order;
    },
    cancelOrder(orderId) {
      state.order(orderId).status = "キャンセル";
    },
  };
}
