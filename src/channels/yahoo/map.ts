// Yahoo! Shopping Store API (ShoppingWebService V1, XML) ⇄ Kura's shapes. The only place in the product that
// knows what Yahoo!'s records look like; the envelopes and calls are in client.ts.
//
// Published facts follow /work/shared/channel-apis.md §2. What we assume beyond them (the simulator's README
// says the same):
// - Date-times in answers are ISO 8601 with +09:00 (`OrderTime`); conditions are `YYYYMMDDHHMMSS` in JST and
//   `OrderTimeTo` is inclusive to the second. `ShipRequestDate`, `PayDate`, `ShipDate` are `YYYYMMDD`.
// - `ShipRequestTime` is "HH:MM-HH:MM" or a carrier word (午前中); we turn hours into "14時～16時".
// - Names: `…LastName` is the family name, `…FirstName` the given name; kana in `…LastNameKana`/`…FirstNameKana`.
// - Prices are tax included; `TotalPrice` = items + GiftWrapCharge + ShipCharge + PayCharge − Discount −
//   GiftCardDiscount − UsePoint − coupons. Fees are taxed at 10%.
// - The channel item is `ItemId` + `SubCode` (variation); setStock names it `ItemId:SubCode`.
// - OrderStatus 4 (キャンセル) is a cancellation on Yahoo!'s side (buyer within 10 minutes, payment expiry, or
//   the store in Store Creator Pro): `cancelledOnChannel`. `CancelReason` is kept in `raw` only.
// - ShipCompanyCode follows Rakuten's 1000–1031 list for the carriers Yahoo! documents (1001 ヤマト, 1002 佐川,
//   1003 日本郵便, 1006 福山) and 1004 西濃 [inferred]; anything else is 1000 その他.
// - setStock answers one `<Result>` per item; a refused item carries `<ErrorCode>`/`<ErrorMessage>` (ours).
// - Public-key authentication (signature.ts): the message is "<sellerId>:<unixtime>" in UTF-8 as published;
//   what Yahoo! checks of it (version, seller, a time within 10 minutes) and its refusal's code are ours.
import { z } from "zod";
import { normalizeForComparison } from "../../domain/normalize.ts";
import type { OrderInputRaw } from "../../domain/order-input.ts";
import { rejectedStock, type StockRejections, updatedStock } from "../common/stock.ts";
import type { ShipmentNotice, StockItem, StockItemResult } from "../types.ts";

// ---- XML helpers ----------------------------------------------------------------------------------------

/** An XML element that may occur once, several times or not at all, as a list. */
export const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) => (value === undefined || value === "" ? [] : Array.isArray(value) ? value : [value]),
    z.array(item),
  );

/** A text element; an empty element parses as "". */
const text = z.preprocess(
  (value) => (value === undefined || value === null ? "" : String(value)),
  z.string(),
);
const yen = z.preprocess(
  (value) => (value === undefined || value === "" ? 0 : Number(value)),
  z.number().int("must be whole yen"),
);

// ---- orders -------------------------------------------------------------------------------------------

/** One row of orderList (only the fields the connector asks for). */
export const orderListRowSchema = z.looseObject({ OrderId: z.string().min(1), OrderStatus: text });
export const orderListFields = "OrderId,OrderTime,OrderStatus";

/** The fields orderInfo is asked for; it answers them grouped (Pay, Ship, Detail, Item). */
export const orderInfoFields = [
  "OrderId,OrderTime,OrderStatus,CancelReason,BuyerComments,LastUpdateTime",
  "PayStatus,PayMethod,PayMethodName,PayDate,BillFirstName,BillLastName,BillFirstNameKana,BillLastNameKana",
  "BillZipCode,BillPrefecture,BillCity,BillAddress1,BillAddress2,BillPhoneNumber,BillMailAddress",
  "ShipStatus,ShipMethod,ShipMethodName,ShipRequestDate,ShipRequestTime,ShipFirstName,ShipLastName",
  "ShipFirstNameKana,ShipLastNameKana,ShipZipCode,ShipPrefecture,ShipCity,ShipAddress1,ShipAddress2,ShipPhoneNumber",
  "PayCharge,ShipCharge,GiftWrapCharge,Discount,UsePoint,GiftCardDiscount,TotalMallCouponDiscount,TotalPrice",
  "LineId,ItemId,Title,SubCode,UnitPrice,Quantity,ItemTaxRatio,CouponDiscount",
].join(",");

