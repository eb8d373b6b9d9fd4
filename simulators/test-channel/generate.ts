// Realistic, reproducible test-channel orders: Japanese names with kana, real postal codes and towns,
// a small catalog with 8% (food) and 10% tax, totals that add up.
import type { WireItem, WireOrder, WireOrderStatus, WirePerson } from "./wire.ts";

const familyNames = [
  ["佐藤", "サトウ"],
  ["鈴木", "スズキ"],
  ["高橋", "タカハシ"],
  ["田中", "タナカ"],
  ["伊藤", "イトウ"],
  ["渡辺", "ワタナベ"],
  ["山本", "ヤマモト"],
  ["中村", "ナカムラ"],
  ["小林", "コバヤシ"],
  ["加藤", "カトウ"],
  ["吉田", "ヨシダ"],
  ["山口", "ヤマグチ"],
] as const;

const givenNames = [
  ["花子", "ハナコ"],
  ["一郎", "イチロウ"],
  ["美咲", "ミサキ"],
  ["健太", "ケンタ"],
  ["さくら", "サクラ"],
  ["翔太", "ショウタ"],
  ["陽菜", "ヒナ"],
  ["大輝", "ダイキ"],
  ["結衣", "ユイ"],
  ["蓮", "レン"],
] as const;

/** [postal code, prefecture, city, town] — real combinations. */
const towns = [
  ["1540024", "東京都", "世田谷区", "三軒茶屋"],
  ["1500001", "東京都", "渋谷区", "神宮前"],
  ["5300001", "大阪府", "大阪市北区", "梅田"],
  ["4600008", "愛知県", "名古屋市中区", "栄"],
  ["8120011", "福岡県", "福岡市博多区", "博多駅前"],
  ["0600001", "北海道", "札幌市中央区", "北一条西"],
  ["9800021", "宮城県", "仙台市青葉区", "中央"],
  ["6008216", "京都府", "京都市下京区", "東塩小路町"],
  ["2200012", "神奈川県", "横浜市西区", "みなとみらい"],
  ["9000006", "沖縄県", "那覇市", "おもろまち"],
] as const;

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
  const random = mulberry32(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const to = options.to ?? new Date();
  const from = options.from ?? new Date(to.getTime() - 7 * 86_400_000);
  const catalog = (options.catalog ?? defaultCatalog).filter(
    (item) => !item.unlimited_stock || random() < 0.5,
  );
  const firstSerial = options.firstSerial ?? 1;

  return Array.from({ length: options.count }, (_, index) => {
    const updatedAt = new Date(from.getTime() + Math.floor(random() * (to.getTime() - from.getTime())));
    const orderedAt = new Date(updatedAt.getTime() - Math.floor(random() * 2 * 86_400_000));
    const buyer = person(pick, random);
    const shipTo = random() < 0.2 ? person(pick, random) : buyer;
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

function person(pick: <T>(list: readonly T[]) => T, random: () => number): WirePerson {
  const [family, familyKana] = pick(familyNames);
  const [given, givenKana] = pick(givenNames);
  const [zip, pref, city, town] = pick(towns);
  const block = `${1 + Math.floor(random() * 5)}-${1 + Math.floor(random() * 20)}-${1 + Math.floor(random() * 15)}`;
  const digits = () => String(Math.floor(random() * 10_000)).padStart(4, "0");
  return {
    family_name: family,
    given_name: given,
    family_name_kana: familyKana,
    given_name_kana: givenKana,
    email: `buyer-${digits()}${digits()}@relay.test-channel.example`,
    tel: `090${digits()}${digits()}`,
    zip,
    pref,
    city,
    street: `${town}${block}`,
    building: pick(buildings) || null,
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
export function toJstIso(date: Date): string {
  const jst = new Date(date.getTime() + 9 * 3_600_000);
  return `${jst.toISOString().slice(0, 19)}+09:00`;
}

function jstDate(date: Date): string {
  return toJstIso(date).slice(0, 10);
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
