// futureshop APIv2 wire format ⇄ Kura's shapes. The only product code that knows it.
//
// From channel-apis.md §4.5: JSON under https://{API domain}/admin-api/v1/ (the domain is issued per shop);
// credentials client ID, client secret and shop key; 発送API `POST /admin-api/v1/shipping/status`
// `{orderList:[≤100]{orderNo, shipmentList:[{shipmentNo, shippingInfo:{invoiceNo ≤ 100 bytes, shippingDate}}]}}`
// — adding the ship date moves the shipment 未発送 → 発送済み (futureshop's delivery method decides the
// carrier: no carrier is sent); 在庫更新API `POST /admin-api/v1/inventory`
// `{productList:[≤100]{productNo ≤ 32, inventoryInfo:{regular:{inventoryList:[{verticalNo, horizontalNo,
// count}]}}}}` with a Number count = absolute.
//
// ASSUMED (OUR DESIGN until checked; correct here and in simulators/futureshop together):
// - Token: `POST /oauth/token` form `grant_type=client_credentials`, HTTP Basic client ID:secret →
//   `{access_token, token_type:"Bearer", expires_in}`; every call sends `Authorization: Bearer …` and
//   `X-SHOP-KEY: <shop key>`.
// - 受注検索: `GET /admin-api/v1/orders?updateDateFrom&updateDateTo` (ISO 8601 with offset, window ≤ 31 days)
//   `&page&perPage ≤ 100` → `{orderList:[…], totalCount}`; order fields orderNo, orderDate, updateDate,
//   orderStatus (受付 · キャンセル), paymentStatus (未入金 · 入金済み), paymentMethodName,
//   buyer{lastName, firstName, …Kana, zipCode, prefecture, address1, address2, tel, mail},
//   totals{productTotal, postage, paymentFee, discount, usePoint, billingTotal}, shipmentList[{shipmentNo,
//   deliveryMethodName, deliveryDate, deliveryTime, receiver{…}, productList[{productNo, verticalNo,
//   horizontalNo, productName, price, quantity, taxRate}], shippingStatus}] (one entry per destination).
// - verticalNo / horizontalNo are the choice codes; Kura's option code is "V" or "V/H".
// - Results `{resultList:[{orderNo|productNo, result:"Success"|"Error", errorCode, message}]}`;
//   ProductNotFound, InventoryNotManaged (unlimited), OrderNotFound; errors `{errors:[{code, message}]}`.
// - A shipment notice reports shipment 1 (Kura ships to one destination; orders with more are held).
// - 2 requests per second.
import { z } from "zod";
import type { OrderInputRaw } from "../../domain/order-input.ts";
import { formatPostalCode, joinName } from "../common/japan.ts";
import { rejectedStock, type StockRejections, updatedStock } from "../common/stock.ts";
import type { ShipmentNotice, StockItem, StockItemResult } from "../types.ts";

const personSchema = z.looseObject({
  lastName: z.string(),
  firstName: z.string().nullish(),
  lastNameKana: z.string().nullish(),
  firstNameKana: z.string().nullish(),
  zipCode: z.string().nullish(),
  prefecture: z.string().nullish(),
  address1: z.string().nullish(),
  address2: z.string().nullish(),
  tel: z.string().nullish(),
  mail: z.string().nullish(),
});

export const wireOrderSchema = z.looseObject({
  orderNo: z.string(),
  orderDate: z.string(),
  updateDate: z.string(),
  orderStatus: z.string(),
  paymentStatus: z.string().nullish(),
  paymentMethodName: z.string().nullish(),
  buyer: personSchema,
  totals: z.looseObject({
    productTotal: z.number().int(),
    postage: z.number().int().default(0),
    paymentFee: z.number().int().default(0),
    discount: z.number().int().default(0),
    usePoint: z.number().int().default(0),
    billingTotal: z.number().int(),
  }),
  shipmentList: z
    .array(
      z.looseObject({
        shipmentNo: z.number().int(),
        deliveryMethodName: z.string().nullish(),
        deliveryDate: z.string().nullish(),
        deliveryTime: z.string().nullish(),
        receiver: personSchema,
        productList: z.array(
          z.looseObject({
            productNo: z.string(),
            verticalNo: z.string().nullish(),
            horizontalNo: z.string().nullish(),
            productName: z.string(),
            price: z.number().int(),
            quantity: z.number().int(),
            taxRate: z.number().int().nullish(),
          }),
        ),
      }),
    )
    .min(1),
});
export type WireOrder = z.infer<typeof wireOrderSchema>;

export const searchAnswerSchema = z.looseObject({
  orderList: z.array(z.unknown()),
  totalCount: z.number().int(),
});

