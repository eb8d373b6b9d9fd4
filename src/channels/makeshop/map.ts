// MakeShop (old 外部システム連携 API) wire format ⇄ Kura's shapes. The only product code that knows it.
//
// From channel-apis.md §4.3 (2nd-hand): orders `GET /api/orderinfo/index.html?cmd=get&shopid&token=<注文データ
// 連携認証コード>&start&end (YYYYMMDDhhmmss)&service[&ordernum][&canceled]`, at most 100 orders per answer (page
// by narrowing the window), `{orders:{order:[…]}}` where a single order is an object; order fields ordernum,
// date, status (0 キャンセル, 1 通常, 99 仮注文), payment_status (0 未入金, 1 入金完了), paymethod{type, content},
// buyer{…}, deliveries{delivery{…, deliverydate, deliverytime, carriage{name}}}, orderdetail{sumprice, carriage,
// bulk, coupon, usepoint[{type, content}], commission{content}, commodities{commodity[{name, orgcode,
// brandcode, option, price, amount, consumption_tax_rate}]}}; shipment `cmd=deliver&ordernum&deliveryid=0
// &status=3 (配送完了)&carrier&deliverynum&send_mail=1` → `{response:{ordernum, code, message:"OK"}}`.
// Kura imports only orders of the last 3 days automatically (as LOGILESS does); older ones by order number.
//
// ASSUMED (not published; correct here and in simulators/makeshop together):
// - Answers are JSON; errors answer HTTP 200 with `{response:{code, message}}`, code "100" = authentication
//   failed; success of cmd=deliver is message "OK". The window `start`/`end` is on the order date (JST),
//   both inclusive, and answers are sorted by it; `canceled=1` includes cancelled orders.
// - `date` is "YYYY-MM-DD HH:MM:SS" (JST); a commodity's item code is `orgcode` (独自商品コード) and its
//   option's code `optioncode`; `bulk` is a discount, `commission` the payment fee; the total is
//   sumprice + carriage + commission − bulk − coupon − points.
// - Carrier codes for cmd=deliver: 1 ヤマト運輸, 2 佐川急便, 3 日本郵便, 4 西濃運輸, 5 福山通運, 99 その他.
// - Stock (the product API's fields are not published): `POST /api/product/stock/?shop_id&access_token=<商品
//   データ連携認証コード>` with JSON `{products:[{orgcode, option_code, stock}]}` (≤ 100) →
//   `{response:{code:"0", results:[{orgcode, option_code, code, message}]}}`; per item code "301" unknown item,
//   "302" item without stock control.
// - 2 requests per second.
import { z } from "zod";
import type { OrderInputRaw } from "../../domain/order-input.ts";
import { carrierFamily, formatPostalCode } from "../common/japan.ts";
import { byItemAndOption, rejectedStock, type StockRejections, updatedStock } from "../common/stock.ts";
import type { ShipmentNotice, StockItem, StockItemResult } from "../types.ts";

const str = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v == null ? "" : String(v)));
const yen = z.coerce.number().int().default(0);
/** XML-born JSON: one element is an object, several an array. */
const oneOrMany = <T extends z.ZodType>(schema: T) =>
  z.union([z.array(schema), schema]).transform((v) => (Array.isArray(v) ? v : [v]) as z.infer<T>[]);

const placeSchema = z.looseObject({
  name: z.string(),
  kana: str,
  zip: str,
  area: str,
  city: str,
  address: str.optional(),
  street: str.optional(),
  tel: str,
  email: str.optional(),
});

export const wireOrderSchema = z.looseObject({
  ordernum: z.coerce.string(),
  date: z.string(),
  status: str,
  payment_status: str,
  paymethod: z.looseObject({ type: str, content: str }),
  buyer: placeSchema,
  deliveries: z.looseObject({
    delivery: oneOrMany(
      placeSchema.extend({
        delivery_id: str,
        deliverydate: str,
        deliverytime: str,
        carriage: z.looseObject({ name: str }).optional(),
      }),
    ),
  }),
  orderdetail: z.looseObject({
    sumprice: yen,
    carriage: yen,
    bulk: yen,
    coupon: yen,
    usepoint: oneOrMany(z.looseObject({ type: str, content: yen })).default([]),
    commission: z.looseObject({ content: yen }).optional(),
    commodities: z.looseObject({
      commodity: oneOrMany(
        z.looseObject({
          name: z.string(),
          orgcode: str,
          optioncode: str.optional(),
          price: z.coerce.number().int(),
          amount: z.coerce.number().int(),
          consumption_tax_rate: z.coerce.number().int().optional(),
        }),
      ),
    }),
  }),
});
export type WireOrder = z.infer<typeof wireOrderSchema>;

/** `{orders:{order}}`, or an empty `orders` when nothing matched. */
export const ordersAnswerSchema = z.looseObject({
  orders: z.union([z.looseObject({ order: oneOrMany(z.unknown()) }), z.literal(""), z.null()]).optional(),
});
export const ordersOf = (answer: z.infer<typeof ordersAnswerSchema>): unknown[] =>
  answer.orders && typeof answer.orders === "object" ? answer.orders.order : [];

