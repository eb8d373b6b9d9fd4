// Rakuten RMS wire format ⇄ Kura's shapes: the only place in the product that knows what RMS records look
// like. Published facts come from /work/shared/channel-apis.md §1 (RakutenPay order API, inventory API 2.0,
// item API 2.0 items.search, navigation.genre.get, ESA authorization).
//
// What Kura assumes beyond the published documents (the simulator, simulators/rakuten/README.md, makes the
// same assumptions):
// - RMS has no "changed since" search. Every import searches orders *placed* (dateType 1) in the store's
//   window (1–64 days back from now, in slices of at most 63 days) with the statuses the store imports,
//   plus 400 (変更確定待ち), 800 and 900 (cancellation) so changes and cancellations reach orders Kura
//   already has. Orders in 500–700 are not searched: Kura moves its own orders there by its shipment notice.
// - Payment-method statuses (O3): per settlement method name (e.g. 銀行振込), the progress codes to import;
//   `default` applies to every other method and is required. 400/800/900 always pass.
// - Prepaid methods (銀行振込 9, 前払 13/14) count as paid once the order reached 300: RMS holds a prepaid
//   order before 発送待ち until the payment arrives.
// - Amounts: `requestPrice` (請求金額) is the total; `-9999` (not fixed yet) is read as 0 until RMS fixes it.
// - Time slot: `shippingTerm` h1h2 (e.g. 1416) → "14時～16時", 812/0812-style morning ranges → "午前中",
//   1 → "午前中", 2 → "午後", 9 → "その他"; 0 or null → none.
// - The SKU of an order line is manageNumber + SkuModelList[0].variantId (what the inventory API keys on);
//   the product master's product code is `merchantDefinedSkuId` (システム連携用SKU番号) when set, else
//   `<manageNumber>-<variantId>`.
// - Carrier: Kura's carrier name is matched to RMS's `deliveryCompany` code list by name; unknown → 1000 その他.
//   Tracking numbers are sent without spaces and hyphens.
// - Unlimited-stock items (在庫設定なし) refused by bulk-upsert: RMS's error code for this is not published;
//   Kura reads `IE0105` or a message mentioning 在庫設定なし as "unlimited", and resends the rest of the batch.
// - An async shipping request without a result a day after RMS accepted it (the time is read from the
//   request id's `_yyyyMMddHHmmss` suffix) is recorded as failed: RMS answers "no result" for a pending and for
//   an unknown request alike, so waiting longer could wait forever.
// - Rate limit: 429 bodies are not published; Retry-After is honoured when present, else the engine backs off.

import { parse as parseCsv } from "csv-parse/sync";
import iconv from "iconv-lite";
import { z } from "zod";
import { normalizeForComparison } from "../../domain/normalize.ts";
import type { OrderInputRaw } from "../../domain/order-input.ts";
import { stockKey } from "../common/stock.ts";
import type { ChannelProduct, ShipmentNotice, ShipmentResult, StockItem, StockItemResult } from "../types.ts";

// ---- store settings ------------------------------------------------------------------------------------

const progressCode = z.union(
  [100, 200, 300, 400, 500, 600, 700, 800, 900].map((n) => z.literal(n)) as [
    z.ZodLiteral<100>,
    ...z.ZodLiteral<number>[],
  ],
);

