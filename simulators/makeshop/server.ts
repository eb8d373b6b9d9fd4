// MakeShop simulator (the old "外部システム連携" API): orderinfo `cmd=get` / `cmd=deliver` as channel-apis.md §4.3
// describes it, and a product stock call of our own assumption (its fields are not published). Assumptions
// are listed in README.md and kept identical to src/channels/makeshop/map.ts.
import { isBatch } from "../kit/checks.ts";
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
import { jstParts, KitState, type StockRefusals, samplePerson } from "../kit/state.ts";

export interface MakeShopCommodity {
  name: string;
  orgcode: string;
  brandcode: string;
  optioncode?: string;
  option?: string;
  price: number;
  amount: number;
  consumption_tax_rate: number;
}

export interface MakeShopDelivery {
  delivery_id: string;
  name: string;
  kana: string;
  zip: string;
  area: string;
  city: string;
  address: string;
  tel: string;
  deliverydate: string;
  deliverytime: string;
  carriage: { name: string };
  /** Set by cmd=deliver. */
  status?: string;
  carrier?: string;
  deliverynum?: string;
}

export interface MakeShopOrder {
  ordernum: string;
  date: string; // YYYY-MM-DD HH:MM:SS (JST)
  status: string; // 0 キャンセル, 1 通常, 99 仮注文
  payment_status: string;
  paymethod: { type: string; content: string };
  buyer: {
    name: string;
    kana: string;
    zip: string;
    area: string;
    city: string;
    address: string;
    tel: string;
    email: string;
  };
  deliveries: { delivery: MakeShopDelivery | MakeShopDelivery[] };
  orderdetail: {
    sumprice: number;
    carriage: number;
    bulk: number;
    coupon: number;
    usepoint: Array<{ type: string; content: number }>;
    commission: { content: number };
    commodities: { commodity: MakeShopCommodity | MakeShopCommodity[] };
  };
}

export interface MakeShopOptions extends SimulatorOptions {
  shopId?: string;
  orderToken?: string;
  productToken?: string;
}

export const makeShopLimits = { maxOrdersPerAnswer: 100, maxStockItemsPerRequest: 100 } as const;

/** [assumed] error codes and messages. */
export const makeShopErrors = {
  auth: ["100", "認証に失敗しました。"],
  param: ["200", "パラメータが正しくありません。"],
  noOrder: ["300", "注文が存在しません。"],
  rate: ["429", "アクセスが集中しています。"],
  server: ["500", "システムエラー"],
} as const;

/** [assumed] the refusals of a stock line. */
const stockRefusals = {
  invalid: ["200", "在庫数が正しくありません。"],
  not_found: ["301", "商品が存在しません。"],
  unlimited: ["302", "在庫管理しない商品です。"],
} as const satisfies StockRefusals;

/** A product of the stock call, as received. */
interface StockEntry {
  orgcode?: string;
  option_code?: string;
  stock?: unknown;
}

const answer = (body: unknown, status = 200): WireAnswer => ({ status, body });
const refused = ([code, message]: readonly [string, string], status = 200) =>
  answer({ response: { code, message } }, status);

export interface MakeShopSimulator extends KitServer {
  shopId: string;
  orderToken: string;
  productToken: string;
  state: KitState<MakeShopOrder>;
  seedOrder(lines: Array<{ itemCode: string; option?: string; qty: number }>, ageMs?: number): MakeShopOrder;
  setOrderStatus(ordernum: string, status: string): void;
}

