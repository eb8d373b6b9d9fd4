// Qoo10 QAPI wire format ⇄ Kura's shapes. The only product code that knows it.
//
// From channel-apis.md §4.1 (2nd-hand): calls are form posts to …/ebayjapan.qapi/<Service.Method> with `v`
// and `returnType`; a seller auth key (SAK) comes from CertificationAPI.CreateCertificationKey (header
// GiosisCertificationKey = API key, form user_id + pwd) and goes with every call in the same header; answers
// {ResultCode (0 = success), ResultMsg, ResultObject}; ShippingBasic.GetShippingInfo_v2 (search_Sdate,
// search_Edate as YYYYMMDDHHMMSS, search_condition 1 = order date, window ≤ 90 days, all on one page) answers
// one row per order line, grouped by packNo (the cart = Kura's order); cancellations come from
// ShippingBasic.GetClaimInfo_V3 (ClaimStat=3); ShippingBasic.SetSendingInfo (OrderNo, ShippingCorp,
// TrackingNo) once per order line; stock with ItemsOrder.SetGoodsPriceQty (SellerCode, Qty; no Price =
// price unchanged); ShippingCorp is Qoo10's carrier name; the API key lives one year.
//
// ASSUMED (not published; correct here and in simulators/qoo10 together):
// - Errors answer HTTP 200 with ResultCode < 0: -10001 key refused (auth), -10002 login refused (auth),
//   -20001 unknown order, -30001 unknown item; any other negative code is a refused request.
// - GetShippingInfo_v2 without ShippingStat answers every status; shippingStatus is "1".."5" (入金待ち,
//   配送要請, 配送準備中, 配送中, 配送完了); claim rows have the shipping rows' fields.
// - orderDate is "YYYY-MM-DD HH:MM:SS" in JST; orderPrice is the unit price; `discount` is per row;
//   ShippingRate is the cart's fee, on its first row (0 on the others); total = Σ(price × qty − discount) + fee.
// - Kura's item code is sellerItemCode, its option code the row's optionCode; option stock goes through
//   ItemsOptions.UpdateInventoryQtyUnit (SellerCode, OptionCode, Qty).
// - hopeDate "YYYY-MM-DD", "HH:MM~HH:MM" or both separated by a space; DeliveryCompany is the delivery method.
// - A shipment notice finds the cart's lines by searching the last 90 days (no search by packNo is known).
// - 5 requests per second.
import { z } from "zod";
import type { OrderInputRaw } from "../../domain/order-input.ts";
import { carrierFamily, formatPostalCode, splitPrefecture } from "../common/japan.ts";

export const envelopeSchema = z.looseObject({
  ResultCode: z.coerce.number(),
  ResultMsg: z.string().nullish(),
  ResultObject: z.unknown(),
});

const str = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v == null ? "" : String(v)));
const num = z.coerce.number().int();

export const wireRowSchema = z.looseObject({
  packNo: z.coerce.string(),
  orderNo: z.coerce.string(),
  orderDate: z.string(),
  PaymentDate: str,
  shippingStatus: str,
  sellerItemCode: str,
  itemTitle: z.string(),
  optionCode: str,
  orderQty: num,
  orderPrice: num,
  discount: num.default(0),
  ShippingRate: num.default(0),
  receiver: z.string(),
  receiver_gata: str,
  receiverTel: str,
  receiverMobile: str,
  zipCode: str,
  Addr1: str,
  Addr2: str,
  buyer: z.string(),
  buyer_gata: str,
  buyerTel: str,
  buyerEmail: str,
  DeliveryCompany: str,
  hopeDate: str,
  PaymentMethod: str,
});
export type WireRow = z.infer<typeof wireRowSchema>;

export const shippingStatusNames: Record<string, string> = {
  "1": "入金待ち",
  "2": "配送要請",
  "3": "配送準備中",
  "4": "配送中",
  "5": "配送完了",
};

/** Rows grouped by cart (packNo), in first-seen order. */
export function groupByCart(rows: WireRow[]): WireRow[][] {
  const carts = new Map<string, WireRow[]>();
  for (const row of rows) carts.set(row.packNo, [...(carts.get(row.packNo) ?? []), row]);
  return [...carts.values()];
}

