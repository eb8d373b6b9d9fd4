import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";
import { type Api, merchantClient, useApi } from "./support.ts";

let db: Db;
let api: Api;
useApi((env) => ({ db, api } = env));

async function merchantWithStock(stock = 5) {
  const m = await givenMerchant(db);
  await m.product("SKU-1", stock);
  return { ...m, client: merchantClient(api, m) };
}

describe("registering orders over HTTP", () => {
  it("refuses a malformed order naming the field and the reason, and stores nothing", async () => {
    const m = await merchantWithStock();

    const answer = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ lines: [{ itemCode: "SKU-1", name: "T", quantity: 0, unitPrice: 500 }] }),
    );

    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: "validation_failed", field: "lines[0].quantity" });
    expect(answer.body.error.message).toContain("at least 1");
    expect((await m.client.get("/orders")).body.total_count).toBe(0);
    expect((await m.client.get("/stock?productCode=SKU-1")).body.data[0]).toMatchObject({ reserved: 0 });
  });

  it("refuses a body that is not JSON with the error shape", async () => {
    const m = await merchantWithStock();

    const answer = await m.client.call("POST", `/stores/${m.storeId}/orders`, {
      raw: "{not json",
      headers: { "content-type": "application/json" },
    });

    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("invalid_json");
  });

  it("answers 201 for a new order and 200 when the same order comes again unchanged", async () => {
    const m = await merchantWithStock();
    const order = anOrder();

    const first = await m.client.post(`/stores/${m.storeId}/orders`, order);
    const again = await m.client.post(`/stores/${m.storeId}/orders`, order);

    expect(first).toMatchObject({
      status: 201,
      body: { outcome: "created", status: "awaiting_shipment", held: false },
    });
    expect(again).toMatchObject({ status: 200, body: { outcome: "unchanged", orderId: first.body.orderId } });
  });

  it("tells the caller why an order is held", async () => {
    const m = await merchantWithStock();

    const answer = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ lines: [{ itemCode: "NOPE", name: "unknown", quantity: 1, unitPrice: 1 }] }),
    );

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: "held", held: true });
    expect(answer.body.holdReasons).toEqual([
      expect.objectContaining({ code: "unknown_product_code", field: "lines[0].itemCode", value: "NOPE" }),
    ]);
  });
});

