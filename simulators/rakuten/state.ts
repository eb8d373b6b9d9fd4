// What the Rakuten simulator remembers: the shop and its license key, orders and their progress, items,
// inventory, accepted shipping requests, rate-limit windows and injected faults. Plain data; HTTP is in
// server.ts.

import { FaultQueue, RateWindow } from "../kit/server.ts";
import {
  defaultItems,
  type GenerateOptions,
  generateOrders,
  jstDate,
  toJstIso,
  toRmsDateTime,
} from "./generate.ts";
import type { ItemRecord, MessageModel, OrderModel, OrderProgress } from "./wire.ts";

export type Fault =
  | { kind: "error"; status: number }
  | { kind: "rate_limit"; retryAfterSeconds?: number }
  | { kind: "hang"; ms: number };

/** A row of the inventory API. */
export interface InventoryRecord {
  quantity: number;
  created: string;
  updated: string;
}

export interface ShippingRow {
  basketId: number;
  shippingDetailId?: number;
  deliveryCompany: string;
  shippingNumber: string;
  shippingDate: string;
  shippingDeleteFlag?: 0 | 1;
}

export interface ShippingRequest {
  requestId: string;
  receivedAt: Date;
  orders: Array<{ orderNumber: string; rows: ShippingRow[] }>;
  /** Null until processed; then one entry per order. */
  results: Array<{
    orderNumber: string;
    MessageModelList: Array<MessageModel & Record<string, unknown>>;
  }> | null;
}

/** Carrier codes of `deliveryCompany` (getOrder documentation). */
export const deliveryCompanies: Record<string, string> = {
  "1000": "その他",
  "1001": "ヤマト運輸",
  "1002": "佐川急便",
  "1003": "日本郵便",
  "1004": "西濃運輸",
  "1005": "セイノースーパーエクスプレス",
  "1006": "福山通運",
  "1007": "名鉄運輸",
  "1008": "トナミ運輸",
  "1009": "第一貨物",
  "1010": "新潟運輸",
  "1011": "中越運送",
  "1012": "岡山県貨物運送",
  "1013": "久留米運送",
  "1014": "山陽自動車運送",
  "1015": "NXトランスポート",
  "1016": "エコ配",
  "1017": "EMS",
  "1018": "DHL",
  "1019": "FedEx",
  "1020": "UPS",
  "1021": "日本通運",
  "1022": "TNT",
  "1023": "OCS",
  "1024": "USPS",
  "1025": "SFエクスプレス",
  "1026": "Aramex",
  "1027": "SGHグローバル・ジャパン",
  "1028": "Rakuten EXPRESS",
  "1029": "日本郵便 楽天倉庫出荷",
  "1030": "ヤマト運輸 クロネコゆうパケット",
  "1031": "名鉄NX運輸",
};

const inventoryKey = (manageNumber: string, variantId: string) =>
  `${manageNumber.toLowerCase()}\u0000${variantId}`;

export class RakutenState {
  readonly orders = new Map<string, OrderModel>();
  readonly items = new Map<string, ItemRecord>();
  readonly inventory = new Map<string, InventoryRecord>();
  readonly shippingRequests = new Map<string, ShippingRequest>();
  readonly faults = new FaultQueue<Fault>();
  /** Every request per endpoint group, for tests (`order`, `inventory`, `item`, `navigation`, `license`). */
  readonly requestCounts: Record<string, number> = {};
  /** Every bulk-upsert request body as received (batch sizes are asserted in tests). */
  readonly inventoryBatches: unknown[][] = [];
  throttled = 0;
  #serial = 0;
  #shippingDetailSerial = 0;
  #requestSerial = 0;
  readonly #rate = new RateWindow();

  constructor(
    readonly shopId: string,
    readonly now: () => Date = () => new Date(),
  ) {
    for (const it of defaultItems) this.items.set(it.manageNumber, structuredClone(it));
  }

  seedOrders(options: Omit<GenerateOptions, "shopId" | "firstSerial"> | OrderModel[]): OrderModel[] {
    const orders = Array.isArray(options)
      ? options
      : generateOrders({
          to: this.now(),
          items: [...this.items.values()],
          ...options,
          shopId: this.shopId,
          firstSerial: this.#serial + 1,
        });
    if (!Array.isArray(options)) this.#serial += orders.length;
    for (const order of orders) this.orders.set(order.orderNumber, structuredClone(order));
    return orders.map((order) => structuredClone(order));
  }

  seedItems(items: ItemRecord[]): void {
    for (const it of items) this.items.set(it.manageNumber, structuredClone(it));
  }

  order(orderNumber: string): OrderModel {
    const order = this.orders.get(orderNumber);
    if (!order) throw new Error(`the Rakuten simulator has no order ${orderNumber}`);
    return order;
  }

  /** Moves an order as RMS (or the shop in RMS) would, stamping the dates that go with the step. */
  setProgress(orderNumber: string, progress: OrderProgress): OrderModel {
    const order = this.order(orderNumber);
    const now = toRmsDateTime(this.now());
    order.orderProgress = progress;
    if (progress >= 200 && progress < 800) order.shopOrderCfmDatetime ??= now;
    if (progress >= 300 && progress < 800) {
      order.orderFixDatetime ??= now;
      order.shippingInstDatetime ??= now;
    }
    if (progress >= 500 && progress < 800) order.shippingCmplRptDatetime ??= now;
    return order;
  }