export const rakutenOptionsSchema = z.looseObject({
  /** 受注取込の対象期間: orders placed in the last N days are searched on every import. */
  shippingWindowDays: z.number().int().min(1, "must be 1–64 days").max(64, "must be 1–64 days").default(14),
  /** Progress codes to import per settlement method name; `default` is required. */
  paymentStatuses: z
    .record(z.string().min(1), z.array(progressCode).min(1, "needs at least one status"))
    .refine(
      (value) => Array.isArray(value.default),
      "needs a `default` entry (the statuses for every other payment method)",
    )
    .default({ default: [100, 200, 300] }),
  /** Confirm new orders (100 注文確認待ち → 200) after they are imported. */
  confirmOrders: z.boolean().default(true),
  /** The shop is on RMS's SKU model: the product master comes from the item API; otherwise from the item CSV. */
  skuModel: z.boolean().default(true),
  /** RMS's guideline is one request per second per API; raise only if Rakuten granted more. */
  requestsPerSecond: z.number().positive().max(50).default(1),
  /** How long after a shipping update to ask for its result. */
  shippingResultPollMs: z.number().int().min(10).default(60_000),
  /** Carrier name → RMS deliveryCompany code, for names the built-in list does not know. */
  carrierCodes: z
    .record(z.string(), z.string().regex(/^10\d\d$/, "must be an RMS code such as 1001"))
    .default({}),
  shopId: z.string().optional(),
});
export type RakutenOptions = z.infer<typeof rakutenOptionsSchema>;

/** Statuses that reach existing orders whatever the payment method: changes and cancellations. */
export const alwaysImported = [400, 800, 900] as const;

export function searchedStatuses(options: RakutenOptions): number[] {
  const all = new Set<number>(alwaysImported);
  for (const list of Object.values(options.paymentStatuses)) for (const code of list) all.add(code);
  return [...all].sort((a, b) => a - b);
}

export function passesPaymentFilter(order: WireOrder, options: RakutenOptions): boolean {
  if ((alwaysImported as readonly number[]).includes(order.orderProgress)) return true;
  const method = order.SettlementModel.settlementMethod;
  const statuses = options.paymentStatuses[method] ?? options.paymentStatuses.default ?? [];
  return statuses.includes(order.orderProgress);
}

// ---- dates ---------------------------------------------------------------------------------------------

/** `yyyy-MM-ddTHH:mm:ss+0900`: the order API's date-time (RMS refuses `+09:00`). */
export function toRmsDateTime(date: Date): string {
  const jst = new Date(date.getTime() + 9 * 3_600_000);
  return `${jst.toISOString().slice(0, 19)}+0900`;
}

export function fromRmsDateTime(value: string): Date {
  const fixed = value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  return new Date(fixed);
}

export function toJstDate(date: Date): string {
  return toRmsDateTime(date).slice(0, 10);
}

// ---- orders ----------------------------------------------------------------------------------------------

const flag = z.union([z.literal(0), z.literal(1)]).or(z.number());
const person = {
  zipCode1: z.string().nullish(),
  zipCode2: z.string().nullish(),
  prefecture: z.string().nullish(),
  city: z.string().nullish(),
  subAddress: z.string().nullish(),
  familyName: z.string().nullish(),
  firstName: z.string().nullish(),
  familyNameKana: z.string().nullish(),
  firstNameKana: z.string().nullish(),
  phoneNumber1: z.string().nullish(),
  phoneNumber2: z.string().nullish(),
  phoneNumber3: z.string().nullish(),
};
const wirePersonSchema = z.looseObject(person);
type WirePerson = z.infer<typeof wirePersonSchema>;

const wireItemSchema = z.looseObject({
  itemDetailId: z.number(),
  itemName: z.string(),
  itemNumber: z.string().nullish(),
  manageNumber: z.string(),
  price: z.number(),
  priceTaxIncl: z.number().nullish(),
  units: z.number().int(),
  taxRate: z.number().nullish(),
  deleteItemFlag: flag.nullish(),
  SkuModelList: z
    .array(z.looseObject({ variantId: z.string().nullish(), merchantDefinedSkuId: z.string().nullish() }))
    .nullish(),
});

const wireShippingSchema = z.looseObject({
  shippingDetailId: z.number(),
  shippingNumber: z.string().nullish(),
  deliveryCompany: z.string().nullish(),
  shippingDate: z.string().nullish(),
});

