// The versioned cart API (/api/v1/merchant/:id/…) with a cart's access token: order registration with its
// refusals and holds, stock by codes and since a cursor, tracking numbers of fully shipped orders.
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { orders, stockLedger } from "../../src/db/schema.ts";
import { setCorrespondence } from "../../src/operations/masters.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";
import { type Api, type Json, merchantClient, useApi } from "../api/support.ts";
import { connectCart, givenCartMerchant } from "./support.ts";

let db: Db;
let api: Api;
useApi((env) => {
  db = env.db;
  api = env.api;
});

let merchant: Awaited<ReturnType<typeof givenCartMerchant>>;
let token: string;
let counter = 0;

beforeAll(async () => {
  merchant = await givenCartMerchant(db);
  await merchant.product("CA-1", 10);
  await merchant.product("CA-2", 6);
  await setCorrespondence(db, merchant.orgId, merchant.cartStoreId, {
    itemCode: "SET-12",
    components: [
      { productCode: "CA-1", quantity: 1 },
      { productCode: "CA-2", quantity: 2 },
    ],
  });
  token = (await connectCart(api, merchant)).accessToken;
});

const cartCall = (method: string, path: string, body?: unknown) =>
  api.call(method, `/api/v1/merchant/${merchant.orgId}${path}`, { token, body });

function aSalesOrder(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    code: `CA-${counter}-${Date.now()}`,
    ordered_at: "2026-11-20 10:15:00",
    buyer_name1: "山田 太郎",
    recipient_name1: "山田 太郎",
    recipient_prefecture: "東京都",
    recipient_address1: "渋谷区",
    // Each order to its own address: two to the same one would be a bundle candidate (同梱), locked until decided.
    recipient_address2: `神宮前1-2-${counter}`,
    payment_method: "クレジットカード",
    delivery_method: "ヤマト宅急便",
    subtotal: 1000,
    total: 1100,
    lines: [{ article_code: "CA-1", article_name: "商品", price: 1000, quantity: 1 }],
    ...overrides,
  };
}

const register = (order: Json) => cartCall("POST", "/sales_orders/new", { sales_order: order });

describe("registering an order", () => {
  it("registers an order once: the same order again changes nothing", async () => {
    const order = aSalesOrder();
    const first = await register(order);
    const again = await register(order);
    expect(first.status).toBe(201);
    expect(first.body.sales_order).toMatchObject({ outcome: "created", held: false, hold_reasons: [] });
    expect(again.status).toBe(200);
    expect(again.body.sales_order).toMatchObject({ id: first.body.sales_order.id, outcome: "unchanged" });
  });

  it("takes an order's changes until picking starts", async () => {
    const order = aSalesOrder();
    await register(order);
    const changed = await register({ ...order, recipient_address2: "神宮前9-9-9" });
    expect(changed.status).toBe(200);
    expect(changed.body.sales_order.outcome).toBe("updated");
  });

  it("reads ordered_at as Japan time", async () => {
    const created = await register(aSalesOrder({ ordered_at: "2026-11-20 09:00:00" }));
    const order = await merchantClient(api, merchant).get(`/orders/${created.body.sales_order.id}`);
    expect(new Date(order.body.orderedAt).toISOString()).toBe("2026-11-20T00:00:00.000Z");
  });

  it.each([
    [
      "several delivery addresses",
      { additional_recipients: [{ name1: "佐藤 花子", address1: "大阪市" }] },
      "sales_order.additional_recipients",
      "several delivery addresses",
    ],
    [
      "a bundled extra line without a product code",
      {
        lines: [
          { article_code: "CA-1", article_name: "商品", price: 1000, quantity: 1 },
          { article_name: "おまけ", price: 0, quantity: 1 },
        ],
      },
      "sales_order.lines[1].article_code",
      "bundled extra",
    ],
    [
      "a product code with full-width characters",
      { lines: [{ article_code: "ＣＡ－１", article_name: "商品", price: 1000, quantity: 1 }] },
      "sales_order.lines[0].article_code",
      "not allowed",
    ],
    [
      "a product code with a space",
      { lines: [{ article_code: "CA 1", article_name: "商品", price: 1000, quantity: 1 }] },
      "sales_order.lines[0].article_code",
      "half-width letters, digits",
    ],
  ])("refuses %s, naming the field and the reason", async (_what, overrides, field, reason) => {
    const order = aSalesOrder(overrides);
    const answer = await register(order);
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe(field);
    expect(answer.body.error.message).toContain(reason);
    const orders = await merchantClient(api, merchant).get(
      `/orders?storeId=${merchant.cartStoreId}&limit=100`,
    );
    expect(orders.body.data.map((o: Json) => o.orderCode)).not.toContain(order.code);
  });

  it("refuses an order without a required field, naming it", async () => {
    const { recipient_name1: _, ...order } = aSalesOrder();
    const answer = await register(order);
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe("sales_order.recipient_name1");
  });

  it("accepts an order with an unknown product code and holds it, saying so", async () => {
    const answer = await register(
      aSalesOrder({ lines: [{ article_code: "NO-SUCH", article_name: "商品", price: 1000, quantity: 1 }] }),
    );
    expect(answer.status).toBe(201);
    expect(answer.body.sales_order).toMatchObject({
      held: true,
      status: "held",
      hold_reasons: [
        expect.objectContaining({
          code: "unknown_product_code",
          field: "sales_order.lines[0].article_code",
          value: "NO-SUCH",
        }),
      ],
    });
    expect(answer.body.sales_order.message).toContain("held for review");
  });

  it("holds an order with an unmapped delivery method", async () => {
    const answer = await register(aSalesOrder({ delivery_method: "謎の配送" }));
    expect(answer.status).toBe(201);
    expect(answer.body.sales_order.hold_reasons).toEqual([
      expect.objectContaining({ code: "unmapped_delivery_method", field: "sales_order.delivery_method" }),
    ]);
  });

  it("holds an order whose time slot the delivery method does not offer, listing the valid ones", async () => {
    const answer = await register(aSalesOrder({ delivery_preferred_time_zone: "12時～14時" }));
    expect(answer.status).toBe(201);
    expect(answer.body.sales_order.hold_reasons).toEqual([
      expect.objectContaining({
        code: "invalid_time_slot",
        field: "sales_order.delivery_preferred_time_zone",
        valid_values: ["午前中", "14時～16時", "16時～18時", "18時～20時", "19時～21時"],
      }),
    ]);
  });

  it("refuses an order for a store the app was not authorized for", async () => {
    const answer = await register(aSalesOrder({ store: merchant.storeId }));
    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatchObject({ code: "store_not_granted", field: "sales_order.store" });
  });

  it("refuses a call without a token", async () => {
    const answer = await api.call("POST", `/api/v1/merchant/${merchant.orgId}/sales_orders/new`, {
      body: { sales_order: aSalesOrder() },
    });
    expect(answer.status).toBe(401);
  });

  it("does not take a merchant API key as a cart token", async () => {
    const answer = await api.call("POST", `/api/v1/merchant/${merchant.orgId}/sales_orders/new`, {
      token: merchant.token,
      body: { sales_order: aSalesOrder() },
    });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe("invalid_token");
  });
});