export const orderInfoSchema = z.looseObject({
  OrderId: z.string().min(1),
  OrderTime: z.string().min(1),
  OrderStatus: text,
  CancelReason: text,
  Pay: z.looseObject({
    PayStatus: text,
    PayMethodName: text,
    BillFirstName: text,
    BillLastName: text,
    BillFirstNameKana: text,
    BillLastNameKana: text,
    BillZipCode: text,
    BillPrefecture: text,
    BillCity: text,
    BillAddress1: text,
    BillAddress2: text,
    BillPhoneNumber: text,
    BillMailAddress: text,
  }),
  Ship: z.looseObject({
    ShipMethodName: text,
    ShipRequestDate: text,
    ShipRequestTime: text,
    ShipFirstName: text,
    ShipLastName: text,
    ShipFirstNameKana: text,
    ShipLastNameKana: text,
    ShipZipCode: text,
    ShipPrefecture: text,
    ShipCity: text,
    ShipAddress1: text,
    ShipAddress2: text,
    ShipPhoneNumber: text,
  }),
  Detail: z.looseObject({
    PayCharge: yen,
    ShipCharge: yen,
    GiftWrapCharge: yen,
    Discount: yen,
    UsePoint: yen,
    GiftCardDiscount: yen,
    TotalMallCouponDiscount: yen,
    TotalPrice: yen,
  }),
  Item: list(
    z.looseObject({
      ItemId: text,
      Title: z.string().min(1),
      SubCode: text,
      UnitPrice: yen,
      Quantity: yen,
      ItemTaxRatio: z.preprocess(
        (v) => (v === undefined || v === "" ? undefined : Number(v)),
        z.number().optional(),
      ),
      CouponDiscount: yen,
    }),
  ),
});
export type YahooOrderInfo = z.infer<typeof orderInfoSchema>;

export const cancelledStatus = "4";

/** `raw` is the order exactly as received, kept with the mapped order. */
export function toOrderInput(info: YahooOrderInfo, raw: unknown = info): OrderInputRaw {
  const { Pay: pay, Ship: ship, Detail: detail } = info;
  const lines = info.Item.map((item) => ({
    itemCode: item.ItemId || undefined,
    optionCode: item.SubCode || undefined,
    name: item.Title,
    quantity: item.Quantity,
    unitPrice: item.UnitPrice,
    taxRate: item.ItemTaxRatio,
  }));
  const goods = info.Item.reduce((sum, item) => sum + item.UnitPrice * item.Quantity, 0);
  const itemCoupons = info.Item.reduce((sum, item) => sum + item.CouponDiscount, 0);
  return {
    orderCode: info.OrderId,
    channelStatus: info.OrderStatus,
    cancelledOnChannel: info.OrderStatus === cancelledStatus,
    orderedAt: info.OrderTime,
    buyer: {
      ...address(pay, "Bill"),
      email: pay.BillMailAddress || undefined,
    },
    deliveryAddresses: [address(ship, "Ship")],
    deliveryMethod: ship.ShipMethodName || undefined,
    requestedDate: fromYyyymmdd(ship.ShipRequestDate),
    timeSlot: toTimeSlot(ship.ShipRequestTime),
    paymentMethod: pay.PayMethodName || undefined,
    paymentConfirmed: pay.PayStatus === "1",
    lines,
    amounts: {
      subtotal: goods + detail.GiftWrapCharge,
      shippingFee: detail.ShipCharge,
      paymentFee: detail.PayCharge,
      discount: detail.Discount + detail.GiftCardDiscount,
      pointsUsed: detail.UsePoint,
      couponDiscount: detail.TotalMallCouponDiscount + itemCoupons,
      total: detail.TotalPrice,
      taxes: taxBreakdown(info),
    },
    raw,
  };
}

