// au PAY マーケット (Wow! manager API) wire format ⇄ Kura's shapes. The only product code that knows it.
//
// From channel-apis.md §4.2 (public, 2nd-hand): base https://api.manager.wowma.jp/wmshopapi/<method>;
// `Authorization: Bearer <API key>`; searches are GET with a query, updates POST `application/xml` bodies
// `<request>…</request>`; answers `<response><result><status>0|1</status>[<error><code/><message/></error>]`;
// searchTradeInfoListProc (shopId, totalCount ≤ 1000, startCount, dateType, startDate, endDate, orderStatus by
// its Japanese name); orderInfo fields below; updateTradeInfoProc then updateTradeStsProc(完了) to ship;
// updateStock with stockSegment 1 (item) or 2 (per choice); carrier codes 1 ヤマト, 2 佐川, 6 日本郵便.
//
// ASSUMED (not published; correct here and in simulators/aupay together):
// - HTTP status of errors: 401 for key errors, 400 for refused requests, 429 when too fast; an answer
//   with <status>1</status> is an error whatever the HTTP status. Error codes: PUB0001 wrong key,
//   PUB0002 key expired, PUB0003 wrong shopId, STK0001 unknown item, STK0002 unlimited stock, ORD0001
//   unknown order (our names; the meaning is what matters).
// - dateType=0 searches by order date, dates are days in JST (YYYYMMDD) and endDate is inclusive.
// - The total hit count comes as <resultCount>; paging is startCount (1-based offset) + totalCount.
// - Order detail lines carry the choice codes of per-choice items as choicesStockHorizontalCode /
//   choicesStockVerticalCode (the stock API's names); Kura's option code is "H" or "H/V".
// - Payment fee as <chargePrice>; requested delivery as <deliveryRequestDay> (YYYYMMDD) and
//   <deliveryRequestTime> (the carrier's string). Tax rates per line are not sent.
// - Carrier code 9 = その他 for carriers other than Yamato, Sagawa, Japan Post.
// - At most 100 items per updateStock; 2 requests per second.
// - Order statuses: 新規受付, 発送待ち, 完了, キャンセル (キャンセル → cancelledOnChannel).
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { z } from "zod";
import type { OrderInputRaw } from "../../domain/order-input.ts";
import { carrierFamily, formatPostalCode, splitPrefecture } from "../common/japan.ts";
import { rejectedStock, type StockRejections, updatedStock } from "../common/stock.ts";
import type { ShipmentNotice, StockItem, StockItemResult } from "../types.ts";

const listTags = new Set(["orderInfo", "detail", "updateResult", "stockUpdateItem", "choicesStocks"]);
export const xmlParser = new XMLParser({ parseTagValue: false, isArray: (name) => listTags.has(name) });
const builder = new XMLBuilder({ suppressEmptyNode: false });

export const parseXml = (text: string): unknown => xmlParser.parse(text);

/** `<request>…</request>` as the update methods take it. */
export const toRequestXml = (fields: Record<string, unknown>): string =>
  `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ request: fields })}`;

const text = z.union([z.string(), z.number()]).transform(String);
const optionalText = text.optional();
const yen = text.transform((v) => Number(v || 0)).pipe(z.number().int());

export const resultSchema = z.looseObject({
  status: text,
  error: z.looseObject({ code: optionalText, message: optionalText }).optional(),
});

export const responseSchema = z.looseObject({ response: z.looseObject({ result: resultSchema }) });

export const wireOrderSchema = z.looseObject({
  orderId: text,
  orderDate: text,
  orderStatus: text,
  memo: optionalText,
  totalSalePrice: yen,
  postagePrice: yen.default(0),
  chargePrice: yen.default(0),
  couponTotalPrice: yen.default(0),
  usePoint: yen.default(0),
  requestPrice: yen,
  settlementName: text,
  deliveryName: text,
  deliveryRequestDay: optionalText,
  deliveryRequestTime: optionalText,
  ordererName: text,
  ordererKana: optionalText,
  ordererZipCode: optionalText,
  ordererAddress: text,
  ordererPhoneNumber1: optionalText,
  mailAddress: optionalText,
  senderName: text,
  senderKana: optionalText,
  senderZipCode: optionalText,
  senderAddress: text,
  senderPhoneNumber1: optionalText,
  detail: z.array(
    z.looseObject({
      itemCode: text,
      itemManagementId: optionalText,
      itemName: text,
      itemPrice: yen,
      unit: yen,
      choicesStockHorizontalCode: optionalText,
      choicesStockVerticalCode: optionalText,
    }),
  ),
});
export type WireOrder = z.infer<typeof wireOrderSchema>;

export const searchAnswerSchema = z.looseObject({
  response: z.looseObject({
    resultCount: yen.default(0),
    orderInfo: z.array(z.unknown()).default([]),
  }),
});

export const cancelledStatus = "キャンセル";
/** A new order (新規受付), and the status Kura moves it to once imported (発送待ち), as LOGILESS does. */
export const newStatus = "新規受付";
export const awaitingShipmentStatus = "発送待ち";