export const wireOrderSchema = z.looseObject({
  orderNumber: z.string(),
  orderProgress: z.number().int(),
  orderDatetime: z.string(),
  deliveryDate: z.string().nullish(),
  shippingTerm: z.number().int().nullish(),
  goodsPrice: z.number(),
  postagePrice: z.number(),
  deliveryPrice: z.number(),
  paymentCharge: z.number().nullish(),
  totalPrice: z.number(),
  requestPrice: z.number(),
  couponAllTotalPrice: z.number().nullish(),
  OrdererModel: z.looseObject({ ...person, emailAddress: z.string().nullish() }),
  SettlementModel: z.looseObject({ settlementMethodCode: z.number(), settlementMethod: z.string() }),
  DeliveryModel: z.looseObject({ deliveryName: z.string().nullish() }),
  PointModel: z.looseObject({ usedPoint: z.number() }).nullish(),
  PackageModelList: z
    .array(
      z.looseObject({
        basketId: z.number(),
        SenderModel: wirePersonSchema,
        ItemModelList: z.array(wireItemSchema),
        ShippingModelList: z.array(wireShippingSchema).nullish(),
      }),
    )
    .min(1),
  TaxSummaryModelList: z
    .array(z.looseObject({ taxRate: z.number(), reqPrice: z.number(), reqPriceTax: z.number() }))
    .nullish(),
});
export type WireOrder = z.infer<typeof wireOrderSchema>;

/** Settlement method codes paid before shipping: RMS moves them to 300 once paid. */
const prepaidSettlements = new Set([9, 13, 14]);
const cancelledProgress = new Set([800, 900]);

/** `raw` is the OrderModel exactly as received, kept with the mapped order. */
export function toOrderInput(wire: WireOrder, raw: unknown = wire): OrderInputRaw {
  const yen = (value: number | null | undefined) => (value == null || value === -9999 ? 0 : value);
  const lines = wire.PackageModelList.flatMap((basket) =>
    basket.ItemModelList.filter((item) => !item.deleteItemFlag),
  );
  return {
    orderCode: wire.orderNumber,
    channelStatus: String(wire.orderProgress),
    cancelledOnChannel: cancelledProgress.has(wire.orderProgress),
    orderedAt: fromRmsDateTime(wire.orderDatetime).toISOString(),
    buyer: { ...toAddress(wire.OrdererModel), email: wire.OrdererModel.emailAddress ?? undefined },
    deliveryAddresses: wire.PackageModelList.map((basket) => toAddress(basket.SenderModel)),
    deliveryMethod: wire.DeliveryModel.deliveryName ?? undefined,
    requestedDate: wire.deliveryDate ?? undefined,
    timeSlot: toTimeSlot(wire.shippingTerm),
    paymentMethod: wire.SettlementModel.settlementMethod,
    paymentConfirmed:
      !prepaidSettlements.has(wire.SettlementModel.settlementMethodCode) || wire.orderProgress >= 300,
    lines: lines.map((item) => ({
      itemCode: item.manageNumber,
      optionCode: item.SkuModelList?.[0]?.variantId ?? undefined,
      name: item.itemName,
      quantity: item.units,
      unitPrice: yen(item.priceTaxIncl ?? item.price),
      taxRate: item.taxRate == null ? undefined : Math.round(item.taxRate * 100),
    })),
    amounts: {
      subtotal: yen(wire.goodsPrice),
      shippingFee: yen(wire.postagePrice),
      paymentFee: yen(wire.deliveryPrice) + yen(wire.paymentCharge),
      pointsUsed: yen(wire.PointModel?.usedPoint),
      couponDiscount: yen(wire.couponAllTotalPrice),
      total: yen(wire.requestPrice),
      taxes: (wire.TaxSummaryModelList ?? []).map((tax) => ({
        rate: Math.round(tax.taxRate * 100),
        taxableAmount: yen(tax.reqPrice),
        taxAmount: yen(tax.reqPriceTax),
      })),
    },
    raw,
  };
}

