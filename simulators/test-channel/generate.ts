// Realistic, reproducible test-channel orders: Japanese names with kana, real postal codes and towns,
// a small catalog with 8% (food) and 10% tax, totals that add up.
import { type Dice, fourDigits, instantBetween, sampleBuyer, seededDice } from "../kit/sample.ts";
import { jstIso } from "../kit/state.ts";
import type { WireItem, WireOrder, WireOrderStatus, WirePerson } from "./wire.ts";

const buildings = [
  "",
  "",
  "",
  "グランドメゾン 302号室",
  "サンハイツ 105",
  "コーポ桜 2F",
  "パークタワー 1204号室",
];

export const defaultCatalog: WireItem[] = [
  {
    sku: "TEA-SENCHA-100",
    variant: null,
    name: "静岡煎茶 100g",
    price: 1080,
    tax_rate: 8,
    unlimited_stock: false,
  },
  {
    sku: "TEA-HOJI-100",
    variant: null,
    name: "ほうじ茶 100g",
    price: 864,
    tax_rate: 8,
    unlimited_stock: false,
  },
  {
    sku: "TEA-MATCHA-30",
    variant: null,
    name: "宇治抹茶 30g",
    price: 1620,
    tax_rate: 8,
    unlimited_stock: false,
  },
  {
    sku: "CUP-YUNOMI",
    variant: "AO",
    name: "有田焼 湯呑み 青",
    price: 2200,
    tax_rate: 10,
    unlimited_stock: false,
  },
  {
    sku: "CUP-YUNOMI",
    variant: "AKA",
    name: "有田焼 湯呑み 赤",
    price: 2200,
    tax_rate: 10,
    unlimited_stock: false,
  },
  { sku: "TENUGUI", variant: "KOI", name: "手ぬぐい 鯉", price: 1100, tax_rate: 10, unlimited_stock: false },
  { sku: "GIFT-CARD", variant: null, name: "ギフトカード", price: 3000, tax_rate: 10, unlimited_stock: true },
];

const deliveries = [
  { method: "宅配便", slots: [null, "am", "14-16", "16-18", "18-20", "19-21"] },
  { method: "メール便", slots: [null] },
] as const;

const payments = [
  { method: "credit_card", method_name: "クレジットカード決済", paid: true },
  { method: "cod", method_name: "代金引換", paid: false },
  { method: "bank_transfer", method_name: "銀行振込", paid: false },
] as const;

export interface GenerateOptions {
  count: number;
  /** updated_at is spread over [from, to). Default: the last 7 days. */
  from?: Date;
  to?: Date;
  status?: WireOrderStatus;
  /** Same seed, same orders. */
  seed?: number;
  /** The first order's serial number; order numbers are TC-YYYYMMDD-<serial>. */
  firstSerial?: number;
  catalog?: WireItem[];
}

export function generateOrders(options: GenerateOptions): WireOrder[] {
  const dice = seededDice(options.seed ?? 1);
  const { random, pick } = dice;
  const to = options.to ?? new Date();
  const from = options.from ?? new Date(to.getTime() - 7 * 86_400_000);
  const catalog = (options.catalog ?? defaultCatalog).filter(
    (item) => !item.unlimited_stock || random() < 0.5,
  );
  const firstSerial = options.firstSerial ?? 1;

  return Array.from({ length: options.count }, (_, index) => {
    const updatedAt = instantBetween(random, from, to);
    const orderedAt = new Date(updatedAt.getTime() - Math.floor(random() * 2 * 86_400_000));
    const buyer = person(dice);
    const shipTo = random() < 0.2 ? person(dice) : buyer;
    const delivery = pick(deliveries);
    const payment = pick(payments);
    const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
      const item = pick(catalog);
      return {
        sku: item.sku,
        variant: item.variant,
        name: item.name,
        qty: 1 + Math.floor(random() * 3),
        price: item.price,
        tax_rate: item.tax_rate,
      };
    });
    const itemsTotal = items.reduce((sum, line) => sum + line.price * line.qty, 0);
    const shipping = itemsTotal >= 5000 ? 0 : delivery.method === "メール便" ? 220 : 660;
    const codFee = payment.method === "cod" ? 330 : 0;
    const points = random() < 0.3 ? Math.min(itemsTotal, 100 * (1 + Math.floor(random() * 5))) : 0;
    return {
      order_no: `TC-${jstDate(orderedAt).replaceAll("-", "")}-${String(firstSerial + index).padStart(6, "0")}`,
      status: options.status ?? "ready",
      ordered_at: toJstIso(orderedAt),
      updated_at: toJstIso(updatedAt),
      buyer,
      ship_to: [shipTo],
      delivery: {
        method: delivery.method,
        date: random() < 0.3 ? jstDate(new Date(orderedAt.getTime() + 3 * 86_400_000)) : null,
        time_slot: pick(delivery.slots),
      },
      payment: {
        method: payment.method,
        method_name: payment.method_name,
        status: payment.paid ? "paid" : "unpaid",
      },
      items,
      totals: {
        items: itemsTotal,
        shipping,
        cod_fee: codFee,
        discount: 0,
        points,
        coupon: 0,
        grand_total: itemsTotal + shipping + codFee - points,
      },
      tax_summary: taxSummary(items, shipping + codFee),
    };
  });
}

function person(dice: Dice): WirePerson {
  const buyer = sampleBuyer(dice);
  const digits = () => fourDigits(dice.random);
  return {
    family_name: buyer.familyName,
    given_name: buyer.givenName,
    family_name_kana: buyer.familyKana,
    given_name_kana: buyer.givenKana,
    email: `buyer-${digits()}${digits()}@relay.test-channel.example`,
    tel: `090${digits()}${digits()}`,
    zip: buyer.zip,
    pref: buyer.prefecture,
    city: buyer.city,
    street: `${buyer.town}${buyer.block}`,
    building: dice.pick(buildings) || null,
  };
}

/** Tax included in the prices, per rate; fees are taxed at 10%. */
function taxSummary(items: { price: number; qty: number; tax_rate: number }[], fees: number) {
  const byRate = new Map<number, number>();
  for (const line of items)
    byRate.set(line.tax_rate, (byRate.get(line.tax_rate) ?? 0) + line.price * line.qty);
  if (fees > 0) byRate.set(10, (byRate.get(10) ?? 0) + fees);
  return [...byRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rate, taxable]) => ({ rate, taxable, tax: Math.floor((taxable * rate) / (100 + rate)) }));
}

/** `2025-01-31T09:15:00+09:00`: the test channel's date-time format. */
export const toJstIso = jstIso;

function jstDate(date: Date): string {
  return toJstIso(date).slice(0, 10);
}
