// Seed generator for the Yahoo! Shopping simulator: realistic, reproducible orders in the Store API's field
// names (OrderInfo with its Pay / Ship / Detail / Item groups), Japanese names with kana, real postal codes
// and towns, 8% (food) and 10% items, totals that add up.
import { buyerPool, type Dice, fourDigits, instantBetween, sampleBuyer, seededDice } from "../kit/sample.ts";
import { jstIso } from "../kit/state.ts";

/** A group of flat XML fields (`<Pay><PayStatus>1</PayStatus>…</Pay>`). */
export type Fields = Record<string, string | number>;

export interface YahooItem extends Fields {
  LineId: number;
  ItemId: string;
  Title: string;
  /** 個別商品コード (variation), "" when the item has none. */
  SubCode: string;
  UnitPrice: number;
  Quantity: number;
  ItemTaxRatio: number;
}

export interface YahooOrder {
  OrderId: string;
  OrderTime: string;
  LastUpdateTime: string;
  /** 1 予約中, 2 処理中, 3 保留, 4 キャンセル, 5 完了. */
  OrderStatus: number;
  /** "" unless cancelled: 100 buyer's own cancellation, 200 payment expired, 300 by the store (ours). */
  CancelReason: string;
  IsSeen: "true" | "false";
  /** 0 low risk, 1 under review (hidden from orderList), 2 released, 3 fraud. */
  FraudHoldStatus: number;
  BuyerComments: string;
  Pay: Fields;
  Ship: Fields;
  Detail: Fields;
  Item: YahooItem[];
}

export interface CatalogItem {
  itemId: string;
  subCode: string;
  title: string;
  price: number;
  taxRatio: number;
}

export const defaultCatalog: CatalogItem[] = [
  { itemId: "tea-sencha-100", subCode: "", title: "静岡煎茶 100g", price: 1080, taxRatio: 8 },
  { itemId: "tea-hoji-100", subCode: "", title: "ほうじ茶 100g", price: 864, taxRatio: 8 },
  { itemId: "cup-yunomi", subCode: "ao", title: "有田焼 湯呑み 青", price: 2200, taxRatio: 10 },
  { itemId: "cup-yunomi", subCode: "aka", title: "有田焼 湯呑み 赤", price: 2200, taxRatio: 10 },
  { itemId: "tenugui-koi", subCode: "", title: "手ぬぐい 鯉", price: 1100, taxRatio: 10 },
];

/** The buyers Yahoo!'s seeds were first drawn from: the start of the kit's tables. */
const buyers = buyerPool({ familyNames: 8, givenNames: 6, towns: 6 });
const buildings = ["", "", "グランドメゾン 302号室", "サンハイツ 105", "コーポ桜 2F"];

const shipMethods = [
  { ShipMethod: "postage1", ShipMethodName: "宅配便", times: ["", "午前中", "14:00-16:00", "18:00-20:00"] },
  { ShipMethod: "postage2", ShipMethodName: "メール便", times: [""] },
] as const;

const payMethods = [
  { PayMethod: "payment_a1", PayMethodName: "クレジットカード決済", paid: true, charge: 0 },
  { PayMethod: "payment_a17", PayMethodName: "PayPay残高等払い", paid: true, charge: 0 },
  { PayMethod: "payment_d1", PayMethodName: "商品代引", paid: false, charge: 330 },
  { PayMethod: "payment_b1", PayMethodName: "銀行振込", paid: false, charge: 0 },
] as const;

export interface GenerateOptions {
  count: number;
  /** OrderTime is spread over [from, to). Default: from 7 days ago until 20 minutes ago. */
  from?: Date;
  to?: Date;
  sellerId: string;
  /** Same seed, same orders. */
  seed?: number;
  firstSerial?: number;
  catalog?: CatalogItem[];
}