describe("an order's life over HTTP", () => {
  it("registers, lists, shows and cancels an order, releasing its stock", async () => {
    const m = await merchantWithStock(3);
    const order = anOrder({ lines: [{ itemCode: "SKU-1", name: "Tシャツ", quantity: 2, unitPrice: 1500 }] });

    const registered = await m.client.post(`/stores/${m.storeId}/orders`, order);
    const listed = await m.client.get("/orders");
    const detail = await m.client.get(`/orders/${registered.body.orderId}`);

    expect(listed.body.data).toEqual([
      expect.objectContaining({
        id: registered.body.orderId,
        orderCode: order.orderCode,
        status: "awaiting_shipment",
      }),
    ]);
    expect(detail.body).toMatchObject({
      orderCode: order.orderCode,
      status: "awaiting_shipment",
      paymentMethodCode: "credit_card",
      deliveryMethodCode: "takkyubin",
      held: false,
      holdReasons: [],
      lines: [{ lineNo: 1, itemCode: "SKU-1", name: "Tシャツ", quantity: 2, unitPrice: 1500 }],
      items: [{ productCode: "SKU-1", warehouseCode: "WH1", quantity: 2, allocated: true }],
      shipment: { status: "allocated", code: expect.stringMatching(/^S\d{9}$/) },
    });
    expect(detail.body.history.map((h: { action: string }) => h.action)).toEqual(["registered"]);
    expect(detail.body.history[0].actor).toMatch(/^api-key:\d+$/);

    const cancelled = await m.client.post(`/orders/${registered.body.orderId}/cancel`, {
      reason: "お客様都合",
    });

    expect(cancelled).toMatchObject({ status: 200, body: { status: "cancelled" } });
    const after = await m.client.get(`/orders/${registered.body.orderId}`);
    expect(after.body).toMatchObject({ status: "cancelled", cancelReason: "お客様都合", shipment: null });
    expect(after.body.cancelledBy).toMatch(/^api-key:/);
    expect((await m.client.get("/stock?productCode=SKU-1")).body.data[0]).toMatchObject({
      onHand: 3,
      reserved: 0,
      available: 3,
    });
  });

  it("refuses to cancel an order twice with 409", async () => {
    const m = await merchantWithStock();
    const registered = await m.client.post(`/stores/${m.storeId}/orders`, anOrder());
    await m.client.post(`/orders/${registered.body.orderId}/cancel`, { reason: "x" });

    const again = await m.client.post(`/orders/${registered.body.orderId}/cancel`, { reason: "x" });

    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("already_cancelled");
  });

  it("finds a cancelled order by its original code after the code was freed", async () => {
    const m = await merchantWithStock();
    const order = anOrder();
    const registered = await m.client.post(`/stores/${m.storeId}/orders`, order);
    await m.client.post(`/orders/${registered.body.orderId}/cancel`, { reason: "x", allowSameCode: true });
    const second = await m.client.post(`/stores/${m.storeId}/orders`, order);

    const found = await m.client.get(`/orders?code=${encodeURIComponent(order.orderCode)}`);

    expect(second.status).toBe(201);
    expect(found.body.data.map((o: { id: number }) => o.id).sort()).toEqual(
      [registered.body.orderId, second.body.orderId].sort(),
    );
  });
});

describe("searching orders", () => {
  it("filters by status, held, code prefix and the day ordered in Japan time", async () => {
    const m = await merchantWithStock();
    const post = (overrides: Parameters<typeof anOrder>[0]) =>
      m.client.post(`/stores/${m.storeId}/orders`, anOrder(overrides));
    const early = await post({ orderCode: "WEB-001", orderedAt: "2026-10-31T14:59:00Z" }); // 10/31 23:59 JST
    const late = await post({ orderCode: "WEB-002", orderedAt: "2026-10-31T15:00:00Z" }); // 11/1 00:00 JST
    const held = await post({
      orderCode: "MAIL-001",
      orderedAt: "2026-11-01T03:00:00Z",
      lines: [{ itemCode: "NOPE", name: "?", quantity: 1, unitPrice: 1 }],
    });

    const ids = async (query: string) =>
      (await m.client.get(`/orders?${query}`)).body.data.map((o: { id: number }) => o.id);

    expect(await ids("codePrefix=WEB-")).toEqual([late.body.orderId, early.body.orderId]);
    expect(await ids("held=true")).toEqual([held.body.orderId]);
    expect(await ids("status=held")).toEqual([held.body.orderId]);
    expect(await ids("orderedFrom=2026-11-01&orderedTo=2026-11-01")).toEqual([
      held.body.orderId,
      late.body.orderId,
    ]);
    expect(await ids("orderedTo=2026-10-31T14:59:00Z")).toEqual([early.body.orderId]);
  });

  it("pages the list with the envelope and refuses a limit over 100", async () => {
    const m = await merchantWithStock(10);
    for (let i = 0; i < 3; i++) await m.client.post(`/stores/${m.storeId}/orders`, anOrder());

    const second = await m.client.get("/orders?page=2&limit=2");
    const tooMany = await m.client.get("/orders?limit=101");

    expect(second.body).toMatchObject({ current_page: 2, limit: 2, total_count: 3 });
    expect(second.body.data).toHaveLength(1);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: "validation_failed", field: "limit" });
  });

  it("answers an unknown status filter with 400 naming the field", async () => {
    const m = await merchantWithStock();

    const answer = await m.client.get("/orders?status=lost");

    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe("status");
  });
});