export const responseSchema = z.looseObject({
  response: z.looseObject({ code: str, message: str }),
});

const statusNames: Record<string, string> = { "0": "キャンセル", "1": "通常", "99": "仮注文" };

export function toOrderInput(wire: WireOrder, raw: unknown = wire): OrderInputRaw {
  const detail = wire.orderdetail;
  const points = detail.usepoint.reduce((sum, p) => sum + p.content, 0);
  const fee = detail.commission?.content ?? 0;
  const first = wire.deliveries.delivery[0];
  return {
    orderCode: wire.ordernum,
    channelStatus: statusNames[wire.status] ?? wire.status,
    cancelledOnChannel: wire.status === "0",
    orderedAt: `${wire.date.replace(" ", "T")}+09:00`,
    buyer: toAddress(wire.buyer),
    deliveryAddresses: wire.deliveries.delivery.map(toAddress),
    deliveryMethod: first?.carriage?.name || undefined,
    requestedDate: first?.deliverydate ? first.deliverydate.replaceAll("/", "-") : undefined,
    timeSlot: first?.deliverytime || undefined,
    paymentMethod: wire.paymethod.content || undefined,
    paymentConfirmed: wire.payment_status === "1",
    lines: detail.commodities.commodity.map((c) => ({
      itemCode: c.orgcode || undefined,
      optionCode: c.optioncode || undefined,
      name: c.name,
      quantity: c.amount,
      unitPrice: c.price,
      taxRate: c.consumption_tax_rate,
    })),
    amounts: {
      subtotal: detail.sumprice,
      shippingFee: detail.carriage,
      paymentFee: fee,
      discount: detail.bulk,
      pointsUsed: points,
      couponDiscount: detail.coupon,
      total: detail.sumprice + detail.carriage + fee - detail.bulk - detail.coupon - points,
    },
    raw,
  };
}

function toAddress(place: z.infer<typeof placeSchema>) {
  return {
    name: place.name,
    nameKana: place.kana || undefined,
    phone: place.tel || undefined,
    email: place.email || undefined,
    postalCode: formatPostalCode(place.zip),
    // MakeShop writes some prefectures with a zone ("東京(23区内)"): the zone is dropped.
    prefecture: toPrefecture(place.area),
    city: place.city || undefined,
    address1: place.address || place.street || undefined,
  };
}

function toPrefecture(area: string): string | undefined {
  const name = area.replace(/[(（].*[)）]$/, "").trim();
  if (!name) return undefined;
  if (/[都道府県]$/.test(name)) return name;
  if (name === "東京") return "東京都";
  if (name === "大阪" || name === "京都") return `${name}府`;
  if (name === "北海道") return name;
  return `${name}県`;
}

/** MakeShop's date-time parameter: JST, YYYYMMDDhhmmss. */
export function toWireDateTime(date: Date): string {
  return new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 19).replace(/\D/g, "");
}

/** `date` of a wire order → the instant. */
export const orderedAt = (wire: { date?: unknown }) =>
  new Date(`${String(wire.date).replace(" ", "T")}+09:00`);

// ---- shipments and stock ----------------------------------------------------------------------------------

const carrierCodes: Record<string, string> = {
  yamato: "1",
  sagawa: "2",
  japanpost: "3",
  seino: "4",
  fukuyama: "5",
};

export function toDeliverQuery(notice: ShipmentNotice) {
  return {
    cmd: "deliver",
    ordernum: notice.orderCode,
    deliveryid: "0",
    status: "3",
    carrier: carrierCodes[carrierFamily(notice.carrier)] ?? "99",
    deliverynum: notice.trackingNumber.replace(/[\s-]/g, ""),
    send_mail: "1",
  };
}

export const toStockProducts = (items: StockItem[]) =>
  items.map((item) => ({ orgcode: item.itemCode, option_code: item.optionCode ?? "", stock: item.quantity }));

export const stockAnswerSchema = z.looseObject({
  response: z.looseObject({
    code: str,
    results: z.array(z.looseObject({ orgcode: str, option_code: str, code: str, message: str })).default([]),
  }),
});

const stockRejections: StockRejections = { "301": "not_found", "302": "unlimited" };

export function toStockResults(
  items: StockItem[],
  answer: z.infer<typeof stockAnswerSchema>,
): StockItemResult[] {
  const resultOf = byItemAndOption(answer.response.results, (r) => [r.orgcode, r.option_code]);
  return items.map((item) => {
    const result = resultOf(item);
    if (result?.code === "0") return updatedStock(item);
    // An empty code is no answer for the item.
    return rejectedStock(
      item,
      { code: result?.code || undefined, message: result?.message },
      stockRejections,
    );
  });
}

export const authCode = "100";
export const notFoundCode = "300";
