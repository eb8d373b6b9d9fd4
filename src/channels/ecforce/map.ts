// ecforce Admin API v2 (JSON:API) ⇄ Kura's shapes. The only place in the product that knows what ecforce's
// records look like; the calls and envelopes are in client.ts.
//
// Published facts follow /work/shared/channel-apis.md §3. What we assume beyond them (the simulator's README
// says the same):
// - Kura's order code is the order's `number` (受注番号); calls that need ecforce's `id` look it up by number.
// - Order item `price` is the unit price **tax included**; `subtotal` = Σ price × quantity; `total` = subtotal +
//   `deliv_fee` + `charge` − `discount` − `point`; `tax` is the tax contained (not added). Fees are taxed at 10%.
// - The channel item is the variant's `variant_sku` (no option code); stock is set per `variant_sku` at the
//   store's stock location code.
// - The delivery method string is `shipping_carrier_name` (the shop's carrier master), the time slot
//   `scheduled_delivery_time` (e.g. 14時〜16時), the requested date `scheduled_to_be_delivered_at`.
// - Payment is confirmed when `payment_state` is authed, captured, paid or credit_exam_completed.
// - A cancelled order has a state among the store's `cancelledStates` (default `canceled`): `cancelledOnChannel`.
// - Times: answers `2006/01/02 15:04:05`, requests `2006-01-02 15:04:05`, both JST without an offset.
// - Errors: `{"errors":[{"code","message"}]}`; bulk answers `{success, failure, errors:[{id, code, message}]}`.
import { z } from "zod";
import { normalizeForComparison } from "../../domain/normalize.ts";
import type { OrderInputRaw } from "../../domain/order-input.ts";
import { rejectedStock, type StockRejections, updatedStock } from "../common/stock.ts";
import type { StockItem, StockItemResult } from "../types.ts";

const jstOffsetMs = 9 * 3_600_000;
const dayMs = 86_400_000;
const yen = z.number().int("must be whole yen");
const nullableText = z.string().nullish();

// ---- JSON:API envelope ----------------------------------------------------------------------------------

const reference = z.object({ id: z.string(), type: z.string() });
const relation = z.object({ data: z.union([reference, z.array(reference), z.null()]) });

export const resourceSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  type: z.string(),
  attributes: z.record(z.string(), z.unknown()),
  relationships: z.record(z.string(), relation).optional(),
});
export type Resource = z.infer<typeof resourceSchema>;

export const pageSchema = z.object({
  data: z.array(resourceSchema),
  included: z.array(resourceSchema).default([]),
  meta: z.looseObject({ total_count: z.number(), page: z.number(), total_pages: z.number() }),
});

// ---- orders -------------------------------------------------------------------------------------------

export const orderInclude = "billing_address,shipping_address,order_items";

const orderAttributes = z.looseObject({
  number: z.string().min(1),
  state: z.string(),
  payment_state: nullableText,
  payment_method_name: nullableText,
  email: nullableText,
  subtotal: yen,
  discount: yen.nullish(),
  point: yen.nullish(),
  deliv_fee: yen.nullish(),
  charge: yen.nullish(),
  total: yen,
  shipping_carrier_name: nullableText,
  scheduled_to_be_shipped_at: nullableText,
  scheduled_to_be_delivered_at: nullableText,
  scheduled_delivery_time: nullableText,
  created_at: z.string(),
});
const addressAttributes = z.looseObject({
  name01: z.string(),
  name02: nullableText,
  kana01: nullableText,
  kana02: nullableText,
  zip01: nullableText,
  zip02: nullableText,
  prefecture_name: nullableText,
  addr01: nullableText,
  addr02: nullableText,
  addr03: nullableText,
  tel01: nullableText,
  tel02: nullableText,
  tel03: nullableText,
});
const itemAttributes = z.looseObject({
  variant_sku: nullableText,
  product_name: z.string().min(1),
  price: yen,
  quantity: z.number().int(),
  tax_rate: z.number().nullish(),
});

const confirmedPaymentStates = new Set(["authed", "captured", "paid", "credit_exam_completed"]);

export interface MapOptions {
  cancelledStates: string[];
}

/**
 * One order resource with its included addresses and items. Throws a ZodError naming the field when the
 * order is not in the shape we know.
 */
export function toOrderInput(
  order: Resource,
  included: Map<string, Resource>,
  options: MapOptions,
): OrderInputRaw {
  const a = orderAttributes.parse(order.attributes);
  const related = (name: string) => {
    const data = order.relationships?.[name]?.data;
    const refs = data === null || data === undefined ? [] : Array.isArray(data) ? data : [data];
    return refs.map((ref) => included.get(`${ref.type}:${ref.id}`)).filter((r): r is Resource => Boolean(r));
  };
  const [billing] = related("billing_address");
  const [shipping] = related("shipping_address");
  const items = related("order_items").map((item) => itemAttributes.parse(item.attributes));
  const buyer = billing ? toAddress(addressAttributes.parse(billing.attributes)) : undefined;
  const recipient = shipping ? toAddress(addressAttributes.parse(shipping.attributes)) : buyer;
  const fees = (a.deliv_fee ?? 0) + (a.charge ?? 0);
  return {
    orderCode: a.number,
    channelStatus: a.state,
    cancelledOnChannel: options.cancelledStates.includes(a.state),
    orderedAt: fromWireTime(a.created_at) ?? a.created_at,
    buyer: buyer ? { ...buyer, email: a.email ?? undefined } : { name: "", email: a.email ?? undefined },
    deliveryAddresses: recipient ? [recipient] : [],
    deliveryMethod: a.shipping_carrier_name ?? undefined,
    requestedDate: fromWireTime(a.scheduled_to_be_delivered_at)?.slice(0, 10),
    timeSlot: a.scheduled_delivery_time?.trim() || undefined,
    paymentMethod: a.payment_method_name ?? undefined,
    paymentConfirmed: confirmedPaymentStates.has(a.payment_state ?? ""),
    lines: items.map((item) => ({
      itemCode: item.variant_sku || undefined,
      name: item.product_name,
      quantity: item.quantity,
      unitPrice: item.price,
      taxRate: item.tax_rate ?? undefined,
    })),
    amounts: {
      subtotal: a.subtotal,
      shippingFee: a.deliv_fee ?? 0,
      paymentFee: a.charge ?? 0,
      discount: a.discount ?? 0,
      pointsUsed: a.point ?? 0,
      total: a.total,
      taxes: taxBreakdown(items, fees),
    },
    raw: {
      order,
      included: [...related("billing_address"), ...related("shipping_address"), ...related("order_items")],
    },
  };
}