function toAddress(person: WirePerson) {
  const join = (parts: Array<string | null | undefined>, separator: string) =>
    parts.filter((part) => part != null && part !== "").join(separator);
  const zip = join([person.zipCode1, person.zipCode2], "-");
  return {
    name: join([person.familyName, person.firstName], " "),
    nameKana: join([person.familyNameKana, person.firstNameKana], " ") || undefined,
    phone: join([person.phoneNumber1, person.phoneNumber2, person.phoneNumber3], "-") || undefined,
    postalCode: zip || undefined,
    prefecture: person.prefecture ?? undefined,
    city: person.city ?? undefined,
    address1: person.subAddress ?? undefined,
  };
}

/** `shippingTerm` → the carriers' slot strings. */
export function toTimeSlot(term: number | null | undefined): string | undefined {
  if (term == null || term === 0) return undefined;
  if (term === 1) return "午前中";
  if (term === 2) return "午後";
  if (term === 9) return "その他";
  const from = Math.floor(term / 100);
  const to = term % 100;
  if (from < 0 || from > 24 || to <= from || to > 24) return String(term);
  if (from <= 9 && to === 12) return "午前中";
  return `${from}時～${to}時`;
}

// ---- shipments -------------------------------------------------------------------------------------------

/** RMS deliveryCompany codes by name (getOrder documentation), most specific names first. */
const carrierNames: Array<[string, string]> = [
  ["ヤマト運輸 クロネコゆうパケット", "1030"],
  ["クロネコゆうパケット", "1030"],
  ["日本郵便 楽天倉庫出荷", "1029"],
  ["セイノースーパーエクスプレス", "1005"],
  ["SGHグローバル・ジャパン", "1027"],
  ["Rakuten EXPRESS", "1028"],
  ["楽天エクスプレス", "1028"],
  ["名鉄NX運輸", "1031"],
  ["NXトランスポート", "1015"],
  ["ヤマト", "1001"],
  ["クロネコ", "1001"],
  ["佐川", "1002"],
  ["日本郵便", "1003"],
  ["ゆうパック", "1003"],
  ["ゆうパケット", "1003"],
  ["ゆうメール", "1003"],
  ["郵便", "1003"],
  ["西濃", "1004"],
  ["福山", "1006"],
  ["名鉄運輸", "1007"],
  ["トナミ", "1008"],
  ["第一貨物", "1009"],
  ["新潟運輸", "1010"],
  ["中越運送", "1011"],
  ["岡山県貨物", "1012"],
  ["久留米運送", "1013"],
  ["山陽自動車", "1014"],
  ["エコ配", "1016"],
  ["EMS", "1017"],
  ["DHL", "1018"],
  ["FedEx", "1019"],
  ["UPS", "1020"],
  ["日本通運", "1021"],
  ["TNT", "1022"],
  ["OCS", "1023"],
  ["USPS", "1024"],
  ["SF", "1025"],
  ["Aramex", "1026"],
];

export function toDeliveryCompany(carrier: string, overrides: Record<string, string> = {}): string {
  const name = normalizeForComparison(carrier);
  for (const [known, code] of Object.entries(overrides))
    if (normalizeForComparison(known) === name) return code;
  return carrierNames.find(([word]) => name.includes(normalizeForComparison(word)))?.[1] ?? "1000";
}

export interface WireShippingOrder {
  orderNumber: string;
  BasketidModelList: Array<{
    basketId: number;
    ShippingModelList: Array<{ deliveryCompany: string; shippingNumber: string; shippingDate: string }>;
  }>;
}

/** One shipping row per basket: every destination of the order ships with the same parcel. */
export function toShippingOrder(
  notice: ShipmentNotice,
  basketIds: number[],
  carrierCodes: Record<string, string> = {},
): WireShippingOrder {
  const row = {
    deliveryCompany: toDeliveryCompany(notice.carrier, carrierCodes),
    shippingNumber: toShippingNumber(notice.trackingNumber),
    shippingDate: notice.shippedOn,
  };
  return {
    orderNumber: notice.orderCode,
    BasketidModelList: basketIds.map((basketId) => ({ basketId, ShippingModelList: [{ ...row }] })),
  };
}