describe("reading stock", () => {
  it("answers available stock by item code, sets as whole sets, and lists unknown codes", async () => {
    const answer = await cartCall(
      "GET",
      "/logical_inventory_summaries?article_code=SET-12,CA-2&article_code=NOPE",
    );
    expect(answer.status).toBe(200);
    const byCode = Object.fromEntries(answer.body.data.map((d: Json) => [d.article_code, d]));
    const ca1 = (await cartCall("GET", "/logical_inventory_summaries?article_code=CA-1")).body.data[0].free;
    expect(byCode["CA-2"]).toMatchObject({ free: 6, stock_out: false, unlimited: false });
    expect(byCode["SET-12"].free).toBe(Math.min(ca1, 3));
    expect(answer.body.not_found).toEqual(["NOPE"]);
  });

  it("refuses more than 100 codes", async () => {
    const codes = Array.from({ length: 101 }, (_, i) => `C${i}`).join(",");
    const answer = await cartCall("GET", `/logical_inventory_summaries?article_code=${codes}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe("article_code");
  });

  /** Makes every change so far older than the settling time, as if the cart polled a while later. */
  const settleStockChanges = () =>
    db
      .update(stockLedger)
      .set({ createdAt: sql`now() - interval '1 minute'` })
      .where(eq(stockLedger.organizationId, merchant.orgId));

  it("pages through every item changed since a cursor, and then only what changed after", async () => {
    await settleStockChanges();
    const all: Json[] = [];
    let cursor = "";
    for (;;) {
      const page = await cartCall(
        "GET",
        `/logical_inventory_summaries/changes?limit=1${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.status).toBe(200);
      all.push(...page.body.data);
      cursor = page.body.next_cursor;
      if (!page.body.has_more) break;
    }
    expect(new Set(all.map((d) => d.article_code))).toEqual(new Set(["CA-1", "CA-2", "SET-12"]));

    const nothing = await cartCall("GET", `/logical_inventory_summaries/changes?cursor=${cursor}`);
    expect(nothing.body).toMatchObject({ data: [], next_cursor: cursor, has_more: false });

    await receiveStock(db, {
      organizationId: merchant.orgId,
      productCode: "CA-2",
      warehouseCode: "WH1",
      quantity: 2,
      actor: "test",
    });
    const changed = await cartCall("GET", `/logical_inventory_summaries/changes?cursor=${cursor}`);
    expect(changed.body.data.map((d: Json) => d.article_code).sort()).toEqual(["CA-2", "SET-12"]);
    expect(changed.body.data.find((d: Json) => d.article_code === "CA-2").free).toBe(8);
  });

  it("reports a fresh change again until it has settled, then moves past it", async () => {
    await settleStockChanges();
    let cursor = "";
    for (let more = true; more; ) {
      const page = await cartCall(
        "GET",
        `/logical_inventory_summaries/changes${cursor ? `?cursor=${cursor}` : ""}`,
      );
      cursor = page.body.next_cursor;
      more = page.body.has_more;
    }
    await receiveStock(db, {
      organizationId: merchant.orgId,
      productCode: "CA-1",
      warehouseCode: "WH1",
      quantity: 1,
      actor: "test",
    });
    // Stamped ahead, so that however slow this machine is, the change is still fresh on the next two calls.
    await db
      .update(stockLedger)
      .set({ createdAt: sql`now() + interval '1 minute'` })
      .where(
        sql`${stockLedger.organizationId} = ${merchant.orgId} and ${stockLedger.id} > ${Number(cursor)}`,
      );

    const fresh = await cartCall("GET", `/logical_inventory_summaries/changes?cursor=${cursor}`);
    const again = await cartCall(
      "GET",
      `/logical_inventory_summaries/changes?cursor=${fresh.body.next_cursor}`,
    );
    await settleStockChanges();
    const settled = await cartCall(
      "GET",
      `/logical_inventory_summaries/changes?cursor=${again.body.next_cursor}`,
    );
    const after = await cartCall(
      "GET",
      `/logical_inventory_summaries/changes?cursor=${settled.body.next_cursor}`,
    );

    expect(fresh.body.data.map((d: Json) => d.article_code)).toContain("CA-1");
    expect(fresh.body.next_cursor).toBe(cursor);
    expect(again.body.data.map((d: Json) => d.article_code)).toContain("CA-1");
    expect(settled.body.next_cursor).not.toBe(cursor);
    expect(after.body.data).toEqual([]);
  });

  it("refuses a cursor it did not give", async () => {
    const answer = await cartCall("GET", "/logical_inventory_summaries/changes?cursor=abc");
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe("cursor");
  });
});

