// au PAY マーケット (Wow! manager API) simulator: XML over HTTP as channel-apis.md §4.2 describes it, with the
// gaps filled by the assumptions in README.md (kept identical to src/channels/aupay/map.ts).
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import {
  formOf,
  type KitServer,
  type SimulatorOptions,
  send,
  startKitServer,
  type WireAnswer,
  withRetryAfter,
} from "../kit/server.ts";
import { jstParts, KitState, type StockRefusals, samplePerson } from "../kit/state.ts";

export interface AuPayDetail {
  itemCode: string;
  itemManagementId: string;
  itemName: string;
  itemPrice: number;
  unit: number;
  /** [assumed] the choice codes of a per-choice item, as the stock API names them. */
  choicesStockHorizontalCode?: string;
  choicesStockVerticalCode?: string;
}

export interface AuPayOrder {
  orderId: string;
  orderDate: string; // YYYY/MM/DD HH:MM (JST)
  orderStatus: string; // 新規受付 | 発送待ち | 完了 | キャンセル
  memo: string;
  totalSalePrice: number;
  postagePrice: number;
  chargePrice: number; // [assumed] 決済手数料
  couponTotalPrice: number;
  usePoint: number;
  requestPrice: number;
  settlementName: string;
  deliveryName: string;
  deliveryRequestDay?: string; // [assumed] YYYYMMDD
  deliveryRequestTime?: string; // [assumed] e.g. 午前中, 14時～16時
  ordererName: string;
  ordererKana: string;
  ordererZipCode: string;
  ordererAddress: string;
  ordererPhoneNumber1: string;
  mailAddress: string;
  senderName: string;
  senderKana: string;
  senderZipCode: string;
  senderAddress: string;
  senderPhoneNumber1: string;
  detail: AuPayDetail[];
  /** Set by the shipment calls. */
  shippingDate?: string;
  shippingCarrier?: string;
  shippingNumber?: string;
}

export interface AuPayOptions extends SimulatorOptions {
  shopId?: string;
  apiKey?: string;
  /** When the key lapses (Wow! manager reissues keys every 90 days); never by default. */
  apiKeyExpiresAt?: Date;
}

export const auPayLimits = { maxPageSize: 1000, maxStockItemsPerRequest: 100 } as const;

/** [assumed] the error codes; the real ones are not published. */
export const auPayErrors = {
  badKey: ["PUB0001", "APIキーが正しくありません。"],
  expiredKey: ["PUB0002", "APIキーの有効期限が切れています。Wow!managerでAPIキーを再発行してください。"],
  badShop: ["PUB0003", "ショップIDが正しくありません。"],
  invalid: ["PUB0100", "リクエストが正しくありません。"],
  noOrder: ["ORD0001", "指定された注文は存在しません。"],
  cancelled: ["ORD0002", "キャンセル済みの注文は更新できません。"],
  noItem: ["STK0001", "指定された商品は存在しません。"],
  unlimited: ["STK0002", "在庫設定なしの商品は在庫数を更新できません。"],
  rate: ["PUB0429", "リクエストが多すぎます。"],
  server: ["PUB9999", "システムエラーが発生しました。"],
} as const;

const stockRefusals = {
  invalid: [auPayErrors.invalid[0], "在庫数が正しくありません。"],
  not_found: auPayErrors.noItem,
  unlimited: auPayErrors.unlimited,
} as const satisfies StockRefusals;

const listTags = new Set(["orderInfo", "detail", "stockUpdateItem", "choicesStocks", "updateResult"]);
const parser = new XMLParser({ parseTagValue: false, isArray: (name) => listTags.has(name) });
const builder = new XMLBuilder({ suppressEmptyNode: false });

const xml = (status: number, body: Record<string, unknown>): WireAnswer => ({
  status,
  contentType: "application/xml; charset=utf-8",
  body: `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ response: body })}`,
});
const ok = (rest: Record<string, unknown> = {}) => xml(200, { result: { status: 0 }, ...rest });
const failure = (status: number, [code, message]: readonly [string, string], detail?: string) =>
  xml(status, {
    result: { status: 1, error: { code, message: detail ? `${message} (${detail})` : message } },
  });

export interface AuPaySimulator extends KitServer {
  shopId: string;
  apiKey: string;
  state: KitState<AuPayOrder>;
  /** A sample order with the given lines (item code, choice, qty), ordered `ageMs` ago. */
  seedOrder(lines: Array<{ itemCode: string; choice?: string; qty: number }>, ageMs?: number): AuPayOrder;
  setOrderStatus(orderId: string, status: string): void;
}