export function generateOrders(options: GenerateOptions): YahooOrder[] {
  const dice = seededDice(options.seed ?? 1);
  const { random, pick } = dice;
  const to = options.to ?? new Date(Date.now() - 20 * 60_000);
  const from = options.from ?? new Date(to.getTime() - 7 * 86_400_000);
  const catalog = options.catalog ?? defaultCatalog;
  const firstSerial = options.firstSerial ?? 1;

  return Array.from({ length: options.count }, (_, index) => {
    const orderTime = instantBetween(random, from, to);
    const bill = person(dice);
    const ship = random() < 0.2 ? person(dice) : bill;
    const method = pick(shipMethods);
    const pay = pick(payMethods);
    const lines: YahooItem[] = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, line) => {
      const item = pick(catalog);
      return {
        LineId: line + 1,
        ItemId: item.itemId,
        Title: item.title,
        SubCode: item.subCode,
        UnitPrice: item.price,
        Quantity: 1 + Math.floor(random() * 3),
        ItemTaxRatio: item.taxRatio,
      };
    });
    const items = lines.reduce((sum, line) => sum + line.UnitPrice * line.Quantity, 0);
    const shipCharge = items >= 5000 ? 0 : method.ShipMethod === "postage2" ? 220 : 660;
    const usePoint = random() < 0.3 ? Math.min(items, 100 * (1 + Math.floor(random() * 5))) : 0;
    const total = items + shipCharge + pay.charge - usePoint;
    const requestDate =
      method.ShipMethod === "postage1" && random() < 0.3
        ? yyyymmdd(new Date(orderTime.getTime() + 4 * 86_400_000))
        : "";
    return {
      OrderId: `${options.sellerId}-${10_000_000 + firstSerial + index}`,
      OrderTime: toJstIso(orderTime),
      LastUpdateTime: toJstIso(orderTime),
      OrderStatus: 2,
      CancelReason: "",
      IsSeen: "false",
      FraudHoldStatus: 0,
      BuyerComments: "",
      Pay: {
        PayStatus: pay.paid ? 1 : 0,
        PayMethod: pay.PayMethod,
        PayMethodName: pay.PayMethodName,
        PayDate: pay.paid ? yyyymmdd(orderTime) : "",
        ...prefixed("Bill", bill),
        BillMailAddress: bill.mail,
      },
      Ship: {
        ShipStatus: 1,
        ShipMethod: method.ShipMethod,
        ShipMethodName: method.ShipMethodName,
        ShipRequestDate: requestDate,
        ShipRequestTime: pick(method.times),
        ShipNotes: "",
        ShipCompanyCode: "",
        ShipInvoiceNumber1: "",
        ShipInvoiceNumber2: "",
        ShipDate: "",
        ...prefixed("Ship", ship),
      },
      Detail: {
        PayCharge: pay.charge,
        ShipCharge: shipCharge,
        GiftWrapCharge: 0,
        Discount: 0,
        UsePoint: usePoint,
        GiftCardDiscount: 0,
        TotalMallCouponDiscount: 0,
        TotalPrice: total,
        SettleAmount: total,
      },
      Item: lines,
    };
  });
}

interface Person {
  firstName: string;
  lastName: string;
  firstNameKana: string;
  lastNameKana: string;
  zip: string;
  prefecture: string;
  city: string;
  address1: string;
  address2: string;
  phone: string;
  mail: string;
}

function person(dice: Dice): Person {
  const buyer = sampleBuyer(dice, buyers);
  const digits = () => fourDigits(dice.random);
  return {
    firstName: buyer.givenName,
    lastName: buyer.familyName,
    firstNameKana: buyer.givenKana,
    lastNameKana: buyer.familyKana,
    zip: buyer.zip,
    prefecture: buyer.prefecture,
    city: buyer.city,
    address1: `${buyer.town}${buyer.block}`,
    address2: dice.pick(buildings),
    phone: `090-${digits()}-${digits()}`,
    mail: `${digits()}${digits()}@ybb.example.ne.jp`,
  };
}

function prefixed(prefix: "Bill" | "Ship", p: Person): Fields {
  return {
    [`${prefix}FirstName`]: p.firstName,
    [`${prefix}LastName`]: p.lastName,
    [`${prefix}FirstNameKana`]: p.firstNameKana,
    [`${prefix}LastNameKana`]: p.lastNameKana,
    [`${prefix}ZipCode`]: p.zip,
    [`${prefix}Prefecture`]: p.prefecture,
    [`${prefix}City`]: p.city,
    [`${prefix}Address1`]: p.address1,
    [`${prefix}Address2`]: p.address2,
    [`${prefix}PhoneNumber`]: p.phone,
  };
}

/** `2025-03-01T10:15:00+09:00`. */
export const toJstIso = jstIso;

/** `20250301` in Japan time. */
export function yyyymmdd(date: Date): string {
  return toJstIso(date).slice(0, 10).replaceAll("-", "");
}