export function toOrderInput(wire: WireOrder, raw: unknown = wire): OrderInputRaw {
  const ordered = wire.orderDate.match(/^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})/);
  const requested = wire.deliveryRequestDay?.match(/^(\d{4})(\d{2})(\d{2})$/);
  const subtotal = wire.totalSalePrice;
  return {
    orderCode: wire.orderId,
    channelStatus: wire.orderStatus,
    cancelledOnChannel: wire.orderStatus === cancelledStatus,
    orderedAt: ordered
      ? `${ordered[1]}-${ordered[2]}-${ordered[3]}T${ordered[4]}:${ordered[5]}:00+09:00`
      : wire.orderDate,
    buyer: toAddress(
      wire.ordererName,
      wire.ordererKana,
      wire.ordererZipCode,
      wire.ordererAddress,
      wire.ordererPhoneNumber1,
      wire.mailAddress,
    ),
    deliveryAddresses: [
      toAddress(
        wire.senderName,
        wire.senderKana,
        wire.senderZipCode,
        wire.senderAddress,
        wire.senderPhoneNumber1,
      ),
    ],
    deliveryMethod: wire.deliveryName,
    requestedDate: requested ? `${requested[1]}-${requested[2]}-${requested[3]}` : undefined,
    timeSlot: wire.deliveryRequestTime || undefined,
    paymentMethod: wire.settlementName,
    lines: wire.detail.map((line) => ({
      itemCode: line.itemCode,
      optionCode: toOptionCode(line.choicesStockHorizontalCode, line.choicesStockVerticalCode),
      name: line.itemName,
      quantity: line.unit,
      unitPrice: line.itemPrice,
    })),
    amounts: {
      subtotal,
      shippingFee: wire.postagePrice,
      paymentFee: wire.chargePrice,
      pointsUsed: wire.usePoint,
      couponDiscount: wire.couponTotalPrice,
      total: wire.requestPrice,
    },
    raw,
  };
}

function toAddress(
  name: string,
  kana: string | undefined,
  zip: string | undefined,
  address: string,
  phone: string | undefined,
  email?: string,
) {
  const { prefecture, rest } = splitPrefecture(address);
  return {
    name,
    nameKana: kana || undefined,
    postalCode: formatPostalCode(zip),
    prefecture,
    address1: rest,
    phone: phone || undefined,
    email: email || undefined,
  };
}

const toOptionCode = (horizontal?: string, vertical?: string) =>
  [horizontal, vertical].filter(Boolean).join("/") || undefined;

// ---- shipments ----------------------------------------------------------------------------------------

const carrierCodes = { yamato: "1", sagawa: "2", japanpost: "6" } as Record<string, string>;
export const otherCarrierCode = "9";

export function toShippingInfo(notice: ShipmentNotice, shopId: string) {
  return {
    shopId,
    orderId: notice.orderCode,
    shippingDate: notice.shippedOn.replaceAll("-", ""),
    shippingCarrier: carrierCodes[carrierFamily(notice.carrier)] ?? otherCarrierCode,
    shippingNumber: notice.trackingNumber.replace(/[\s-]/g, ""),
  };
}

export const shippedStatus = "完了";

// ---- stock ----------------------------------------------------------------------------------------------

/** One stockUpdateItem per item code: segment 1 for the item itself, segment 2 with its choices. */
export function toStockUpdateItems(items: StockItem[]) {
  const byCode = new Map<string, StockItem[]>();
  for (const item of items) byCode.set(item.itemCode, [...(byCode.get(item.itemCode) ?? []), item]);
  return [...byCode.entries()].map(([itemCode, lines]) => {
    const plain = lines.find((l) => !l.optionCode);
    if (plain) return { itemCode, stockSegment: 1, stockCount: plain.quantity };
    return {
      itemCode,
      stockSegment: 2,
      choicesStocks: lines.map((line) => {
        const [horizontal, vertical = ""] = (line.optionCode ?? "").split("/");
        return {
          choicesStockHorizontalCode: horizontal,
          choicesStockVerticalCode: vertical,
          choicesStockCount: line.quantity,
        };
      }),
    };
  });
}

export const updateStockAnswerSchema = z.looseObject({
  response: z.looseObject({
    updateResult: z
      .array(
        z.looseObject({
          itemCode: text,
          error: z.looseObject({ code: optionalText, message: optionalText }).optional(),
        }),
      )
      .default([]),
  }),
});

const stockRejections: StockRejections = {
  STK0001: "not_found",
  STK0002: "unlimited",
};

/** Results per Kura item: an item code's error applies to every choice sent with it. */
export function toStockResults(
  items: StockItem[],
  answer: z.infer<typeof updateStockAnswerSchema>,
): StockItemResult[] {
  const byCode = new Map(answer.response.updateResult.map((r) => [r.itemCode, r]));
  return items.map((item) => {
    const result = byCode.get(item.itemCode);
    return result && !result.error ? updatedStock(item) : rejectedStock(item, result?.error, stockRejections);
  });
}

// ---- errors ---------------------------------------------------------------------------------------------

export const expiredKeyCode = "PUB0002";
const authCodes = new Set(["PUB0001", expiredKeyCode, "PUB0003"]);

/** The kind of an error answer, from its code first (the HTTP status of errors is assumed). */
export function errorKind(
  code: string | undefined,
  status: number,
): "auth" | "invalid" | "not_found" | "transient" | "rate_limited" {
  if (code && authCodes.has(code)) return "auth";
  if (code === "ORD0001") return "not_found";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "transient";
  return "invalid";
}

/** Wow! manager dates: days in JST, YYYYMMDD. */
export function toWireDate(date: Date): string {
  return new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 10).replaceAll("-", "");
}
