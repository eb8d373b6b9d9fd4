// Shopserve (Eストアー) manager API wire format ⇄ Kura's shapes. The only product code that knows it.
//
// From channel-apis.md §4.4 (thin): base https://management.api.shopserve.jp/v2/, HTTP Basic
// `<shop ID>:<マネージャー認証キー>` (no expiry), JSON; 注文情報検索API `POST /v2/orders/_retrieve/basic` with
// `;`-separated matrix blocks selecting extra parts and a body `{since: …}`; orders are identified by
// `serial_code` (order numbers may repeat); 注文状態更新API updates an order by serial_code.
//
// ASSUMED — everything else is OUR DESIGN until checked against the real API (correct here and in
// simulators/shopserve together):
// - Search: `POST /v2/orders/_retrieve/basic;delivery;items` with `{since, until, offset, limit ≤ 100}`,
//   since/until ISO 8601 with offset on the order's last update, window ≤ 31 days →
//   `{orders:[…], total_count}`, sorted by updated_at.
// - Order: serial_code, order_code, ordered_at, updated_at, order_status (新規受付 · 処理中 · 完了 ·
//   キャンセル), shipping_status (未発送 · 発送済), payment_method_name, payment_status (未入金 · 入金済),
//   customer{name, name_kana, zip, address (one string from the prefecture), tel, email},
//   amounts{items_total, shipping_fee, payment_fee, discount, point, total}; block `delivery` = the
//   recipient + method_name, preferred_date (YYYY-MM-DD), preferred_time; block `items` =
//   [{item_code, option_code, item_name, unit_price, quantity, tax_rate}].
// - Kura's order code is serial_code (unique); order_code stays in the raw payload.
// - Shipment: `PUT /v2/orders/{serial_code}/status` `{shipping_status:"発送済", shipped_date,
//   delivery_company_code (yamato · sagawa · japanpost · seino · fukuyama · other), slip_number}`.
// - Stock: `PUT /v2/items/stocks` `{stocks:[{item_code, option_code, quantity}]}` (≤ 100) →
//   `{results:[{item_code, option_code, result:"ok"|"error", error?:{code, message}}]}`; E404 unknown item,
//   E422 item without stock control.
// - Errors `{error:{code, message}}` at 4xx/5xx; 2 requests per second.
import { z } from "zod";
import type { OrderInputRaw } from "../../domain/order-input.ts";
import { carrierFamily, formatPostalCode, splitPrefecture } from "../common/japan.ts";
import { byItemAndOption, rejectedStock, type StockRejections, updatedStock } from "../common/stock.ts";
import type { ShipmentNotice, StockItem, StockItemResult } from "../types.ts";

const personSchema = z.looseObject({
  name: z.string(),
  name_kana: z.string().nullish(),
  zip: z.string().nullish(),
  address: z.string(),
  tel: z.string().nullish(),
  email: z.string().nullish(),
});

export const wireOrderSchema = z.looseObject({
  serial_code: z.string(),
  order_code: z.string().nullish(),
  ordered_at: z.string(),
  updated_at: z.string(),
  order_status: z.string(),
  shipping_status: z.string(),
  payment_method_name: z.string().nullish(),
  payment_status: z.string().nullish(),
  customer: personSchema,
  amounts: z.looseObject({
    items_total: z.number().int(),
    shipping_fee: z.number().int().default(0),
    payment_fee: z.number().int().default(0),
    discount: z.number().int().default(0),
    point: z.number().int().default(0),
    total: z.number().int(),
  }),
  delivery: personSchema.extend({
    method_name: z.string().nullish(),
    preferred_date: z.string().nullish(),
    preferred_time: z.string().nullish(),
  }),
  items: z.array(
    z.looseObject({
      item_code: z.string().nullish(),
      option_code: z.string().nullish(),
      item_name: z.string(),
      unit_price: z.number().int(),
      quantity: z.number().int(),
      tax_rate: z.number().int().nullish(),
    }),
  ),
});
export type WireOrder = z.infer<typeof wireOrderSchema>;

export const searchAnswerSchema = z.looseObject({
  orders: z.array(z.unknown()),
  total_count: z.number().int(),
});

export const cancelledStatus = "キャンセル";

export function toOrderInput(wire: WireOrder, raw: unknown = wire): OrderInputRaw {
  const { delivery } = wire;
  return {
    orderCode: wire.serial_code,
    channelStatus: wire.shipping_status === "発送済" ? "発送済" : wire.order_status,
    cancelledOnChannel: wire.order_status === cancelledStatus,
    orderedAt: wire.ordered_at,
    buyer: toAddress(wire.customer),
    deliveryAddresses: [toAddress(delivery)],
    deliveryMethod: delivery.method_name ?? undefined,
    requestedDate: delivery.preferred_date ?? undefined,
    timeSlot: delivery.preferred_time ?? undefined,
    paymentMethod: wire.payment_method_name ?? undefined,
    paymentConfirmed: wire.payment_status === "入金済",
    lines: wire.items.map((item) => ({
      itemCode: item.item_code ?? undefined,
      optionCode: item.option_code ?? undefined,
      name: item.item_name,
      quantity: item.quantity,
      unitPrice: item.unit_price,
      taxRate: item.tax_rate ?? undefined,
    })),
    amounts: {
      subtotal: wire.amounts.items_total,
      shippingFee: wire.amounts.shipping_fee,
      paymentFee: wire.amounts.payment_fee,
      discount: wire.amounts.discount,
      pointsUsed: wire.amounts.point,
      total: wire.amounts.total,
    },
    raw,
  };
}

function toAddress(person: z.infer<typeof personSchema>) {
  const { prefecture, rest } = splitPrefecture(person.address);
  return {
    name: person.name,
    nameKana: person.name_kana ?? undefined,
    phone: person.tel ?? undefined,
    email: person.email ?? undefined,
    postalCode: formatPostalCode(person.zip),
    prefecture,
    address1: rest,
  };
}

/** ISO 8601 in JST with an explicit offset. */
export function toWireDateTime(date: Date): string {
  return `${new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;
}

export function toShippingUpdate(notice: ShipmentNotice) {
  return {
    shipping_status: "発送済",
    shipped_date: notice.shippedOn,
    delivery_company_code: carrierFamily(notice.carrier),
    slip_number: notice.trackingNumber.replace(/[\s-]/g, ""),
  };
}

export const toWireStocks = (items: StockItem[]) =>
  items.map((item) => ({
    item_code: item.itemCode,
    option_code: item.optionCode ?? null,
    quantity: item.quantity,
  }));

export const stockAnswerSchema = z.looseObject({
  results: z.array(
    z.looseObject({
      item_code: z.string(),
      option_code: z.string().nullish(),
      result: z.string(),
      error: z.looseObject({ code: z.string(), message: z.string() }).nullish(),
    }),
  ),
});

const stockRejections: StockRejections = { E404: "not_found", E422: "unlimited" };

export function toStockResults(
  items: StockItem[],
  answer: z.infer<typeof stockAnswerSchema>,
): StockItemResult[] {
  const resultOf = byItemAndOption(answer.results, (r) => [r.item_code, r.option_code]);
  return items.map((item) => {
    const result = resultOf(item);
    return result?.result === "ok" ? updatedStock(item) : rejectedStock(item, result?.error, stockRejections);
  });
}
