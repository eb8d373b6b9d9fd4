// The test channel's wire format ⇄ Kura's shapes. The only place in the product that knows what the test
// channel's records look like (simulators/test-channel/README.md documents them).
import { z } from "zod";
import { normalizeForComparison } from "../../domain/normalize.ts";
import type { OrderInputRaw } from "../../domain/order-input.ts";
import { type StockRejections, stockKey } from "../common/stock.ts";
import type { ChannelProduct, ShipmentNotice, ShipmentResult, StockItem, StockItemResult } from "../types.ts";

// ---- orders -------------------------------------------------------------------------------------------

const wirePersonSchema = z.looseObject({
  family_name: z.string(),
  given_name: z.string(),
  family_name_kana: z.string().nullish(),
  given_name_kana: z.string().nullish(),
  email: z.string().nullish(),
  tel: z.string().nullish(),
  zip: z.string(),
  pref: z.string(),
  city: z.string(),
  street: z.string(),
  building: z.string().nullish(),
});
type WirePerson = z.infer<typeof wirePersonSchema>;

export const wireOrderSchema = z.looseObject({
  order_no: z.string(),
  status: z.string(),
  ordered_at: z.string(),
  updated_at: z.string(),
  buyer: wirePersonSchema,
  ship_to: z.array(wirePersonSchema),
  delivery: z.looseObject({
    method: z.string(),
    date: z.string().nullish(),
    time_slot: z.string().nullish(),
  }),
  payment: z.looseObject({ method: z.string(), method_name: z.string(), status: z.enum(["paid", "unpaid"]) }),
  items: z.array(
    z.looseObject({
      sku: z.string(),
      variant: z.string().nullish(),
      name: z.string(),
      qty: z.number(),
      price: z.number(),
      tax_rate: z.number().nullish(),
    }),
  ),
  totals: z.looseObject({
    items: z.number(),
    shipping: z.number(),
    cod_fee: z.number(),
    discount: z.number(),
    points: z.number(),
    coupon: z.number(),
    grand_total: z.number(),
  }),
  tax_summary: z.array(z.looseObject({ rate: z.number(), taxable: z.number(), tax: z.number() })).default([]),
});
export type WireOrder = z.infer<typeof wireOrderSchema>;

/** `raw` is the order exactly as received, kept with the mapped order. */
export function toOrderInput(wire: WireOrder, raw: unknown = wire): OrderInputRaw {
  return {
    orderCode: wire.order_no,
    channelStatus: wire.status,
    orderedAt: wire.ordered_at,
    buyer: toAddress(wire.buyer),
    deliveryAddresses: wire.ship_to.map(toAddress),
    deliveryMethod: wire.delivery.method,
    requestedDate: wire.delivery.date ?? undefined,
    timeSlot: wire.delivery.time_slot ? toTimeSlot(wire.delivery.time_slot) : undefined,
    paymentMethod: wire.payment.method_name,
    paymentConfirmed: wire.payment.status === "paid",
    lines: wire.items.map((item) => ({
      itemCode: item.sku,
      optionCode: item.variant ?? undefined,
      name: item.name,
      quantity: item.qty,
      unitPrice: item.price,
      taxRate: item.tax_rate ?? undefined,
    })),
    amounts: {
      subtotal: wire.totals.items,
      shippingFee: wire.totals.shipping,
      paymentFee: wire.totals.cod_fee,
      discount: wire.totals.discount,
      pointsUsed: wire.totals.points,
      couponDiscount: wire.totals.coupon,
      total: wire.totals.grand_total,
      taxes: wire.tax_summary.map((tax) => ({
        rate: tax.rate,
        taxableAmount: tax.taxable,
        taxAmount: tax.tax,
      })),
    },
    raw,
  };
}

function toAddress(person: WirePerson) {
  const kana = [person.family_name_kana, person.given_name_kana].filter(Boolean).join(" ");
  return {
    name: `${person.family_name} ${person.given_name}`.trim(),
    nameKana: kana || undefined,
    phone: person.tel ?? undefined,
    email: person.email ?? undefined,
    postalCode: /^\d{7}$/.test(person.zip) ? `${person.zip.slice(0, 3)}-${person.zip.slice(3)}` : person.zip,
    prefecture: person.pref,
    city: person.city,
    address1: person.street,
    address2: person.building ?? undefined,
  };
}

