import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { anOrder } from "../support/fixtures.ts";
import { type Api, givenMerchantClient, useApi } from "./support.ts";

let db: Db;
let api: Api;
useApi((env) => ({ db, api } = env));

const merchant = () => givenMerchantClient(db, api);

describe("warehouses and stores", () => {
  it("creates a warehouse and refuses its code twice with 409 naming the field", async () => {
    const m = await merchant();

    const created = await m.client.post("/warehouses", { code: "WH2", name: "大阪倉庫" });
    const twice = await m.client.post("/warehouses", { code: "WH2", name: "again" });
    const listed = await m.client.get("/warehouses");

    expect(created).toMatchObject({ status: 201, body: { code: "WH2", name: "大阪倉庫" } });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: "already_exists", field: "code" });
    expect(listed.body.data.map((w: { code: string }) => w.code)).toEqual(["WH1", "WH2"]);
  });

  it("creates a store on a warehouse, shows it, and moves it to another warehouse", async () => {
    const m = await merchant();
    await m.client.post("/warehouses", { code: "WH2", name: "大阪倉庫" });

    const created = await m.client.post("/stores", {
      channel: "rakuten",
      name: "楽天市場店",
      warehouseCode: "WH1",
      targetStatuses: ["300"],
      settings: { shopUrl: "kura-shop" },
    });
    const changed = await m.client.patch(`/stores/${created.body.id}`, {
      warehouseCode: "WH2",
      status: "closed",
    });
    const shown = await m.client.get(`/stores/${created.body.id}`);

    expect(created).toMatchObject({
      status: 201,
      body: {
        channel: "rakuten",
        warehouseCode: "WH1",
        targetStatuses: ["300"],
        settings: { shopUrl: "kura-shop" },
      },
    });
    expect(changed.body).toMatchObject({ warehouseCode: "WH2", status: "closed", name: "楽天市場店" });
    expect(shown.body).toEqual(changed.body);
    expect((await m.client.get("/stores")).body.total_count).toBe(2);
  });

  it("changes only the store fields a PATCH names", async () => {
    const m = await merchant();
    const created = await m.client.post("/stores", {
      channel: "yahoo",
      name: "Yahoo店",
      warehouseCode: "WH1",
      targetStatuses: ["paid"],
      settings: { sellerId: "kura" },
    });

    const changed = await m.client.patch(`/stores/${created.body.id}`, { name: "Yahoo!ショッピング店" });

    expect(changed.body).toMatchObject({
      name: "Yahoo!ショッピング店",
      status: "open",
      targetStatuses: ["paid"],
      settings: { sellerId: "kura" },
    });
  });

  it("refuses a store on a warehouse that does not exist", async () => {
    const m = await merchant();

    const answer = await m.client.post("/stores", { channel: "yahoo", name: "Y", warehouseCode: "NOPE" });

    expect(answer.status).toBe(404);
    expect(answer.body.error.field).toBe("warehouseCode");
  });
});

describe("products", () => {
  it("creates a product with PUT (201), updates it with PUT (200) and finds it by code", async () => {
    const m = await merchant();

    const created = await m.client.put("/products/TSHIRT-RED_M", { name: "Tシャツ 赤 M" });
    const updated = await m.client.put("/products/TSHIRT-RED_M", { name: "Tシャツ 赤 M", safetyStock: 2 });
    const found = await m.client.get("/products/TSHIRT-RED_M");

    expect(created.status).toBe(201);
    expect(updated.status).toBe(200);
    expect(found.body).toMatchObject({ code: "TSHIRT-RED_M", safetyStock: 2, janCode: null });
  });

  it("refuses a product code with characters a product code may not have", async () => {
    const m = await merchant();

    const answer = await m.client.put(`/products/${encodeURIComponent("ＴＳＨＩＲＴ")}`, { name: "x" });

    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: "validation_failed", field: "code" });
    expect(answer.body.error.message).toContain("half-width");
  });

  it("searches products by code prefix, taking _ literally", async () => {
    const m = await merchant();
    for (const code of ["AB_1", "AB_2", "ABC1", "XY_1"]) await m.product(code);

    const answer = await m.client.get("/products?q=AB_");

    expect(answer.body.data.map((p: { code: string }) => p.code)).toEqual(["AB_1", "AB_2"]);
    expect(answer.body.total_count).toBe(2);
  });
});

describe("payment and delivery masters and store mappings", () => {
  it("creates masters and maps a channel's strings so its orders are not held", async () => {
    const m = await merchant();
    await m.product("SKU-1", 3);
    await m.client.post("/payment-methods", { code: "cod", name: "代金引換" });
    await m.client.post("/delivery-services", {
      code: "sagawa",
      carrier: "佐川急便",
      serviceName: "飛脚宅配便",
      timeSlots: ["午前中", "12時~14時"],
    });
    const method = await m.client.post("/delivery-methods", {
      code: "hikyaku",
      name: "飛脚宅配便",
      deliveryServiceCode: "sagawa",
    });
    for (const mapping of [
      { kind: "payment_method", channelValue: "代引き", target: "cod" },
      { kind: "delivery_method", channelValue: "佐川", target: "hikyaku" },
      { kind: "time_slot", channelValue: "1214", target: "12時～14時" },
    ]) {
      expect((await m.client.put(`/stores/${m.storeId}/mappings`, mapping)).status).toBe(200);
    }

    const order = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ paymentMethod: "代引き", deliveryMethod: "佐川", timeSlot: "1214" }),
    );

    expect(method).toMatchObject({ status: 201, body: { code: "hikyaku", deliveryServiceCode: "sagawa" } });
    const services = await m.client.get("/delivery-services");
    expect(services.body.data.map((s: { code: string }) => s.code)).toEqual(["sagawa", "yamato"]);
    expect((await m.client.get("/payment-methods")).body.total_count).toBe(3);
    expect((await m.client.get(`/stores/${m.storeId}/mappings?kind=time_slot`)).body.data).toEqual([
      expect.objectContaining({ channelValue: "1214", target: "12時～14時" }),
    ]);
    expect(order.body).toMatchObject({ held: false, holdReasons: [] });
    expect((await m.client.get(`/orders/${order.body.orderId}`)).body).toMatchObject({
      paymentMethodCode: "cod",
      deliveryMethodCode: "hikyaku",
      timeSlot: "12時～14時",
    });
  });

  it("refuses a mapping to a master that does not exist with 422", async () => {
    const m = await merchant();

    const answer = await m.client.put(`/stores/${m.storeId}/mappings`, {
      kind: "payment_method",
      channelValue: "PayPay",
      target: "paypay",
    });

    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: "unknown_target", field: "target" });
  });
});