/** One cart's rows → one order; `cancelled` when the rows came from the cancellation claims. */
export function toOrderInput(rows: WireRow[], cancelled: boolean, raw: unknown = rows): OrderInputRaw {
  const first = rows[0] as WireRow;
  const subtotal = rows.reduce((sum, r) => sum + r.orderPrice * r.orderQty, 0);
  const discount = rows.reduce((sum, r) => sum + r.discount, 0);
  const shippingFee = rows.reduce((sum, r) => sum + r.ShippingRate, 0);
  const { requestedDate, timeSlot } = readHopeDate(first.hopeDate);
  const address = splitPrefecture(first.Addr1);
  return {
    orderCode: first.packNo,
    channelStatus: cancelled
      ? "キャンセル"
      : (shippingStatusNames[first.shippingStatus] ?? first.shippingStatus),
    cancelledOnChannel: cancelled,
    orderedAt: `${first.orderDate.replace(" ", "T")}+09:00`,
    buyer: {
      name: first.buyer,
      nameKana: first.buyer_gata || undefined,
      phone: first.buyerTel || undefined,
      email: first.buyerEmail || undefined,
    },
    deliveryAddresses: [
      {
        name: first.receiver,
        nameKana: first.receiver_gata || undefined,
        phone: first.receiverTel || toDomesticPhone(first.receiverMobile),
        postalCode: formatPostalCode(first.zipCode),
        prefecture: address.prefecture,
        city: address.rest || undefined,
        address1: first.Addr2,
      },
    ],
    deliveryMethod: first.DeliveryCompany || undefined,
    requestedDate,
    timeSlot,
    paymentMethod: first.PaymentMethod || undefined,
    paymentConfirmed: first.PaymentDate !== "",
    lines: rows.map((row) => ({
      itemCode: row.sellerItemCode || undefined,
      optionCode: row.optionCode || undefined,
      name: row.itemTitle,
      quantity: row.orderQty,
      unitPrice: row.orderPrice,
    })),
    amounts: { subtotal, shippingFee, discount, total: subtotal - discount + shippingFee },
    raw,
  };
}

/** "+81-3-1234-5678" → "03-1234-5678". */
function toDomesticPhone(mobile: string): string | undefined {
  if (!mobile) return undefined;
  return mobile.replace(/^\+81-?/, "0");
}

/** "2026-11-24 14:00~16:00" → date and 14時～16時; 08:00~12:00 is 午前中. */
export function readHopeDate(hope: string): { requestedDate?: string; timeSlot?: string } {
  const date = hope.match(/\d{4}-\d{2}-\d{2}/)?.[0];
  const hours = hope.match(/(\d{1,2}):\d{2}\s*[~〜～]\s*(\d{1,2}):\d{2}/);
  const [from, to] = hours ? [Number(hours[1]), Number(hours[2])] : [];
  const timeSlot = hours ? (to === 12 && (from ?? 0) <= 9 ? "午前中" : `${from}時～${to}時`) : undefined;
  return { requestedDate: date, timeSlot };
}

// ---- shipments and stock ----------------------------------------------------------------------------------

const shippingCorps: Record<string, string> = {
  yamato: "ヤマト宅急便",
  sagawa: "佐川急便",
  japanpost: "ゆうパック",
  seino: "西濃運輸",
  fukuyama: "福山通運",
};

/** Qoo10's carrier name for Kura's carrier; an unknown carrier is sent as Kura names it. */
export const toShippingCorp = (carrier: string): string => shippingCorps[carrierFamily(carrier)] ?? carrier;

export const toTrackingNo = (tracking: string): string => tracking.replace(/[\s-]/g, "");

/** Qoo10's date-time parameter: JST, YYYYMMDDHHMMSS. */
export function toWireDateTime(date: Date): string {
  return new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 19).replace(/\D/g, "");
}

export const authCodes = new Set([-10001, -10002]);
export const notFoundCodes = new Set([-20001, -30001]);