function address(group: Record<string, unknown>, prefix: "Bill" | "Ship") {
  const field = (name: string) => String(group[`${prefix}${name}`] ?? "").trim();
  const kana = [field("LastNameKana"), field("FirstNameKana")].filter(Boolean).join(" ");
  const zip = field("ZipCode").replace(/-/g, "");
  return {
    name: [field("LastName"), field("FirstName")].filter(Boolean).join(" "),
    nameKana: kana || undefined,
    phone: field("PhoneNumber") || undefined,
    postalCode: /^\d{7}$/.test(zip) ? `${zip.slice(0, 3)}-${zip.slice(3)}` : field("ZipCode") || undefined,
    prefecture: field("Prefecture") || undefined,
    city: field("City") || undefined,
    address1: field("Address1") || undefined,
    address2: field("Address2") || undefined,
  };
}

/** Tax included in the prices, per rate; fees (shipping, payment, wrapping) at 10%. */
function taxBreakdown(info: YahooOrderInfo) {
  const byRate = new Map<number, number>();
  for (const item of info.Item) {
    const rate = item.ItemTaxRatio ?? 10;
    byRate.set(rate, (byRate.get(rate) ?? 0) + item.UnitPrice * item.Quantity);
  }
  const fees = info.Detail.ShipCharge + info.Detail.PayCharge + info.Detail.GiftWrapCharge;
  if (fees > 0) byRate.set(10, (byRate.get(10) ?? 0) + fees);
  return [...byRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rate, taxable]) => ({
      rate,
      taxableAmount: taxable,
      taxAmount: Math.floor((taxable * rate) / (100 + rate)),
    }));
}

/** "14:00-16:00" → 14時～16時; a carrier word (午前中) as it is; "" → none. */
export function toTimeSlot(value: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  const hours = trimmed.match(/^(\d{1,2})(?::00)?[-~〜～](\d{1,2})(?::00)?$/);
  return hours ? `${Number(hours[1])}時～${Number(hours[2])}時` : trimmed;
}

function fromYyyymmdd(value: string): string | undefined {
  const m = value.match(/^(\d{4})-?(\d{2})-?(\d{2})$/);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** `YYYYMMDDHHMMSS` in Japan time (orderList's conditions). */
export function toWireTime(date: Date): string {
  return new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 19).replace(/\D/g, "");
}

// ---- shipments ----------------------------------------------------------------------------------------

const shipCompanies: [string, string][] = [
  ["ヤマト", "1001"],
  ["クロネコ", "1001"],
  ["佐川", "1002"],
  ["日本郵便", "1003"],
  ["ゆうパック", "1003"],
  ["ゆうパケット", "1003"],
  ["西濃", "1004"],
  ["福山", "1006"],
];

export function toShipCompanyCode(carrier: string): string {
  const name = normalizeForComparison(carrier);
  return shipCompanies.find(([word]) => name.includes(normalizeForComparison(word)))?.[1] ?? "1000";
}

/** orderShipStatusChange's `<Ship>`: 3 出荷完了 with carrier, tracking number and ship date. */
export function toShipFields(notice: ShipmentNotice): Record<string, string> {
  const code = toShipCompanyCode(notice.carrier);
  const tracking = notice.trackingNumber.trim();
  return {
    ShipStatus: "3",
    ShipCompanyCode: code,
    // Yamato numbers: digits and hyphens only (Yahoo! refuses anything else), so spaces go.
    ShipInvoiceNumber1: code === "1001" ? tracking.replace(/\s/g, "") : tracking,
    ShipDate: notice.shippedOn.replaceAll("-", ""),
  };
}

// ---- stock --------------------------------------------------------------------------------------------

export function toStockItemCode(item: { itemCode: string; optionCode?: string }): string {
  return item.optionCode ? `${item.itemCode}:${item.optionCode}` : item.itemCode;
}

export const stockResultSchema = z.looseObject({
  ItemCode: text,
  SubCode: text,
  ErrorCode: text,
  ErrorMessage: text,
});

const stockRejections: StockRejections = { "st-02201": "not_found" };

export function toStockItemResult(
  item: StockItem,
  result: z.infer<typeof stockResultSchema> | undefined,
): StockItemResult {
  if (result && !result.ErrorCode) return updatedStock(item);
  return rejectedStock(
    item,
    { code: result?.ErrorCode || undefined, message: result?.ErrorMessage ?? "" },
    stockRejections,
  );
}