function toAddress(address: z.infer<typeof addressAttributes>) {
  const join = (...parts: Array<string | null | undefined>) => parts.filter(Boolean).join("");
  const kana = [address.kana01, address.kana02].filter(Boolean).join(" ");
  const tel = [address.tel01, address.tel02, address.tel03].filter(Boolean).join("-");
  return {
    name: [address.name01, address.name02].filter(Boolean).join(" "),
    nameKana: kana || undefined,
    phone: tel || undefined,
    postalCode: address.zip01 && address.zip02 ? `${address.zip01}-${address.zip02}` : undefined,
    prefecture: address.prefecture_name ?? undefined,
    city: address.addr01 ?? undefined,
    address1: join(address.addr02) || undefined,
    address2: join(address.addr03) || undefined,
  };
}

function taxBreakdown(items: z.infer<typeof itemAttributes>[], fees: number) {
  const byRate = new Map<number, number>();
  for (const item of items) {
    const rate = item.tax_rate ?? 10;
    byRate.set(rate, (byRate.get(rate) ?? 0) + item.price * item.quantity);
  }
  if (fees > 0) byRate.set(10, (byRate.get(10) ?? 0) + fees);
  return [...byRate.entries()]
    .sort(([x], [y]) => y - x)
    .map(([rate, taxable]) => ({
      rate,
      taxableAmount: taxable,
      taxAmount: Math.floor((taxable * rate) / (100 + rate)),
    }));
}

/** The JST calendar day of a wire time (`2006/01/02 …`), as YYYY-MM-DD. */
export function wireDay(value: string | null | undefined): string | undefined {
  return value
    ?.match(/^(\d{4})[/-](\d{2})[/-](\d{2})/)
    ?.slice(1)
    .join("-");
}

/** An order waits while its scheduled ship date is after `today` (JST, YYYY-MM-DD); no date means due. */
export function isDueForShipment(order: Resource, today: string): boolean {
  const day = wireDay(order.attributes.scheduled_to_be_shipped_at as string | null | undefined);
  return !day || day <= today;
}

/** `2006/01/02 15:04:05` (JST) → ISO 8601 with +09:00. */
export function fromWireTime(value: string | null | undefined): string | undefined {
  const m = value?.match(/^(\d{4})[/-](\d{2})[/-](\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/);
  if (!m) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? "00"}:${m[5] ?? "00"}:${m[6] ?? "00"}+09:00`;
}

/** `2006-01-02 15:04:05` in JST, for ransack conditions. */
export function toWireTime(date: Date): string {
  const jst = new Date(date.getTime() + jstOffsetMs).toISOString();
  return `${jst.slice(0, 10)} ${jst.slice(11, 19)}`;
}

export function jstToday(now: Date): string {
  return new Date(now.getTime() + jstOffsetMs).toISOString().slice(0, 10);
}

/** The first JST midnight at or after `date`. */
export function nextJstMidnight(date: Date): Date {
  const jst = date.getTime() + jstOffsetMs;
  return new Date(Math.ceil(jst / dayMs) * dayMs - jstOffsetMs);
}

// ---- shipments ----------------------------------------------------------------------------------------

export const carrierSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(Number),
  attributes: z.looseObject({ name: z.string() }),
});

/** The shop's carrier whose name matches Kura's carrier (after normalizing), or undefined. */
export function findCarrierId(
  carriers: z.infer<typeof carrierSchema>[],
  carrier: string,
): number | undefined {
  const wanted = normalizeForComparison(carrier);
  if (!wanted) return undefined;
  const exact = carriers.find((c) => normalizeForComparison(c.attributes.name) === wanted);
  const partial = carriers.find((c) => {
    const name = normalizeForComparison(c.attributes.name);
    return name.includes(wanted) || wanted.includes(name);
  });
  return (exact ?? partial)?.id;
}

// ---- stock --------------------------------------------------------------------------------------------

export const bulkAnswerSchema = z.object({
  success: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  failure: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  errors: z
    .array(
      z.looseObject({
        id: z.union([z.string(), z.number()]).transform(String).optional(),
        code: z.string().optional(),
        message: z.string().optional(),
      }),
    )
    .default([]),
});
export type BulkAnswer = z.infer<typeof bulkAnswerSchema>;

const stockRejections: StockRejections = {
  AST1001: "not_found",
  AST1003: "unlimited",
};

export function toStockItemResult(item: StockItem, answer: BulkAnswer): StockItemResult {
  if (answer.success.includes(item.itemCode)) return updatedStock(item);
  const error = answer.errors.find((e) => e.id === item.itemCode);
  return rejectedStock(item, { code: error?.code, message: error?.message ?? "" }, stockRejections);
}
