// SHOPLIST wire format ⇄ Kura's shapes. The only product code that knows it.
//
// Known (channel-apis.md §4.6, from LOGILESS's help): an 認証キー issued by the SHOPLIST sales rep (paid
// option); orders of the past 3 days can be imported; stock is pushed; there is NO shipment notice.
//
// ASSUMED — the whole wire format is OUR DESIGN (no public record; correct here and in simulators/shoplist
// together once SHOPLIST's specification is at hand):
// - Base https://api.shop-list.com/v1 (placeholder), header `X-Api-Key: <認証キー>`, JSON both ways,
//   errors `{error:{code, message}}` (401 UNAUTHORIZED, 400 INVALID_PARAMETER / PERIOD_OUT_OF_RANGE, 429).
// - `GET /orders?ordered_from&ordered_to` (ISO 8601 with offset, `[from, to)` on the order date, from no
//   earlier than 3 days ago) `&page&per_page ≤ 100` → `{orders:[…], total, page, per_page}`.
// - Order: order_id, ordered_at, status (新規 · 発送済 · キャンセル), payment_method, buyer and
//   shipping_address {name, name_kana, zip, prefecture, address, tel, email}, delivery_method,
//   delivery_date, delivery_time, items[{product_code, color_size_code, name, price, quantity}], subtotal,
//   shipping_fee, payment_fee, discount, point, total. SHOPLIST settles payment itself: orders arrive paid.
// - `PUT /stocks` `{stocks:[{product_code, color_size_code, quantity}]}` (≤ 100) → `{results:[{product_code,
//   color_size_code, status:"updated"|"error", error?}]}`; PRODUCT_NOT_FOUND, STOCK_NOT_MANAGED (unlimited).
// - 2 requests per second.
import { z } from "zod";
import type { OrderInputRaw } from "../../domain/order-input.ts";
import { formatPostalCode } from "../common/japan.ts";
import { byItemAndOption, rejectedStock, type StockRejections, updatedStock } from "../common/stock.ts";
import type { StockItem, StockItemResult } from "../types.ts";

const personSchema = z.looseObject({
  name: z.string(),
  name_kana: z.string().nullish(),
  zip: z.string().nullish(),
  prefecture: z.string().nullish(),
  address: z.string().nullish(),
  tel: z.string().nullish(),
  email: z.string().nullish(),
});

export const wireOrderSchema = z.looseObject({
  order_id: z.string(),
  ordered_at: z.string(),
  status: z.string(),
  payment_method: z.string().nullish(),
  buyer: personSchema,
  shipping_address: personSchema,
  delivery_method: z.string().nullish(),
  delivery_date: z.string().nullish(),
  delivery_time: z.string().nullish(),
  items: z.array(
    z.looseObject({
      product_code: z.string(),
      color_size_code: z.string().nullish(),
      name: z.string(),
      price: z.number().int(),
      quantity: z.number().int(),
    }),
  ),
  subtotal: z.number().int(),
  shipping_fee: z.number().int().default(0),
  payment_fee: z.number().int().default(0),
  discount: z.number().int().default(0),
  point: z.number().int().default(0),
  total: z.number().int(),
});
export type WireOrder = z.infer<typeof wireOrderSchema>;

export const ordersAnswerSchema = z.looseObject({ orders: z.array(z.unknown()), total: z.number().int() });

export function toOrderInput(wire: WireOrder, raw: unknown = wire): OrderInputRaw {
  return {
    orderCode: wire.order_id,
    channelStatus: wire.status,
    cancelledOnChannel: wire.status === "キャンセル",
    orderedAt: wire.ordered_at,
    buyer: toAddress(wire.buyer),
    deliveryAddresses: [toAddress(wire.shipping_address)],
    deliveryMethod: wire.delivery_method ?? undefined,
    requestedDate: wire.delivery_date ?? undefined,
    timeSlot: wire.delivery_time ?? undefined,
    paymentMethod: wire.payment_method ?? undefined,
    paymentConfirmed: true,
    lines: wire.items.map((item) => ({
      itemCode: item.product_code,
      optionCode: item.color_size_code ?? undefined,
      name: item.name,
      quantity: item.quantity,
      unitPrice: item.price,
    })),
    amounts: {
      subtotal: wire.subtotal,
      shippingFee: wire.shipping_fee,
      paymentFee: wire.payment_fee,
      discount: wire.discount,
      pointsUsed: wire.point,
      total: wire.total,
    },
    raw,
  };
}

function toAddress(person: z.infer<typeof personSchema>) {
  return {
    name: person.name,
    nameKana: person.name_kana ?? undefined,
    phone: person.tel ?? undefined,
    email: person.email ?? undefined,
    postalCode: formatPostalCode(person.zip),
    prefecture: person.prefecture ?? undefined,
    address1: person.address ?? undefined,
  };
}

/** ISO 8601 in JST with an explicit offset. */
export function toWireDateTime(date: Date): string {
  return `${new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;
}

export const toWireStocks = (items: StockItem[]) =>
  items.map((item) => ({
    product_code: item.itemCode,
    color_size_code: item.optionCode ?? null,
    quantity: item.quantity,
  }));

export const stockAnswerSchema = z.looseObject({
  results: z.array(
    z.looseObject({
      product_code: z.string(),
      color_size_code: z.string().nullish(),
      status: z.string(),
      error: z.looseObject({ code: z.string(), message: z.string() }).nullish(),
    }),
  ),
});

const stockRejections: StockRejections = {
  PRODUCT_NOT_FOUND: "not_found",
  STOCK_NOT_MANAGED: "unlimited",
};

export function toStockResults(
  items: StockItem[],
  answer: z.infer<typeof stockAnswerSchema>,
): StockItemResult[] {
  const resultOf = byItemAndOption(answer.results, (r) => [r.product_code, r.color_size_code]);
  return items.map((item) => {
    const result = resultOf(item);
    return result?.status === "updated"
      ? updatedStock(item)
      : rejectedStock(item, result?.error, stockRejections);
  });
}