export const toShippingNumber = (tracking: string) => tracking.normalize("NFKC").replace(/[\s\-‐－ー]/g, "");

/** True when every basket already carries this tracking number: the notice was applied before. */
export function alreadyShipped(order: WireOrder, trackingNumber: string): boolean {
  const number = toShippingNumber(trackingNumber);
  return order.PackageModelList.every((basket) =>
    (basket.ShippingModelList ?? []).some((row) => row.shippingNumber === number),
  );
}

const wireMessageSchema = z.looseObject({
  messageType: z.string(),
  messageCode: z.string(),
  message: z.string(),
  orderNumber: z.string().nullish(),
});
export type WireMessage = z.infer<typeof wireMessageSchema>;

export const messagesEnvelope = z.looseObject({ MessageModelList: z.array(wireMessageSchema) });

export const shippingAcceptedSchema = z.looseObject({
  MessageModelList: z.array(wireMessageSchema.extend({ requestId: z.string().nullish() })).min(1),
});

export const shippingResultSchema = z.looseObject({
  ResultShippingModelList: z.array(
    z.looseObject({ orderNumber: z.string().nullish(), MessageModelList: z.array(wireMessageSchema) }),
  ),
});
export type WireShippingResult = z.infer<typeof shippingResultSchema>;

/** RMS's "no result for this request id" (still processing, or unknown): ask again later. */
export const resultPendingCode = "ORDER_EXT_API_GET_RESULT_UPDATEORDERSHIPPING_ASYNC_INFO_101";

/** When RMS accepted a shipping request: its id ends in `_yyyyMMddHHmmss` (JST); undefined if it does not. */
export function requestAcceptedAt(requestId: string): Date | undefined {
  const stamp = requestId.match(/_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/);
  if (!stamp) return undefined;
  const [, y, mo, d, h, mi, se] = stamp;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${se}+09:00`);
}

/** A request still without a result after `deadlineMs` is given up, so the slip does not wait forever. */
export function pendingTooLong(requestId: string, deadlineMs: number, now: Date): ShipmentResult | undefined {
  const acceptedAt = requestAcceptedAt(requestId);
  if (!acceptedAt || now.getTime() - acceptedAt.getTime() <= deadlineMs) return undefined;
  return {
    status: "rejected",
    kind: "invalid",
    channelMessage: `RMS has no result for request ${requestId} (accepted ${acceptedAt.toISOString()}); check the order's shipping information in RMS`,
  };
}

export function toShipmentResult(answer: WireShippingResult, orderNumber?: string): ShipmentResult {
  const entries = answer.ResultShippingModelList;
  const forOrder = entries.find((e) => e.orderNumber && (!orderNumber || e.orderNumber === orderNumber));
  if (!forOrder) {
    const pending = entries.some((e) => e.MessageModelList.some((m) => m.messageCode === resultPendingCode));
    if (pending || entries.length === 0) return { status: "pending" };
    return {
      status: "rejected",
      kind: "invalid",
      channelMessage: "RMS answered without a result for the order",
    };
  }
  const error = forOrder.MessageModelList.find((m) => m.messageType === "ERROR");
  if (!error) return { status: "done" };
  return {
    status: "rejected",
    kind: error.messageCode.endsWith("_ERROR_101") ? "not_found" : "invalid",
    channelMessage: error.message,
    code: error.messageCode,
  };
}

// ---- stock -----------------------------------------------------------------------------------------------

export interface WireInventory {
  manageNumber: string;
  variantId: string;
  mode: "ABSOLUTE";
  quantity: number;
}

export function toWireInventory(item: StockItem): WireInventory | undefined {
  if (!item.optionCode) return undefined;
  return {
    manageNumber: item.itemCode,
    variantId: item.optionCode,
    mode: "ABSOLUTE",
    quantity: item.quantity,
  };
}

