// What every channel simulator remembers besides its own order records: a catalog (with unlimited-stock
// items), the stock last set per item, the shipments it applied, and its clock. Plain data.
import { isCount } from "./checks.ts";

export interface CatalogItem {
  itemCode: string;
  /** The item's choice (variation) code, "" for none. */
  optionCode: string;
  name: string;
  price: number;
  taxRate: number;
  unlimitedStock: boolean;
}

export interface StockRecord {
  quantity: number;
  receivedAt: Date;
}

/** A shipment notice as the channel applied it, in neutral words (each simulator fills it from its wire). */
export interface AppliedShipment {
  orderCode: string;
  carrier: string;
  trackingNumber: string;
  shippedOn: string;
}

/** The small catalog every simulator starts with: a tea at 8%, a cup in a colour at 10%, an unlimited card. */
export const kitCatalog: CatalogItem[] = [
  {
    itemCode: "TEA-SENCHA-100",
    optionCode: "",
    name: "静岡煎茶 100g",
    price: 1080,
    taxRate: 8,
    unlimitedStock: false,
  },
  {
    itemCode: "CUP-YUNOMI",
    optionCode: "AO",
    name: "有田焼 湯呑み 青",
    price: 2200,
    taxRate: 10,
    unlimitedStock: false,
  },
  {
    itemCode: "GIFT-CARD",
    optionCode: "",
    name: "ギフトカード",
    price: 3000,
    taxRate: 0,
    unlimitedStock: true,
  },
];

export type StockOutcome = "updated" | "invalid" | "not_found" | "unlimited";

/** A channel's refusal of a stock line, per reason: [its error code, its message]. */
export type StockRefusals = Record<Exclude<StockOutcome, "updated">, readonly [string, string]>;

const key = (itemCode: string, optionCode = "") => `${itemCode}\u0000${optionCode}`;

export class KitState<TOrder> {
  readonly orders = new Map<string, TOrder>();
  readonly catalog = new Map<string, CatalogItem>();
  readonly stock = new Map<string, StockRecord>();
  readonly shipments: AppliedShipment[] = [];

  /** `channel` names the simulator in the errors of its admin helpers. */
  constructor(
    readonly now: () => Date = () => new Date(),
    readonly channel = "the",
  ) {
    for (const item of kitCatalog) this.catalog.set(key(item.itemCode, item.optionCode), item);
  }

  item(itemCode: string, optionCode = ""): CatalogItem | undefined {
    return this.catalog.get(key(itemCode, optionCode));
  }

  /** What a seeded order line says of an item: the catalog's name, price and tax rate, or placeholders. */
  lineOf(itemCode: string, optionCode = ""): { name: string; price: number; taxRate: number } {
    const item = this.item(itemCode, optionCode);
    return {
      name: item?.name ?? `商品 ${itemCode}`,
      price: item?.price ?? 1000,
      taxRate: item?.taxRate ?? 10,
    };
  }

  /** An order for an admin helper; throws for an unknown code (a mistake in the test). */
  order(code: string): TOrder {
    const order = this.orders.get(code);
    if (!order) throw new Error(`${this.channel} simulator has no order ${code}`);
    return order;
  }

  /**
   * The orders whose time (`timeOf`, ISO 8601 text) is in [from, to), by that time then by their code: what
   * the channels' order searches answer before paging.
   */
  ordersBetween(from: number, to: number, timeOf: (order: TOrder) => string): TOrder[] {
    return [...this.orders.entries()]
      .filter(([, order]) => Date.parse(timeOf(order)) >= from && Date.parse(timeOf(order)) < to)
      .sort(([codeA, a], [codeB, b]) => timeOf(a).localeCompare(timeOf(b)) || codeA.localeCompare(codeB))
      .map(([, order]) => order);
  }

  stockOf(itemCode: string, optionCode = ""): StockRecord | undefined {
    return this.stock.get(key(itemCode, optionCode));
  }

  /**
   * Sets stock the way channels do, or says why not: a quantity that is not a whole number from 0 is refused
   * first, then unknown and unlimited items.
   */
  setStock(itemCode: string, optionCode: string, quantity: unknown): StockOutcome {
    if (!isCount(quantity)) return "invalid";
    const item = this.item(itemCode, optionCode);
    if (!item) return "not_found";
    if (item.unlimitedStock) return "unlimited";
    this.stock.set(key(itemCode, optionCode), { quantity, receivedAt: this.now() });
    return "updated";
  }
}

/** A buyer as every simulator's sample orders use it: real postal code and town, name with kana. */
export interface SamplePerson {
  familyName: string;
  givenName: string;
  familyKana: string;
  givenKana: string;
  zip: string;
  prefecture: string;
  city: string;
  street: string;
  tel: string;
  email: string;
}

const people: SamplePerson[] = [
  {
    familyName: "佐藤",
    givenName: "花子",
    familyKana: "サトウ",
    givenKana: "ハナコ",
    zip: "1540024",
    prefecture: "東京都",
    city: "世田谷区",
    street: "三軒茶屋2-14-1",
    tel: "0312345678",
    email: "hanako@example.jp",
  },
  {
    familyName: "田中",
    givenName: "健太",
    familyKana: "タナカ",
    givenKana: "ケンタ",
    zip: "5300001",
    prefecture: "大阪府",
    city: "大阪市北区",
    street: "梅田1-1-3 サンハイツ105",
    tel: "0661234567",
    email: "kenta@example.jp",
  },
];

export const samplePerson = (n: number): SamplePerson => people[n % people.length] as SamplePerson;

/** Asia/Tokyo wall-clock parts of an instant. */
export function jstParts(date: Date) {
  const jst = new Date(date.getTime() + 9 * 3_600_000).toISOString();
  return {
    date: jst.slice(0, 10),
    time: jst.slice(11, 19),
    compact: jst.slice(0, 19).replace(/\D/g, ""),
  };
}

/** `2025-01-31T09:15:00+09:00`: an instant in Japan time, ISO 8601 with its offset. */
export function jstIso(date: Date): string {
  const { date: day, time } = jstParts(date);
  return `${day}T${time}+09:00`;
}
