// Shopserve (Eストアー) manager API simulator. The public record (channel-apis.md §4.4) gives only the base,
// Basic auth, the order search endpoint with its `since` body and matrix blocks, and `serial_code`; the rest
// is OUR DESIGN, listed in README.md and kept identical to src/channels/shopserve/map.ts.
import { isBatch } from "../kit/checks.ts";
import {
  jsonOf,
  type KitServer,
  type SimulatorOptions,
  send,
  startKitServer,
  type WireAnswer,
  withRetryAfter,
} from "../kit/server.ts";
import { jstIso, KitState, type StockRefusals, samplePerson } from "../kit/state.ts";

export interface ShopservePerson {
  name: string;
  name_kana: string;
  zip: string;
  address: string;
  tel: string;
  email?: string;
}

export interface ShopserveOrder {
  serial_code: string;
  order_code: string;
  ordered_at: string;
  updated_at: string;
  order_status: string; // 新規受付 | 処理中 | 完了 | キャンセル
  shipping_status: string; // 未発送 | 発送済
  payment_method_name: string;
  payment_status: string; // 未入金 | 入金済
  customer: ShopservePerson;
  amounts: {
    items_total: number;
    shipping_fee: number;
    payment_fee: number;
    discount: number;
    point: number;
    total: number;
  };
  delivery?: ShopservePerson & {
    method_name: string;
    preferred_date: string | null;
    preferred_time: string | null;
  };
  items?: Array<{
    item_code: string;
    option_code: string | null;
    item_name: string;
    unit_price: number;
    quantity: number;
    tax_rate: number;
  }>;
  shipping?: { shipped_date: string; delivery_company_code: string; slip_number: string };
}

export interface ShopserveOptions extends SimulatorOptions {
  shopId?: string;
  managerKey?: string;
}

export const shopserveLimits = { maxPageSize: 100, maxWindowDays: 31, maxStockItemsPerRequest: 100 } as const;

const error = (status: number, code: string, message: string): WireAnswer => ({
  status,
  body: { error: { code, message } },
});
const dayMs = 86_400_000;

const stockRefusals = {
  invalid: ["E400", "在庫数が正しくありません。"],
  not_found: ["E404", "商品が存在しません。"],
  unlimited: ["E422", "在庫管理をしない商品です。"],
} as const satisfies StockRefusals;

/** A line of a stock call, as received. */
interface StockEntry {
  item_code?: string;
  option_code?: string | null;
  quantity?: unknown;
}

export interface ShopserveSimulator extends KitServer {
  shopId: string;
  managerKey: string;
  state: KitState<ShopserveOrder>;
  seedOrder(lines: Array<{ itemCode: string; option?: string; qty: number }>, ageMs?: number): ShopserveOrder;
  cancelOrder(serialCode: string): void;
}