export const inventoryErrorsSchema = z.looseObject({
  errors: z.array(
    z.looseObject({
      code: z.string(),
      message: z.string(),
      metadata: z.looseObject({ propertyPath: z.string().nullish() }).nullish(),
    }),
  ),
});
export type InventoryErrors = z.infer<typeof inventoryErrorsSchema>;

/** Errors of a refused bulk-upsert, by the index of the item they name (`inventories[3].quantity` → 3). */
export function inventoryErrorsByIndex(
  answer: InventoryErrors,
): Map<number, InventoryErrors["errors"][number]> {
  const byIndex = new Map<number, InventoryErrors["errors"][number]>();
  for (const error of answer.errors) {
    const index = error.metadata?.propertyPath?.match(/^inventories\[(\d+)\]/)?.[1];
    if (index !== undefined && !byIndex.has(Number(index))) byIndex.set(Number(index), error);
  }
  return byIndex;
}

export function toRejectedStock(item: StockItem, error: { code: string; message: string }): StockItemResult {
  const unlimited = error.code === "IE0105" || error.message.includes("在庫設定なし");
  return {
    ...stockKey(item),
    status: "rejected",
    reason: unlimited ? "unlimited" : error.code === "GE0014" ? "not_found" : "invalid",
    channelMessage: error.message,
    code: error.code,
  };
}

// ---- products (item API 2.0) --------------------------------------------------------------------------

export const wireItemSearchSchema = z.looseObject({
  numFound: z.number(),
  offset: z.number(),
  nextCursorMark: z.string().nullish(),
  results: z.array(
    z.looseObject({
      item: z
        .looseObject({
          manageNumber: z.string(),
          title: z.string().nullish(),
          unlimitedInventoryFlag: z.boolean().nullish(),
          payment: z
            .looseObject({ taxIncluded: z.boolean().nullish(), taxRate: z.string().nullish() })
            .nullish(),
          variants: z
            .record(
              z.string(),
              z.looseObject({
                merchantDefinedSkuId: z.string().nullish(),
                selectorValues: z.record(z.string(), z.string()).nullish(),
                standardPrice: z.union([z.string(), z.number()]).nullish(),
              }),
            )
            .nullish(),
        })
        .nullish(),
    }),
  ),
});
export type WireItemSearch = z.infer<typeof wireItemSearchSchema>;

/** One product per SKU (variant); a deleted item (manageNumber only) yields none. */
export function toChannelProducts(result: WireItemSearch["results"][number]): ChannelProduct[] {
  const item = result.item;
  if (!item?.title || !item.variants) return [];
  const taxRate = Number(item.payment?.taxRate ?? "0.1");
  return Object.entries(item.variants).map(([variantId, variant]) => {
    const price = variant.standardPrice == null ? undefined : Number(variant.standardPrice);
    const choices = Object.values(variant.selectorValues ?? {}).join(" ");
    return {
      itemCode: item.manageNumber,
      optionCode: variantId,
      productCode: variant.merchantDefinedSkuId || `${item.manageNumber}-${variantId}`,
      name: choices ? `${item.title} ${choices}` : (item.title ?? item.manageNumber),
      price:
        price === undefined || Number.isNaN(price)
          ? undefined
          : item.payment?.taxIncluded === false
            ? Math.floor(price * (1 + taxRate))
            : price,
      unlimitedStock: item.unlimitedInventoryFlag === true,
      raw: { manageNumber: item.manageNumber, variantId, variant },
    };
  });
}

// ---- products (RMS item CSV, Shift_JIS) -----------------------------------------------------------------

const csvColumns = {
  manageNumber: "商品管理番号（商品URL）",
  title: "商品名",
  price: "販売価格",
  stockType: "在庫タイプ",
  optionType: "選択肢タイプ",
  horizontalName: "項目選択肢別在庫用横軸選択肢",
  horizontalCode: "項目選択肢別在庫用横軸選択肢子番号",
  verticalName: "項目選択肢別在庫用縦軸選択肢",
  verticalCode: "項目選択肢別在庫用縦軸選択肢子番号",
} as const;

