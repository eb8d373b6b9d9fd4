// Seed generator for the ecforce simulator: realistic, reproducible orders in ecforce's attribute names
// (orders with billing / shipping addresses and order items), Japanese names with kana, real postal codes,
// 8% (food) and 10% items, totals that add up, scheduled ship dates around today.
import { buyerPool, type Dice, fourDigits, instantBetween, sampleBuyer, seededDice } from "../kit/sample.ts";

export interface EcforceAddress {
  name01: string;
  name02: string;
  kana01: string;
  kana02: string;
  zip01: string;
  zip02: string;
  prefecture_name: string;
  addr01: string;
  addr02: string;
  addr03: string;
  tel01: string;
  tel02: string;
  tel03: string;
}

export interface EcforceOrderItem {
  variant_sku: string;
  product_name: string;
  /** Unit price, tax included (ours). */
  price: number;
  quantity: number;
  tax_rate: number;
}

export interface EcforceOrder {
  id: number;
  number: string;
  state: string;
  payment_state: string;
  payment_method_name: string;
  email: string;
  subtotal: number;
  discount: number;
  point: number;
  deliv_fee: number;
  charge: number;
  /** Consumption tax contained in the total (informational). */
  tax: number;
  total: number;
  shipping_carrier_id: number | null;
  shipping_carrier_name: string | null;
  shipping_slip: string | null;
  /** `2006/01/02 15:04:05` JST, as ecforce answers. */
  scheduled_to_be_shipped_at: string | null;
  scheduled_to_be_delivered_at: string | null;
  scheduled_delivery_time: string | null;
  shipped_at: string | null;
  created_at: string;
  updated_at: string;
  billing_address: EcforceAddress;
  shipping_address: EcforceAddress;
  order_items: EcforceOrderItem[];
}

export interface CatalogVariant {
  sku: string;
  name: string;
  price: number;
  taxRate: number;
  unlimited: boolean;
}

export const defaultCatalog: CatalogVariant[] = [
  { sku: "TEA-SENCHA-100", name: "静岡煎茶 100g", price: 1080, taxRate: 8, unlimited: false },
  { sku: "TEA-HOJI-100", name: "ほうじ茶 100g", price: 864, taxRate: 8, unlimited: false },
  { sku: "SERUM-30ML", name: "美容液 30mL", price: 4400, taxRate: 10, unlimited: false },
  { sku: "SERUM-TRIAL", name: "美容液 お試しセット", price: 1100, taxRate: 10, unlimited: false },
  { sku: "E-GIFT", name: "デジタルギフト", price: 3000, taxRate: 10, unlimited: true },
];

export const defaultCarriers = [
  { id: 1, name: "ヤマト運輸" },
  { id: 2, name: "佐川急便" },
  { id: 3, name: "日本郵便" },
];

/** The buyers ecforce's seeds were first drawn from: part of the kit's pool. */
const buyers = buyerPool({
  familyNames: ["佐藤", "鈴木", "高橋", "田中", "伊藤", "中村"],
  givenNames: ["花子", "一郎", "美咲", "健太", "陽菜"],
  towns: ["1540024", "5300001", "4600008", "8120011", "9800021"],
});
const payments = [
  { name: "クレジットカード", state: "authed", charge: 0 },
  { name: "代金引換", state: "pending", charge: 330 },
  { name: "NP後払い", state: "credit_exam_completed", charge: 220 },
] as const;
const times = [null, "午前中", "14時〜16時", "18時〜20時"] as const;

export interface GenerateOptions {
  count: number;
  /** updated_at (and created_at) spread over [from, to). Default: the last hour. */
  from?: Date;
  to?: Date;
  /** Days from the order to its scheduled ship date; default 0 (ship the same day). */
  shipAfterDays?: number;
  state?: string;
  seed?: number;
  firstId?: number;
  catalog?: CatalogVariant[];
}

export function generateOrders(options: GenerateOptions): EcforceOrder[] {
  const dice = seededDice(options.seed ?? 1);
  const { random, pick } = dice;
  const to = options.to ?? new Date();
  const from = options.from ?? new Date(to.getTime() - 3_600_000);
  const catalog = (options.catalog ?? defaultCatalog).filter((variant) => !variant.unlimited);
  const firstId = options.firstId ?? 1;

  return Array.from({ length: options.count }, (_, index) => {
    const id = firstId + index;
    const created = instantBetween(random, from, to);
    const billing = address(dice);
    const shipping = random() < 0.2 ? address(dice) : billing;
    const payment = pick(payments);
    const items = Array.from({ length: 1 + Math.floor(random() * 2) }, () => {
      const variant = pick(catalog);
      return {
        variant_sku: variant.sku,
        product_name: variant.name,
        price: variant.price,
        quantity: 1 + Math.floor(random() * 2),
        tax_rate: variant.taxRate,
      };
    });
    const subtotal = items.reduce((sum, item) => sum + item.price * item.quantity, 0);
    const delivFee = subtotal >= 5000 ? 0 : 660;
    const point = random() < 0.3 ? 100 : 0;
    const total = subtotal + delivFee + payment.charge - point;
    const shipDay = new Date(created.getTime() + (options.shipAfterDays ?? 0) * 86_400_000);
    return {
      id,
      number: String(100_000 + id),
      state: options.state ?? "new",
      payment_state: payment.state,
      payment_method_name: payment.name,
      email: `customer${id}@example.jp`,
      subtotal,
      discount: 0,
      point,
      deliv_fee: delivFee,
      charge: payment.charge,
      tax: containedTax(items, delivFee + payment.charge),
      total,
      shipping_carrier_id: 1,
      shipping_carrier_name: "ヤマト運輸",
      shipping_slip: null,
      scheduled_to_be_shipped_at: `${toWireTime(shipDay).slice(0, 10)} 00:00:00`,
      scheduled_to_be_delivered_at: null,
      scheduled_delivery_time: pick(times),
      shipped_at: null,
      created_at: toWireTime(created),
      updated_at: toWireTime(created),
      billing_address: billing,
      shipping_address: shipping,
      order_items: items,
    };
  });
}

function address(dice: Dice): EcforceAddress {
  const buyer = sampleBuyer(dice, buyers);
  return {
    name01: buyer.familyName,
    name02: buyer.givenName,
    kana01: buyer.familyKana,
    kana02: buyer.givenKana,
    zip01: buyer.zip.slice(0, 3),
    zip02: buyer.zip.slice(3),
    prefecture_name: buyer.prefecture,
    addr01: `${buyer.city}${buyer.town}`,
    addr02: buyer.block,
    addr03: dice.random() < 0.3 ? "コーポ桜 201" : "",
    tel01: "090",
    tel02: fourDigits(dice.random),
    tel03: fourDigits(dice.random),
  };
}

function containedTax(items: { price: number; quantity: number; tax_rate: number }[], fees: number): number {
  const byRate = new Map<number, number>();
  for (const item of items)
    byRate.set(item.tax_rate, (byRate.get(item.tax_rate) ?? 0) + item.price * item.quantity);
  if (fees > 0) byRate.set(10, (byRate.get(10) ?? 0) + fees);
  let tax = 0;
  for (const [rate, amount] of byRate) tax += Math.floor((amount * rate) / (100 + rate));
  return tax;
}

/** `2006/01/02 15:04:05` in Japan time: ecforce's answers. */
export function toWireTime(date: Date): string {
  const jst = new Date(date.getTime() + 9 * 3_600_000).toISOString();
  return `${jst.slice(0, 10).replaceAll("-", "/")} ${jst.slice(11, 19)}`;
}