export async function startShopserve(options: ShopserveOptions = {}): Promise<ShopserveSimulator> {
  const shopId = options.shopId ?? "kura-store";
  const managerKey = options.managerKey ?? "shopserve-manager-key";
  const state = new KitState<ShopserveOrder>(options.now, "Shopserve");
  const expected = `Basic ${Buffer.from(`${shopId}:${managerKey}`).toString("base64")}`;
  let serial = 0;
  const touch = (order: ShopserveOrder) => {
    order.updated_at = jstIso(state.now());
  };

  const kit = await startKitServer(
    {
      port: options.port,
      requestsPerSecond: options.requestsPerSecond ?? 2,
      authenticate: (request) =>
        request.headers.authorization === expected ? undefined : error(401, "E401", "認証に失敗しました。"),
      rateLimited: (seconds) =>
        withRetryAfter(error(429, "E429", "リクエスト数の上限を超えました。"), seconds),
      fault: (status, message) => error(status, "E500", message),
    },
    (app) => {
      // Matrix parameters name the extra blocks: /v2/orders/_retrieve/basic;delivery;items
      app.post("/v2/orders/_retrieve/*", async (request, reply) => {
        const blocks = String((request.params as { "*": string })["*"]).split(";");
        const body = jsonOf(request) as
          | { since?: string; until?: string; offset?: number; limit?: number }
          | undefined;
        const since = Date.parse(body?.since ?? "");
        const until = Date.parse(body?.until ?? "");
        const limit = body?.limit ?? 50;
        const offset = body?.offset ?? 0;
        if (blocks[0] !== "basic" || Number.isNaN(since) || Number.isNaN(until) || since >= until) {
          return send(reply, error(400, "E400", "since / until を正しく指定してください。"));
        }
        if (until - since > shopserveLimits.maxWindowDays * dayMs) {
          return send(reply, error(400, "E400", `検索期間は${shopserveLimits.maxWindowDays}日以内です。`));
        }
        if (!Number.isInteger(limit) || limit < 1 || limit > shopserveLimits.maxPageSize) {
          return send(reply, error(400, "E400", `limit は1〜${shopserveLimits.maxPageSize}です。`));
        }
        const matching = state.ordersBetween(since, until, (o) => o.updated_at);
        const orders = matching.slice(offset, offset + limit).map((order) => {
          const { delivery, items, shipping: _, ...basic } = order;
          return {
            ...basic,
            ...(blocks.includes("delivery") ? { delivery } : {}),
            ...(blocks.includes("items") ? { items } : {}),
          };
        });
        return { orders, total_count: matching.length };
      });

      app.put("/v2/orders/:serialCode/status", async (request, reply) => {
        const order = state.orders.get((request.params as { serialCode: string }).serialCode);
        if (!order) return send(reply, error(404, "E404", "注文が存在しません。"));
        if (order.order_status === "キャンセル")
          return send(reply, error(409, "E409", "キャンセル済みの注文です。"));
        const body = jsonOf(request) as Record<string, string> | undefined;
        if (
          body?.shipping_status !== "発送済" ||
          !/^\d{4}-\d{2}-\d{2}$/.test(body.shipped_date ?? "") ||
          !body.delivery_company_code ||
          !/^[0-9A-Za-z-]{1,30}$/.test(body.slip_number ?? "")
        ) {
          return send(reply, error(400, "E400", "発送情報が正しくありません。"));
        }
        order.shipping_status = "発送済";
        order.shipping = {
          shipped_date: body.shipped_date as string,
          delivery_company_code: body.delivery_company_code,
          slip_number: body.slip_number as string,
        };
        touch(order);
        state.shipments.push({
          orderCode: order.serial_code,
          carrier: body.delivery_company_code,
          trackingNumber: body.slip_number as string,
          shippedOn: body.shipped_date as string,
        });
        return { serial_code: order.serial_code, shipping_status: order.shipping_status };
      });

      app.put("/v2/items/stocks", async (request, reply) => {
        const stocks = (jsonOf(request) as { stocks?: unknown })?.stocks;
        if (!isBatch<StockEntry>(stocks, shopserveLimits.maxStockItemsPerRequest)) {
          return send(
            reply,
            error(400, "E400", `stocks は1〜${shopserveLimits.maxStockItemsPerRequest}件です。`),
          );
        }
        return {
          results: stocks.map((s) => {
            const key = { item_code: s.item_code ?? "", option_code: s.option_code ?? null };
            const outcome = state.setStock(key.item_code, key.option_code ?? "", s.quantity);
            if (outcome === "updated") return { ...key, result: "ok" };
            const [code, message] = stockRefusals[outcome];
            return { ...key, result: "error", error: { code, message } };
          }),
        };
      });
    },
  );

  return {
    ...kit,
    shopId,
    managerKey,
    state,
    seedOrder(lines, ageMs = 60_000) {
      serial += 1;
      const at = jstIso(new Date(state.now().getTime() - ageMs));
      const person = samplePerson(serial);
      const items = lines.map((line) => {
        const item = state.lineOf(line.itemCode, line.option);
        return {
          item_code: line.itemCode,
          option_code: line.option ?? null,
          item_name: item.name,
          unit_price: item.price,
          quantity: line.qty,
          tax_rate: item.taxRate,
        };
      });
      const itemsTotal = items.reduce((sum, i) => sum + i.unit_price * i.quantity, 0);
      const place = {
        name: `${person.familyName} ${person.givenName}`,
        name_kana: `${person.familyKana} ${person.givenKana}`,
        zip: person.zip,
        address: `${person.prefecture}${person.city}${person.street}`,
        tel: person.tel,
      };
      const order: ShopserveOrder = {
        serial_code: `SS${String(9_000_000 + serial)}`,
        order_code: String(1000 + serial),
        ordered_at: at,
        updated_at: at,
        order_status: "新規受付",
        shipping_status: "未発送",
        payment_method_name: "クレジットカード決済",
        payment_status: "入金済",
        customer: { ...place, email: person.email },
        amounts: {
          items_total: itemsTotal,
          shipping_fee: 660,
          payment_fee: 0,
          discount: 0,
          point: 0,
          total: itemsTotal + 660,
        },
        delivery: { ...place, method_name: "宅配便", preferred_date: null, preferred_time: null },
        items,
      };
      state.orders.set(order.serial_code, order);
      return order;
    },
    cancelOrder(serialCode) {
      const order = state.order(serialCode);
      order.order_status = "キャンセル";
      touch(order);
    },
  };
}