describe("reading tracking numbers", () => {
  it("reports fully shipped orders once, and lists the others as pending", async () => {
    const kura = merchantClient(api, merchant);
    const shippedOrder = await register(aSalesOrder());
    const waitingOrder = await register(aSalesOrder());
    const start = await cartCall("GET", "/outbound_deliveries");
    expect(start.body.data).toEqual([]);
    expect(start.body.pending).toEqual(
      expect.arrayContaining([
        {
          order_code: waitingOrder.body.sales_order.code,
          status: "awaiting_shipment",
          reason: "not_shipped",
        },
      ]),
    );

    const order = await kura.get(`/orders/${shippedOrder.body.sales_order.id}`);
    await kura.post(`/shipments/${order.body.shipment.id}/ship`, {
      carrier: "ヤマト運輸",
      trackingNumber: "400000000001",
      shippedOn: "2026-11-21",
    });

    // Stamped ahead, so that however slow this machine is, the shipment is still fresh on the next two calls.
    await db
      .update(orders)
      .set({ shippedAt: sql`now() + interval '1 minute'` })
      .where(eq(orders.id, shippedOrder.body.sales_order.id));
    const after = await cartCall("GET", `/outbound_deliveries?cursor=${start.body.next_cursor}`);
    expect(after.body.data).toEqual([
      expect.objectContaining({
        order_code: shippedOrder.body.sales_order.code,
        carrier: "ヤマト運輸",
        shipped_on: "2026-11-21",
        delivery_method: "ヤマト宅急便",
        delivery_tracking_numbers: ["400000000001"],
      }),
    ]);
    expect(after.body.pending.map((p: Json) => p.order_code)).not.toContain(
      shippedOrder.body.sales_order.code,
    );

    // Reported again until the shipment has settled; after that, once only.
    const again = await cartCall("GET", `/outbound_deliveries?cursor=${after.body.next_cursor}`);
    expect(again.body.data.map((d: Json) => d.order_code)).toEqual([shippedOrder.body.sales_order.code]);
    await db
      .update(orders)
      .set({ shippedAt: sql`now() - interval '1 minute'` })
      .where(eq(orders.id, shippedOrder.body.sales_order.id));
    const settled = await cartCall("GET", `/outbound_deliveries?cursor=${again.body.next_cursor}`);
    expect(settled.body.data.map((d: Json) => d.order_code)).toEqual([shippedOrder.body.sales_order.code]);
    const later = await cartCall("GET", `/outbound_deliveries?cursor=${settled.body.next_cursor}`);
    expect(later.body.data).toEqual([]);
  });
});

describe("the OpenAPI document", () => {
  it("documents the cart API with its OAuth2 scheme", async () => {
    const doc = await api.call("GET", "/docs/json");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/merchant/{merchantId}/sales_orders/new",
        "/api/v1/merchant/{merchantId}/logical_inventory_summaries",
        "/api/v1/merchant/{merchantId}/logical_inventory_summaries/changes",
        "/api/v1/merchant/{merchantId}/outbound_deliveries",
        "/api/v1/merchant/{merchantId}/apps",
      ]),
    );
    expect(doc.body.components.securitySchemes.cartOAuth2.type).toBe("oauth2");
  });
});