export function toOrderInput(wire: WireOrder, raw: unknown = wire): OrderInputRaw {
  const first = wire.shipmentList[0] as WireOrder["shipmentList"][number];
  return {
    orderCode: wire.orderNo,
    channelStatus: wire.orderStatus,
    cancelledOnChannel: wire.orderStatus === "キャンセル",
    orderedAt: wire.orderDate,
    buyer: toAddress(wire.buyer),
    deliveryAddresses: wire.shipmentList.map((s) => toAddress(s.receiver)),
    deliveryMethod: first.deliveryMethodName ?? undefined,
    requestedDate: first.deliveryDate ?? undefined,
    timeSlot: first.deliveryTime ?? undefined,
    paymentMethod: wire.paymentMethodName ?? undefined,
    paymentConfirmed: wire.paymentStatus === "入金済み",
    lines: wire.shipmentList.flatMap((s) =>
      s.productList.map((p) => ({
        itemCode: p.productNo,
        optionCode: toOptionCode(p.verticalNo, p.horizontalNo),
        name: p.productName,
        quantity: p.quantity,
        unitPrice: p.price,
        taxRate: p.taxRate ?? undefined,
      })),
    ),
    amounts: {
      subtotal: wire.totals.productTotal,
      shippingFee: wire.totals.postage,
      paymentFee: wire.totals.paymentFee,
      discount: wire.totals.discount,
      pointsUsed: wire.totals.usePoint,
      total: wire.totals.billingTotal,
    },
    raw,
  };
}

function toAddress(person: z.infer<typeof personSchema>) {
  return {
    name: joinName(person.lastName, person.firstName),
    nameKana: joinName(person.lastNameKana, person.firstNameKana) || undefined,
    phone: person.tel ?? undefined,
    email: person.mail ?? undefined,
    postalCode: formatPostalCode(person.zipCode),
    prefecture: person.prefecture ?? undefined,
    city: person.address1 ?? undefined,
    address1: person.address2 ?? undefined,
  };
}

const toOptionCode = (vertical?: string | null, horizontal?: string | null) =>
  [vertical, horizontal].filter(Boolean).join("/") || undefined;

/** ISO 8601 in JST with an explicit offset. */
export function toWireDateTime(date: Date): string {
  return `${new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;
}

// ---- shipments and stock ----------------------------------------------------------------------------------

export function toShippingStatusEntry(notice: ShipmentNotice) {
  return {
    orderNo: notice.orderCode,
    shipmentList: [
      {
        shipmentNo: 1,
        shippingInfo: { invoiceNo: notice.trackingNumber.replace(/\s/g, ""), shippingDate: notice.shippedOn },
      },
    ],
  };
}

/** One product entry per item code, its choices in one inventory list. */
export function toProductList(items: StockItem[]) {
  const byCode = new Map<string, StockItem[]>();
  for (const item of items) byCode.set(item.itemCode, [...(byCode.get(item.itemCode) ?? []), item]);
  return [...byCode.entries()].map(([productNo, lines]) => ({
    productNo,
    inventoryInfo: {
      regular: {
        inventoryList: lines.map((line) => {
          const [verticalNo = "", horizontalNo = ""] = (line.optionCode ?? "").split("/");
          return { verticalNo, horizontalNo, count: line.quantity };
        }),
      },
    },
  }));
}

export const resultListSchema = z.looseObject({
  resultList: z.array(
    z.looseObject({
      orderNo: z.string().nullish(),
      productNo: z.string().nullish(),
      result: z.string(),
      errorCode: z.string().nullish(),
      message: z.string().nullish(),
    }),
  ),
});
export type ResultList = z.infer<typeof resultListSchema>;

const stockRejections: StockRejections = {
  ProductNotFound: "not_found",
  InventoryNotManaged: "unlimited",
};

export function toStockResults(items: StockItem[], answer: ResultList): StockItemResult[] {
  const byCode = new Map(answer.resultList.map((r) => [r.productNo ?? "", r]));
  return items.map((item) => {
    const result = byCode.get(item.itemCode);
    if (result?.result === "Success") return updatedStock(item);
    return rejectedStock(item, { code: result?.errorCode, message: result?.message }, stockRejections);
  });
}

/** `{errors:[{code, message}]}` (API) or `{error, error_description}` (token). */
export function readError(body: unknown): { code?: string; message?: string } | undefined {
  const api = z.looseObject({
    errors: z.array(z.looseObject({ code: z.string(), message: z.string() })).min(1),
  });
  const oauth = z.looseObject({ error: z.string(), error_description: z.string().optional() });
  const a = api.safeParse(body);
  if (a.success) return a.data.errors[0];
  const o = oauth.safeParse(body);
  return o.success ? { code: o.data.error, message: o.data.error_description } : undefined;
}