/**
 * Products from an RMS item CSV as downloaded from RMS (Shift_JIS): `item.csv` rows give items without
 * options (在庫タイプ 0 = 在庫設定なし → unlimited stock, 1 = 通常在庫); `select.csv` rows of type `i`
 * (項目選択肢別在庫) give one product per option, its option code the horizontal + vertical child numbers.
 * Items of 在庫タイプ 2 are skipped in `item.csv`: their options come from `select.csv`.
 */
export function productsFromItemCsv(file: Buffer): ChannelProduct[] {
  const text = iconv.decode(file, "Shift_JIS").replace(/^\uFEFF/, "");
  const rows = parseCsv(text, { columns: true, skip_empty_lines: true, relax_column_count: true }) as Array<
    Record<string, string>
  >;
  const header = Object.keys(rows[0] ?? {});
  if (!header.includes(csvColumns.manageNumber)) {
    throw new TypeError(
      `not an RMS item CSV: the column ${csvColumns.manageNumber} is missing (is the file Shift_JIS as RMS downloads it?)`,
    );
  }
  const options = header.includes(csvColumns.optionType);
  const products: ChannelProduct[] = [];
  for (const row of rows) {
    const manageNumber = (row[csvColumns.manageNumber] ?? "").trim();
    if (!manageNumber) continue;
    if (options) {
      if (row[csvColumns.optionType] !== "i") continue;
      const optionCode =
        `${row[csvColumns.horizontalCode] ?? ""}${row[csvColumns.verticalCode] ?? ""}`.trim();
      const choice = [row[csvColumns.horizontalName], row[csvColumns.verticalName]].filter(Boolean).join(" ");
      products.push({
        itemCode: manageNumber,
        optionCode,
        productCode: `${manageNumber}${optionCode}`,
        name: `${manageNumber} ${choice}`.trim(),
        unlimitedStock: false,
        raw: row,
      });
      continue;
    }
    const stockType = (row[csvColumns.stockType] ?? "1").trim();
    if (stockType === "2") continue;
    const price = Number(row[csvColumns.price]);
    products.push({
      itemCode: manageNumber,
      productCode: manageNumber,
      name: (row[csvColumns.title] ?? "").trim() || manageNumber,
      price: Number.isFinite(price) && row[csvColumns.price] !== "" ? price : undefined,
      unlimitedStock: stockType === "0",
      raw: row,
    });
  }
  return products;
}

// ---- errors ----------------------------------------------------------------------------------------------

/**
 * RMS's error bodies: `{"Results":{"errorCode":"ES01-01","message":"Un-Authorised"}}` (auth/system),
 * `{"MessageModelList":[{messageType:"ERROR",messageCode,message}]}` (order API),
 * `{"errors":[{code,message}]}` (inventory and item APIs).
 */
export function readRmsError(body: unknown): { code?: string; message?: string } | undefined {
  const results = z
    .looseObject({ Results: z.looseObject({ errorCode: z.string(), message: z.string() }) })
    .safeParse(body);
  if (results.success) return { code: results.data.Results.errorCode, message: results.data.Results.message };
  const messages = messagesEnvelope.safeParse(body);
  if (messages.success) {
    const error =
      messages.data.MessageModelList.find((m) => m.messageType === "ERROR") ??
      messages.data.MessageModelList[0];
    if (error) return { code: error.messageCode, message: error.message };
  }
  const errors = inventoryErrorsSchema.safeParse(body);
  if (errors.success && errors.data.errors[0]) {
    return { code: errors.data.errors[0].code, message: errors.data.errors[0].message };
  }
  if (typeof body === "string" && body) return { message: body.slice(0, 500) };
  return undefined;
}