export async function startAuPay(options: AuPayOptions = {}): Promise<AuPaySimulator> {
  const shopId = options.shopId ?? "55512345";
  const apiKey = options.apiKey ?? "aupay-test-api-key";
  const state = new KitState<AuPayOrder>(options.now, "au PAY");
  let serial = 0;

  const kit = await startKitServer(
    {
      port: options.port,
      requestsPerSecond: options.requestsPerSecond ?? 2,
      authenticate(request) {
        const bearer = request.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
        if (bearer !== apiKey) return failure(401, auPayErrors.badKey);
        if (options.apiKeyExpiresAt && options.apiKeyExpiresAt <= state.now()) {
          return failure(401, auPayErrors.expiredKey);
        }
        return undefined;
      },
      rateLimited: (seconds) => withRetryAfter(failure(429, auPayErrors.rate), seconds),
      fault: (status, message) => failure(status, [auPayErrors.server[0], message]),
    },
    (app) => {
      app.get("/wmshopapi/searchTradeInfoListProc", async (request, reply) => {
        const q = formOf(request);
        if (q.shopId !== shopId) return send(reply, failure(400, auPayErrors.badShop));
        const start = toDate(q.startDate);
        const end = toDate(q.endDate);
        const totalCount = Number(q.totalCount ?? 20);
        const startCount = Number(q.startCount ?? 1);
        if (!start || !end || start > end) {
          return send(reply, failure(400, auPayErrors.invalid, "startDate/endDate"));
        }
        if (!Number.isInteger(totalCount) || totalCount < 1 || totalCount > auPayLimits.maxPageSize) {
          return send(
            reply,
            failure(400, auPayErrors.invalid, `totalCount は${auPayLimits.maxPageSize}以下`),
          );
        }
        const matching = [...state.orders.values()]
          .filter((o) => {
            const day = o.orderDate.slice(0, 10).replaceAll("/", "-");
            return day >= start && day <= end && (!q.orderStatus || o.orderStatus === q.orderStatus);
          })
          .sort((a, b) => a.orderDate.localeCompare(b.orderDate) || a.orderId.localeCompare(b.orderId));
        const page = matching.slice(startCount - 1, startCount - 1 + totalCount);
        return send(reply, ok({ resultCount: matching.length, orderInfo: page.map(orderXml) }));
      });

      app.post("/wmshopapi/updateTradeInfoProc", async (request, reply) => {
        const body = readRequest(request.body);
        if (!body || String(body.shopId) !== shopId) return send(reply, failure(400, auPayErrors.badShop));
        const order = state.orders.get(String(body.orderId ?? ""));
        if (!order) return send(reply, failure(400, auPayErrors.noOrder, String(body.orderId ?? "")));
        if (order.orderStatus === "キャンセル") return send(reply, failure(400, auPayErrors.cancelled));
        const date = String(body.shippingDate ?? "");
        const carrier = String(body.shippingCarrier ?? "");
        const number = String(body.shippingNumber ?? "");
        if (!/^\d{8}$/.test(date) || !/^\d{1,2}$/.test(carrier) || !/^[0-9A-Za-z-]{1,30}$/.test(number)) {
          return send(
            reply,
            failure(400, auPayErrors.invalid, "shippingDate/shippingCarrier/shippingNumber"),
          );
        }
        Object.assign(order, { shippingDate: date, shippingCarrier: carrier, shippingNumber: number });
        return send(reply, ok());
      });

      app.post("/wmshopapi/updateTradeStsProc", async (request, reply) => {
        const body = readRequest(request.body);
        if (!body || String(body.shopId) !== shopId) return send(reply, failure(400, auPayErrors.badShop));
        const order = state.orders.get(String(body.orderId ?? ""));
        if (!order) return send(reply, failure(400, auPayErrors.noOrder, String(body.orderId ?? "")));
        if (order.orderStatus === "キャンセル") return send(reply, failure(400, auPayErrors.cancelled));
        const status = String(body.orderStatus ?? "");
        if (status !== "完了" && status !== "発送待ち")
          return send(reply, failure(400, auPayErrors.invalid, "orderStatus"));
        if (status === "完了" && !order.shippingNumber) {
          return send(reply, failure(400, auPayErrors.invalid, "発送情報が未登録です"));
        }
        order.orderStatus = status;
        if (status === "完了") {
          state.shipments.push({
            orderCode: order.orderId,
            carrier: order.shippingCarrier ?? "",
            trackingNumber: order.shippingNumber ?? "",
            shippedOn: order.shippingDate ?? "",
          });
        }
        return send(reply, ok());
      });

      app.post("/wmshopapi/updateStock", async (request, reply) => {
        const body = readRequest(request.body);
        if (!body || String(body.shopId) !== shopId) return send(reply, failure(400, auPayErrors.badShop));
        const items = (body.stockUpdateItem ?? []) as Array<Record<string, unknown>>;
        if (items.length < 1 || items.length > auPayLimits.maxStockItemsPerRequest) {
          return send(
            reply,
            failure(
              400,
              auPayErrors.invalid,
              `stockUpdateItem は1〜${auPayLimits.maxStockItemsPerRequest}件`,
            ),
          );
        }
        const updateResult = items.map((item) => {
          const itemCode = String(item.itemCode ?? "");
          const lines =
            String(item.stockSegment) === "2"
              ? ((item.choicesStocks ?? []) as Array<Record<string, unknown>>).map((c) => ({
                  option: [c.choicesStockHorizontalCode, c.choicesStockVerticalCode]
                    .filter(Boolean)
                    .join("/"),
                  count: Number(c.choicesStockCount),
                }))
              : [{ option: "", count: Number(item.stockCount) }];
          for (const line of lines) {
            const outcome = state.setStock(itemCode, line.option, line.count);
            if (outcome !== "updated") return { itemCode, error: errorOf(stockRefusals[outcome]) };
          }
          return { itemCode };
        });
        return send(reply, ok({ updateResult }));
      });
    },
  );

  return {
    ...kit,
    url: `${kit.url}/wmshopapi`,
    shopId,
    apiKey,
    state,
    seedOrder(lines, ageMs = 60_000) {
      serial += 1;
      const orderedAt = jstParts(new Date(state.now().getTime() - ageMs));
      const person = samplePerson(serial);
      const detail = lines.map((line) => {
        const [horizontal, vertical] = (line.choice ?? "").split("/");
        const item = state.lineOf(line.itemCode, line.choice);
        return {
          itemCode: line.itemCode,
          itemManagementId: `${line.itemCode}`.toLowerCase(),
          itemName: item.name,
          itemPrice: item.price,
          unit: line.qty,
          ...(horizontal ? { choicesStockHorizontalCode: horizontal } : {}),
          ...(vertical ? { choicesStockVerticalCode: vertical } : {}),
        };
      });
      const goods = detail.reduce((sum, d) => sum + d.itemPrice * d.unit, 0);
      const name = `${person.familyName} ${person.givenName}`;
      const kana = `${person.familyKana} ${person.givenKana}`;
      const address = `${person.prefecture}${person.city}${person.street}`;
      const order: AuPayOrder = {
        orderId: `${String(100_000_000 + serial)}`,
        orderDate: `${orderedAt.date.replaceAll("-", "/")} ${orderedAt.time.slice(0, 5)}`,
        orderStatus: "新規受付",
        memo: "",
        totalSalePrice: goods,
        postagePrice: 660,
        chargePrice: 0,
        couponTotalPrice: 0,
        usePoint: 100,
        requestPrice: goods + 660 - 100,
        settlementName: "クレジットカード決済",
        deliveryName: "宅配便",
        deliveryRequestTime: "午前中",
        ordererName: name,
        ordererKana: kana,
        ordererZipCode: `${person.zip.slice(0, 3)}-${person.zip.slice(3)}`,
        ordererAddress: address,
        ordererPhoneNumber1: person.tel,
        mailAddress: person.email,
        senderName: name,
        senderKana: kana,
        senderZipCode: `${person.zip.slice(0, 3)}-${person.zip.slice(3)}`,
        senderAddress: address,
        senderPhoneNumber1: person.tel,
        detail,
      };
      state.orders.set(order.orderId, order);
      return order;
    },
    setOrderStatus(orderId, status) {
      state.order(orderId).orderStatus = status;
    },
  };
}

const errorOf = ([code, message]: readonly [string, string]) => ({ code, message });

/** `YYYYMMDD` or `YYYY-MM-DD` → `YYYY-MM-DD`. */
function toDate(value: string | undefined): string | undefined {
  const match = value?.match(/^(\d{4})-?(\d{2})-?(\d{2})$/);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}

function readRequest(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== "string") return undefined;
  try {
    const parsed = parser.parse(body) as { request?: Record<string, unknown> };
    return parsed.request;
  } catch {
    return undefined;
  }
}

function orderXml(order: AuPayOrder) {
  const { detail, ...header } = order;
  return { ...header, detail };
}