  /** confirmOrder: 100 → 200; anything else is refused per order. */
  confirm(orderNumber: string): MessageModel {
    const order = this.orders.get(orderNumber);
    if (!order)
      return message(
        "ERROR",
        "ORDER_EXT_API_CONFIRM_ORDER_ERROR_101",
        "指定された注文番号が存在しません。",
        orderNumber,
      );
    if (order.orderProgress >= 800) {
      return message(
        "ERROR",
        "ORDER_EXT_API_CONFIRM_ORDER_ERROR_102",
        "キャンセル済みの注文は確認できません。",
        orderNumber,
      );
    }
    if (order.orderProgress !== 100) {
      return message(
        "ERROR",
        "ORDER_EXT_API_CONFIRM_ORDER_ERROR_103",
        "ステータスが変更済みのため注文確認できません。",
        orderNumber,
      );
    }
    this.setProgress(orderNumber, 200);
    return message("INFO", "ORDER_EXT_API_CONFIRM_ORDER_INFO_101", "注文確認に成功しました。", orderNumber);
  }

  acceptShipping(orders: ShippingRequest["orders"]): ShippingRequest {
    this.#requestSerial += 1;
    const stamp = toRmsDateTime(this.now()).slice(0, 19).replace(/\D/g, "");
    const hex = this.#requestSerial.toString(16).padStart(8, "0");
    const request: ShippingRequest = {
      requestId: `${hex}-0000-4000-8000-${hex.padStart(12, "0")}_${stamp}`,
      receivedAt: this.now(),
      orders,
      results: null,
    };
    this.shippingRequests.set(request.requestId, request);
    return request;
  }

  /** The batch RMS runs later: shipping rows are written, and an order in 300 moves to 500 (発送完了報告). */
  processShipping(requestId: string): void {
    const request = this.shippingRequests.get(requestId);
    if (!request || request.results) return;
    request.results = request.orders.map(({ orderNumber, rows }) => {
      const order = this.orders.get(orderNumber);
      const fail = (code: string, text: string) => ({
        orderNumber,
        MessageModelList: [{ ...message("ERROR", code, text, orderNumber), dataNumber: 1 }],
      });
      if (!order)
        return fail("ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_101", "指定された注文番号が存在しません。");
      if (order.orderProgress >= 800) {
        return fail(
          "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_102",
          "キャンセルされた注文のため、発送情報を更新できません。",
        );
      }
      if (order.orderProgress < 300) {
        return fail(
          "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_103",
          "発送待ち以前の注文のため、発送情報を更新できません。",
        );
      }
      const basketIds = new Set(order.PackageModelList.map((p) => p.basketId));
      const unknown = rows.find((row) => !basketIds.has(row.basketId));
      if (unknown)
        return fail(
          "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_104",
          `送付先ID ${unknown.basketId} が存在しません。`,
        );
      const messages = rows.map((row, index) => {
        const basket = order.PackageModelList.find((p) => p.basketId === row.basketId);
        if (!basket) throw new Error("unreachable: basket checked above");
        this.#shippingDetailSerial += 1;
        const shippingDetailId = this.#shippingDetailSerial;
        basket.ShippingModelList.push({
          shippingDetailId,
          shippingNumber: row.shippingNumber,
          deliveryCompany: row.deliveryCompany,
          deliveryCompanyName: deliveryCompanies[row.deliveryCompany] ?? "その他",
          shippingDate: row.shippingDate,
        });
        return {
          ...message(
            "INFO",
            "ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101",
            "発送情報の追加に成功しました。",
            orderNumber,
          ),
          dataNumber: index + 1,
          shippingDetailId,
        };
      });
      if (order.orderProgress === 300) this.setProgress(orderNumber, 500);
      return { orderNumber, MessageModelList: messages };
    });
  }

  setInventory(manageNumber: string, variantId: string, quantity: number): void {
    const key = inventoryKey(manageNumber, variantId);
    const now = toJstIso(this.now());
    const existing = this.inventory.get(key);
    this.inventory.set(key, { quantity, created: existing?.created ?? now, updated: now });
  }

  inventoryOf(manageNumber: string, variantId: string): InventoryRecord | undefined {
    return this.inventory.get(inventoryKey(manageNumber, variantId));
  }

  /** Sliding one-second window per endpoint group: undefined when admitted, else seconds to wait. */
  admit(group: string, requestsPerSecond: number): number | undefined {
    const wait = this.#rate.admit(requestsPerSecond, group);
    if (wait !== undefined) this.throttled += 1;
    return wait;
  }

  today(): string {
    return jstDate(this.now());
  }
}

export function message(
  messageType: MessageModel["messageType"],
  messageCode: string,
  text: string,
  orderNumber?: string,
): MessageModel {
  return { messageType, messageCode, message: text, ...(orderNumber ? { orderNumber } : {}) };
}
