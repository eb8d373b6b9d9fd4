// 置換ルール: an order blocked by a missing rule is held with the exact string; adding the rule
// re-processes every order held for it, and the history says how many were released.
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { type Api, givenMerchantClient, useApi } from "../api/support.ts";
import { anOrder } from "../support/fixtures.ts";

let db: Db;
let api: Api;
useApi((env) => ({ db, api } = env));

const merchant = () => givenMerchantClient(db, api);

const statusOf = async (m: Awaited<ReturnType<typeof merchant>>, orderId: number) =>
  (await m.client.get(`/orders/${orderId}`)).body;

describe("replacement rules (置換ルール)", () => {
  it("holds an order with the exact delivery-method string that has no rule", async () => {
    const m = await merchant();
    await m.product("SKU-1", 5);

    const registered = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ deliveryMethod: "宅配便（ヤマト）" }),
    );

    expect(registered.body).toMatchObject({ status: "held", held: true });
    expect(registered.body.holdReasons).toEqual([
      expect.objectContaining({
        code: "unmapped_delivery_method",
        field: "deliveryMethod",
        value: "宅配便（ヤマト）",
      }),
    ]);
  });

  it("releases every order held for the string once its rule is added, oldest first, and records how many", async () => {
    const m = await merchant();
    await m.product("SKU-1", 1);
    const older = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ deliveryMethod: "宅配便（ヤマト）", orderedAt: "2026-11-01T00:00:00Z" }),
    );
    const newer = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ deliveryMethod: "宅配便（ヤマト）", orderedAt: "2026-11-02T00:00:00Z" }),
    );
    const alsoUnknownProduct = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({
        deliveryMethod: "宅配便（ヤマト）",
        lines: [{ itemCode: "NOPE", name: "?", quantity: 1, unitPrice: 100 }],
      }),
    );
    const otherString = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ deliveryMethod: "ゆうパック" }),
    );

    const rule = await m.client.put(`/stores/${m.storeId}/mappings`, {
      kind: "delivery_method",
      channelValue: "宅配便（ヤマト）",
      target: "takkyubin",
    });

    expect(rule.status).toBe(200);
    expect(rule.body.release).toMatchObject({ examined: 3, released: 2, stillHeld: 1 });
    expect(rule.body.release.orderIds).toEqual([older.body.orderId, newer.body.orderId]);
    // One unit: the older order takes it, the newer one waits for stock (引当待ち).
    expect(await statusOf(m, older.body.orderId)).toMatchObject({
      status: "awaiting_shipment",
      allocated: true,
    });
    expect(await statusOf(m, newer.body.orderId)).toMatchObject({
      status: "awaiting_allocation",
      held: false,
    });
    const stillHeld = await statusOf(m, alsoUnknownProduct.body.orderId);
    expect(stillHeld.status).toBe("held");
    expect(stillHeld.holdReasons.map((r: { code: string }) => r.code)).toEqual(["unknown_product_code"]);
    expect((await statusOf(m, otherString.body.orderId)).holdReasons[0]).toMatchObject({
      value: "ゆうパック",
    });
    const stock = await m.client.get("/stock?productCode=SKU-1");
    expect(stock.body.data[0]).toMatchObject({ onHand: 1, reserved: 1 });

    const history = await m.client.get(`/stores/${m.storeId}/held-order-releases`);
    expect(history.body.data[0]).toMatchObject({
      trigger: "delivery_method",
      channelValue: "宅配便（ヤマト）",
      examined: 3,
      released: 2,
      stillHeld: 1,
    });
    const detail = await statusOf(m, older.body.orderId);
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(["registered", "released"]);
  });

  it("releases an order held for a payment name once the payment rule is added", async () => {
    const m = await merchant();
    await m.product("SKU-1", 5);
    const held = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ paymentMethod: "クレジット決済" }),
    );

    const rule = await m.client.put(`/stores/${m.storeId}/mappings`, {
      kind: "payment_method",
      channelValue: "クレジット決済",
      target: "credit_card",
    });

    expect(rule.body.release).toMatchObject({ examined: 1, released: 1 });
    expect(await statusOf(m, held.body.orderId)).toMatchObject({
      status: "awaiting_shipment",
      paymentMethodCode: "credit_card",
    });
  });

  it("releases an order held for a time-slot string once the time-slot rule is added", async () => {
    const m = await merchant();
    await m.product("SKU-1", 5);
    const held = await m.client.post(`/stores/${m.storeId}/orders`, anOrder({ timeSlot: "0812" }));
    expect(held.body.holdReasons[0]).toMatchObject({ code: "invalid_time_slot", value: "0812" });

    const rule = await m.client.put(`/stores/${m.storeId}/mappings`, {
      kind: "time_slot",
      channelValue: "0812",
      target: "午前中",
    });

    expect(rule.body.release).toMatchObject({ examined: 1, released: 1 });
    expect(await statusOf(m, held.body.orderId)).toMatchObject({
      status: "awaiting_shipment",
      timeSlot: "午前中",
    });
  });

  it("keeps an order held when its delivery method, once mapped, does not offer its time slot", async () => {
    const m = await merchant();
    await m.product("SKU-1", 5);
    const held = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ deliveryMethod: "ヤマト", timeSlot: "夜間" }),
    );

    const rule = await m.client.put(`/stores/${m.storeId}/mappings`, {
      kind: "delivery_method",
      channelValue: "ヤマト",
      target: "takkyubin",
    });

    expect(rule.body.release).toMatchObject({ examined: 1, released: 0, stillHeld: 1 });
    const order = await statusOf(m, held.body.orderId);
    expect(order.holdReasons).toEqual([
      expect.objectContaining({ code: "invalid_time_slot", value: "夜間" }),
    ]);
    expect(order.deliveryMethodCode).toBe("takkyubin");
  });

  it("releases an order held for an unknown item code once the item gets its correspondence entry", async () => {
    const m = await merchant();
    await m.product("CUP", 5);
    const held = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({
        lines: [{ itemCode: "tea-cup", optionCode: "blue", name: "カップ 青", quantity: 2, unitPrice: 800 }],
      }),
    );
    expect(held.body.holdReasons[0]).toMatchObject({ code: "unknown_product_code", value: "tea-cup / blue" });

    await m.client.put(`/stores/${m.storeId}/correspondences`, {
      itemCode: "tea-cup",
      optionCode: "blue",
      components: [{ productCode: "CUP", quantity: 1 }],
    });

    expect(await statusOf(m, held.body.orderId)).toMatchObject({
      status: "awaiting_shipment",
      allocated: true,
    });
    const [release] = (await m.client.get(`/stores/${m.storeId}/held-order-releases`)).body.data;
    expect(release).toMatchObject({ trigger: "correspondence", channelValue: "tea-cup / blue", released: 1 });
  });

  it("re-examines an order held for its time slot when its delivery method is mapped to one that offers it", async () => {
    const m = await merchant();
    await m.product("SKU-1", 5);
    await m.client.post("/delivery-services", {
      code: "sagawa",
      carrier: "佐川急便",
      serviceName: "飛脚宅配便",
      timeSlots: ["午前中", "18時～21時"],
    });
    await m.client.post("/delivery-methods", {
      code: "hikyaku",
      name: "飛脚宅配便",
      deliveryServiceCode: "sagawa",
    });
    await m.client.put(`/stores/${m.storeId}/mappings`, {
      kind: "delivery_method",
      channelValue: "宅配",
      target: "takkyubin",
    });
    const held = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ deliveryMethod: "宅配", timeSlot: "18時～21時" }),
    );
    expect(held.body.holdReasons[0]).toMatchObject({ code: "invalid_time_slot" });

    const rule = await m.client.put(`/stores/${m.storeId}/mappings`, {
      kind: "delivery_method",
      channelValue: "宅配",
      target: "hikyaku",
    });

    expect(rule.body.release).toMatchObject({ examined: 1, released: 1 });
    expect(await statusOf(m, held.body.orderId)).toMatchObject({
      status: "awaiting_shipment",
      deliveryMethodCode: "hikyaku",
    });
  });
});
