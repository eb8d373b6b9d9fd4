// futureshop APIv2 simulator. Published (channel-apis.md §4.5): JSON under /admin-api/v1, client ID + secret +
// shop key, the shipping-status API and the inventory API bodies. OUR DESIGN (README.md, kept identical to
// src/channels/futureshop/map.ts): the token call, the order search and every answer shape.
import { randomBytes } from "node:crypto";
import { isBatch, isPage } from "../kit/checks.ts";
import {
  formOf,
  jsonOf,
  type KitServer,
  type SimulatorOptions,
  send,
  startKitServer,
  type WireAnswer,
  withRetryAfter,
} from "../kit/server.ts";
import { jstIso, jstParts, KitState, type StockRefusals, samplePerson } from "../kit/state.ts";

export interface FutureshopProduct {
  productNo: string;
  verticalNo: string;
  horizontalNo: string;
  productName: string;
  price: number;
  quantity: number;
  taxRate: number;
}

export interface FutureshopShipment {
  shipmentNo: number;
  deliveryMethodName: string;
  deliveryDate: string | null;
  deliveryTime: string | null;
  receiver: FutureshopPerson;
  productList: FutureshopProduct[];
  shippingInfo?: { invoiceNo: string; shippingDate: string; expectedArrival?: string };
  shippingStatus: string; // 未発送 | 発送済み
}

export interface FutureshopPerson {
  lastName: string;
  firstName: string;
  lastNameKana: string;
  firstNameKana: string;
  zipCode: string;
  prefecture: string;
  address1: string;
  address2: string;
  tel: string;
  mail?: string;
}

export interface FutureshopOrder {
  orderNo: string;
  orderDate: string;
  updateDate: string;
  orderStatus: string; // 受付 | キャンセル
  paymentStatus: string; // 未入金 | 入金済み
  paymentMethodName: string;
  buyer: FutureshopPerson;
  totals: {
    productTotal: number;
    postage: number;
    paymentFee: number;
    discount: number;
    usePoint: number;
    billingTotal: number;
  };
  shipmentList: FutureshopShipment[];
}

export interface FutureshopOptions extends SimulatorOptions {
  clientId?: string;
  clientSecret?: string;
  shopKey?: string;
}

export const futureshopLimits = { maxPageSize: 100, maxWindowDays: 31, maxPerRequest: 100 } as const;

const errors = (status: number, code: string, message: string): WireAnswer => ({
  status,
  body: { errors: [{ code, message }] },
});
const dayMs = 86_400_000;

/** An order of a shipping-status call, as received. */
interface ShippingEntry {
  orderNo?: string;
  shipmentList?: Array<{ shipmentNo?: number; shippingInfo?: Record<string, string> }>;
}

const inventoryRefusals = {
  invalid: ["InvalidCount", "在庫数が正しくありません。"],
  not_found: ["ProductNotFound", "商品が存在しません。"],
  unlimited: ["InventoryNotManaged", "在庫管理しない商品です。"],
} as const satisfies StockRefusals;

/** A product of an inventory call, as received. */
interface InventoryEntry {
  productNo?: string;
  inventoryInfo?: {
    regular?: { inventoryList?: Array<{ verticalNo?: string; horizontalNo?: string; count?: unknown }> };
  };
}

export interface FutureshopSimulator extends KitServer {
  clientId: string;
  clientSecret: string;
  shopKey: string;
  state: KitState<FutureshopOrder>;
  tokenRequests: number;
  seedOrder(
    lines: Array<{ itemCode: string; option?: string; qty: number }>,
    ageMs?: number,
  ): FutureshopOrder;
  cancelOrder(orderNo: string): void;
}