export async function startMakeShop(options: MakeShopOptions = {}): Promise<MakeShopSimulator> {
  const shopId = options.shopId ?? "kurashop";
  const orderToken = options.orderToken ?? "makeshop-order-token";
  const productToken = options.productToken ?? "makeshop-product-token";
  const state = new KitState<MakeShopOrder>(options.now, "MakeShop");
  let serial = 0;

  const kit = await startKitServer(
    {
      port: options.port,
      requestsPerSecond: options.requestsPerSecond ?? 2,
      authenticate(request) {
        const form = formOf(request);
        const product = request.url.startsWith("/api/product/");
        const [shop, token] = product ? [form.shop_id, form.access_token] : [form.shopid, form.token];
        return shop === shopId && token === (product ? productToken : orderToken)
          ? undefined
          : refused(makeShopErrors.auth);
      },
      rateLimited: (seconds) => withRetryAfter(refused(makeShopErrors.rate, 429), seconds),
      fault: (status, message) => refused([makeShopErrors.server[0], message], status),
    },
    (app) => {
      app.get("/api/orderinfo/index.html", async (request, reply) => {
        const form = formOf(request);
        const result =
          form.cmd === "get"
            ? getOrders(form)
            : form.cmd === "deliver"
              ? deliver(form)
              : refused(makeShopErrors.param);
        return send(reply, result);
      });
      app.post("/api/product/stock/", async (request, reply) => {
        return send(reply, setStock(jsonOf(request)));
      });
    },
  );

  function getOrders(form: Record<string, string>): WireAnswer {
    if (!form.service) return refused(makeShopErrors.param);
    let orders = [...state.orders.values()];
    if (form.ordernum) {
      orders = orders.filter((o) => o.ordernum === form.ordernum);
    } else {
      const start = toStamp(form.start);
      const end = toStamp(form.end);
      if (!start || !end || start > end) return refused(makeShopErrors.param);
      orders = orders.filter((o) => {
        const at = o.date.replace(/\D/g, "");
        return at >= start && at <= end;
      });
    }
    if (form.canceled !== "1") orders = orders.filter((o) => o.status !== "0");
    orders.sort((a, b) => a.date.localeCompare(b.date) || a.ordernum.localeCompare(b.ordernum));
    const page = orders.slice(0, makeShopLimits.maxOrdersPerAnswer);
    // XML-born JSON: one order is an object, several an array, none an empty `orders`.
    return answer({ orders: page.length === 0 ? "" : { order: page.length === 1 ? page[0] : page } });
  }

  function deliver(form: Record<string, string>): WireAnswer {
    const order = state.orders.get(form.ordernum ?? "");
    if (!order) return refused(makeShopErrors.noOrder);
    const deliveries = [order.deliveries.delivery].flat();
    const delivery = deliveries.find((d) => d.delivery_id === (form.deliveryid ?? "0"));
    if (!delivery || !["1", "2", "3", "9"].includes(form.status ?? "") || order.status === "0") {
      return refused(makeShopErrors.param);
    }
    if (form.status === "3" && (!form.carrier || !/^[0-9A-Za-z-]{1,30}$/.test(form.deliverynum ?? ""))) {
      return refused(makeShopErrors.param);
    }
    Object.assign(delivery, { status: form.status, carrier: form.carrier, deliverynum: form.deliverynum });
    if (form.status === "3") {
      state.shipments.push({
        orderCode: order.ordernum,
        carrier: form.carrier ?? "",
        trackingNumber: form.deliverynum ?? "",
        shippedOn: jstParts(state.now()).date,
      });
    }
    return answer({ response: { ordernum: order.ordernum, code: "0", message: "OK" } });
  }

  function setStock(body: unknown): WireAnswer {
    const products = (body as { products?: unknown })?.products;
    if (!isBatch<StockEntry>(products, makeShopLimits.maxStockItemsPerRequest)) {
      return refused(makeShopErrors.param);
    }
    const results = products.map((p) => {
      const key = { orgcode: p.orgcode ?? "", option_code: p.option_code ?? "" };
      const outcome = state.setStock(key.orgcode, key.option_code, p.stock);
      if (outcome === "updated") return { ...key, code: "0", message: "OK" };
      const [code, message] = stockRefusals[outcome];
      return { ...key, code, message };
    });
    return answer({ response: { code: "0", message: "OK", results } });
  }

  return {
    ...kit,
    shopId,
    orderToken,
    productToken,
    state,
    seedOrder(lines, ageMs = 60_000) {
      serial += 1;
      const at = jstParts(new Date(state.now().getTime() - ageMs));
      const person = samplePerson(serial);
      const commodities = lines.map((line): MakeShopCommodity => {
        const item = state.lineOf(line.itemCode, line.option);
        return {
          name: item.name,
          orgcode: line.itemCode,
          brandcode: `00000${serial}`,
          ...(line.option ? { optioncode: line.option, option: `カラー:${line.option}` } : {}),
          price: item.price,
          amount: line.qty,
          consumption_tax_rate: item.taxRate,
        };
      });
      const sum = commodities.reduce((total, c) => total + c.price * c.amount, 0);
      const place = {
        zip: person.zip,
        area: person.prefecture,
        city: person.city,
        address: person.street,
        tel: person.tel,
      };
      const order: MakeShopOrder = {
        ordernum: `${at.compact.slice(0, 8)}${String(serial).padStart(6, "0")}`,
        date: `${at.date} ${at.time}`,
        status: "1",
        payment_status: "1",
        paymethod: { type: "C", content: "クレジットカード決済" },
        buyer: {
          name: `${person.familyName} ${person.givenName}`,
          kana: `${person.familyKana} ${person.givenKana}`,
          ...place,
          email: person.email,
        },
        deliveries: {
          delivery: {
            delivery_id: "0",
            name: `${person.familyName} ${person.givenName}`,
            kana: `${person.familyKana} ${person.givenKana}`,
            ...place,
            deliverydate: "",
            deliverytime: "",
            carriage: { name: "宅配便" },
          },
        },
        orderdetail: {
          sumprice: sum,
          carriage: 660,
          bulk: 0,
          coupon: 0,
          usepoint: [{ type: "shop", content: 0 }],
          commission: { content: 0 },
          commodities: {
            commodity: commodities.length === 1 ? (commodities[0] as MakeShopCommodity) : commodities,
          },
        },
      };
      state.orders.set(order.ordernum, order);
      return order;
    },
    setOrderStatus(ordernum, status) {
      state.order(ordernum).status = status;
    },
  };
}

/** YYYYMMDDhhmmss, as given. */
const toStamp = (value: string | undefined) => (value && /^\d{14}$/.test(value) ? value : undefined);