/** "am" → 午前中, "14-16" → 14時～16時 (the carriers' strings); anything else is kept for the store's rules. */
export function toTimeSlot(slot: string): string {
  if (slot === "am") return "午前中";
  const hours = slot.match(/^(\d{1,2})-(\d{1,2})$/);
  return hours ? `${Number(hours[1])}時～${Number(hours[2])}時` : slot;
}

/** The channel's date-time format: ISO 8601 in JST with an explicit offset. */
export function toWireDateTime(date: Date): string {
  const jst = new Date(date.getTime() + 9 * 3_600_000);
  return `${jst.toISOString().slice(0, 23)}+09:00`;
}

// ---- shipments ----------------------------------------------------------------------------------------

export interface WireShipment {
  order_no: string;
  carrier: "yamato" | "sagawa" | "japanpost" | "other";
  tracking_no: string;
  shipped_on: string;
}

const carriers: [string, WireShipment["carrier"]][] = [
  ["ヤマト", "yamato"],
  ["クロネコ", "yamato"],
  ["佐川", "sagawa"],
  ["日本郵便", "japanpost"],
  ["ゆうパック", "japanpost"],
  ["ゆうパケット", "japanpost"],
];

export function toWireCarrier(carrier: string): WireShipment["carrier"] {
  const name = normalizeForComparison(carrier);
  return carriers.find(([word]) => name.includes(normalizeForComparison(word)))?.[1] ?? "other";
}

export function toWireShipment(notice: ShipmentNotice): WireShipment {
  return {
    order_no: notice.orderCode,
    carrier: toWireCarrier(notice.carrier),
    tracking_no: notice.trackingNumber.replace(/[\s-]/g, ""),
    shipped_on: notice.shippedOn,
  };
}

const wireErrorSchema = z.looseObject({ code: z.string(), message: z.string() });

export const wireShipmentRequestSchema = z.looseObject({
  request_id: z.string(),
  status: z.enum(["processing", "completed"]),
  results: z.array(
    z.looseObject({ order_no: z.string(), ok: z.boolean(), error: wireErrorSchema.nullish() }),
  ),
});
export type WireShipmentRequest = z.infer<typeof wireShipmentRequestSchema>;

export function toShipmentResult(request: WireShipmentRequest, orderCode?: string): ShipmentResult {
  if (request.status === "processing") return { status: "pending" };
  const result = orderCode ? request.results.find((r) => r.order_no === orderCode) : request.results[0];
  if (result?.ok) return { status: "done" };
  const error = result?.error ?? { code: "missing_result", message: "" };
  return {
    status: "rejected",
    kind: error.code === "order_not_found" ? "not_found" : "invalid",
    channelMessage: error.message,
    code: error.code,
  };
}

// ---- stock and products ---------------------------------------------------------------------------------

export interface WireStockItem {
  sku: string;
  variant: string | null;
  quantity: number;
}

export function toWireStockItem(item: StockItem): WireStockItem {
  return { sku: item.itemCode, variant: item.optionCode ?? null, quantity: item.quantity };
}

export const wireStockResultSchema = z.looseObject({
  sku: z.string(),
  variant: z.string().nullish(),
  status: z.enum(["updated", "rejected"]),
  error: wireErrorSchema.nullish(),
});
export type WireStockResult = z.infer<typeof wireStockResultSchema>;

const stockRejections: StockRejections = {
  unlimited_stock: "unlimited",
  item_not_found: "not_found",
};

export function toStockItemResult(result: WireStockResult): StockItemResult {
  const key = stockKey({ itemCode: result.sku, optionCode: result.variant });
  if (result.status === "updated") return { ...key, status: "updated" };
  const code = result.error?.code ?? "";
  return {
    ...key,
    status: "rejected",
    reason: stockRejections[code] ?? "invalid",
    channelMessage: result.error?.message ?? "",
    code: code || undefined,
  };
}

export const wireItemSchema = z.looseObject({
  sku: z.string(),
  variant: z.string().nullish(),
  name: z.string(),
  price: z.number().nullish(),
  unlimited_stock: z.boolean(),
});

export function toChannelProduct(item: z.infer<typeof wireItemSchema>): ChannelProduct {
  return {
    itemCode: item.sku,
    ...(item.variant ? { optionCode: item.variant } : {}),
    name: item.name,
    price: item.price ?? undefined,
    unlimitedStock: item.unlimited_stock,
    raw: item,
  };
}