export async function startFutureshop(options: FutureshopOptions = {}): Promise<FutureshopSimulator> {
  const clientId = options.clientId ?? "fs-client-id";
  const clientSecret = options.clientSecret ?? "fs-client-secret";
  const shopKey = options.shopKey ?? "fs-shop-key";
  const state = new KitState<FutureshopOrder>(options.now, "futureshop");
  const tokens = new Set<string>();
  let serial = 0;
  let tokenRequests = 0;
  const touch = (order: FutureshopOrder) => {
    order.updateDate = jstIso(state.now());
  };

  const kit = await startKitServer(
    {
      port: options.port,
      requestsPerSecond: options.requestsPerSecond ?? 2,
      authenticate(request) {
        if (request.headers["x-shop-key"] !== shopKey)
          return errors(401, "InvalidShopKey", "ショップキーが正しくありません。");
        if (request.url.startsWith("/oauth/token")) return undefined;
        const bearer = request.headers.authorization?.match(/^Bearer (.+)$/)?.[1] ?? "";
        return tokens.has(bearer)
          ? undefined
          : errors(401, "InvalidToken", "アクセストークンが正しくありません。");
      },
      rateLimited: (seconds) =>
        withRetryAfter(errors(429, "TooManyRequests", "リクエストが多すぎます。"), seconds),
      fault: (status, message) => errors(status, "InternalError", message),
    },
    (app) => {
      app.post("/oauth/token", async (request, reply) => {
        tokenRequests += 1;
        const form = formOf(request);
        const basic = Buffer.from(`${clientId}:${clientSecret}`).toString("base64");
        if (form.grant_type !== "client_credentials") {
          return reply.code(400).send({
            error: "unsupported_grant_type",
            error_description: "grant_type は client_credentials です。",
          });
        }
        if (request.headers.authorization !== `Basic ${basic}`) {
          return reply
            .code(401)
            .send({ error: "invalid_client", error_description: "クライアント認証に失敗しました。" });
        }
        const token = `fs-at-${randomBytes(12).toString("hex")}`;
        tokens.add(token);
        return { access_token: token, token_type: "Bearer", expires_in: 3600 };
      });

      app.get("/admin-api/v1/orders", async (request, reply) => {
        const q = formOf(request);
        const from = Date.parse(q.updateDateFrom ?? "");
        const to = Date.parse(q.updateDateTo ?? "");
        const page = Number(q.page ?? 1);
        const perPage = Number(q.perPage ?? 20);
        if (
          Number.isNaN(from) ||
          Number.isNaN(to) ||
          from >= to ||
          to - from > futureshopLimits.maxWindowDays * dayMs
        ) {
          return send(
            reply,
            errors(
              400,
              "InvalidParameter",
              `更新日時の範囲は${futureshopLimits.maxWindowDays}日以内で指定してください。`,
            ),
          );
        }
        if (!isPage(page, perPage, futureshopLimits.maxPageSize)) {
          return send(reply, errors(400, "InvalidParameter", "page / perPage が正しくありません。"));
        }
        const matching = state.ordersBetween(from, to, (o) => o.updateDate);
        return {
          orderList: matching.slice((page - 1) * perPage, page * perPage),
          totalCount: matching.length,
        };
      });

      app.post("/admin-api/v1/shipping/status", async (request, reply) => {
        const orderList = (jsonOf(request) as { orderList?: unknown })?.orderList;
        if (!isBatch<ShippingEntry>(orderList, futureshopLimits.maxPerRequest)) {
          return send(
            reply,
            errors(400, "InvalidParameter", `orderList は1〜${futureshopLimits.maxPerRequest}件です。`),
          );
        }
        const resultList = orderList.map((entry) => {
          const order = state.orders.get(entry.orderNo ?? "");
          if (!order)
            return {
              orderNo: entry.orderNo,
              result: "Error",
              errorCode: "OrderNotFound",
              message: "受注が存在しません。",
            };
          if (order.orderStatus === "キャンセル") {
            return {
              orderNo: entry.orderNo,
              result: "Error",
              errorCode: "OrderCancelled",
              message: "キャンセル済みの受注です。",
            };
          }
          for (const line of entry.shipmentList ?? []) {
            const shipment = order.shipmentList.find((s) => s.shipmentNo === line.shipmentNo);
            const info = line.shippingInfo ?? {};
            if (
              !shipment ||
              !/^\d{4}-\d{2}-\d{2}$/.test(info.shippingDate ?? "") ||
              (info.invoiceNo ?? "").length > 100
            ) {
              return {
                orderNo: entry.orderNo,
                result: "Error",
                errorCode: "InvalidShipment",
                message: "発送情報が正しくありません。",
              };
            }
            shipment.shippingInfo = {
              invoiceNo: info.invoiceNo ?? "",
              shippingDate: info.shippingDate as string,
            };
            shipment.shippingStatus = "発送済み";
            state.shipments.push({
              orderCode: order.orderNo,
              carrier: shipment.deliveryMethodName,
              trackingNumber: info.invoiceNo ?? "",
              shippedOn: info.shippingDate as string,
            });
          }
          touch(order);
          return { orderNo: entry.orderNo, result: "Success" };
        });
        return { resultList };
      });

      app.post("/admin-api/v1/inventory", async (request, reply) => {
        const productList = (jsonOf(request) as { productList?: unknown })?.productList;
        if (!isBatch<InventoryEntry>(productList, futureshopLimits.maxPerRequest)) {
          return send(
            reply,
            errors(400, "InvalidParameter", `productList は1〜${futureshopLimits.maxPerRequest}件です。`),
          );
        }
        const resultList = productList.map((p) => {
          for (const line of p.inventoryInfo?.regular?.inventoryList ?? []) {
            const option = [line.verticalNo, line.horizontalNo].filter(Boolean).join("/");
            const outcome = state.setStock(p.productNo ?? "", option, line.count);
            if (outcome !== "updated") {
              const [errorCode, message] = inventoryRefusals[outcome];
              return { productNo: p.productNo, result: "Error", errorCode, message };
            }
          }
          return { productNo: p.productNo, result: "Success" };
        });
        return { resultList };
      });
    },
  );

  return {
    ...kit,
    clientId,
    clientSecret,
    shopKey,
    state,
    get tokenRequests() {
      return tokenRequests;
    },
    seedOrder(lines, ageMs = 60_000) {
      serial += 1;
      const at = jstIso(new Date(state.now().getTime() - ageMs));
      const person = samplePerson(serial);
      const who: FutureshopPerson = {
        lastName: person.familyName,
        firstName: person.givenName,
        lastNameKana: person.familyKana,
        firstNameKana: person.givenKana,
        zipCode: person.zip,
        prefecture: person.prefecture,
        address1: person.city,
        address2: person.street,
        tel: person.tel,
      };
      const productList = lines.map((line): FutureshopProduct => {
        const item = state.lineOf(line.itemCode, line.option);
        const [vertical = "", horizontal = ""] = (line.option ?? "").split("/");
        return {
          productNo: line.itemCode,
          verticalNo: vertical,
          horizontalNo: horizontal,
          productName: item.name,
          price: item.price,
          quantity: line.qty,
          taxRate: item.taxRate,
        };
      });
      const productTotal = productList.reduce((sum, p) => sum + p.price * p.quantity, 0);
      const order: FutureshopOrder = {
        orderNo: `${jstParts(state.now()).compact.slice(2, 8)}${String(serial).padStart(6, "0")}`,
        orderDate: at,
        updateDate: at,
        orderStatus: "受付",
        paymentStatus: "入金済み",
        paymentMethodName: "クレジットカード決済",
        buyer: { ...who, mail: person.email },
        totals: {
          productTotal,
          postage: 660,
          paymentFee: 0,
          discount: 0,
          usePoint: 0,
          billingTotal: productTotal + 660,
        },
        shipmentList: [
          {
            shipmentNo: 1,
            deliveryMethodName: "宅配便",
            deliveryDate: null,
            deliveryTime: null,
            receiver: who,
            productList,
            shippingStatus: "未発送",
          },
        ],
      };
      state.orders.set(order.orderNo, order);
      return order;
    },
    cancelOrder(orderNo) {
      const order = state.order(orderNo);
      order.orderStatus = "キャンセル";
      touch(order);
    },
  };
}
