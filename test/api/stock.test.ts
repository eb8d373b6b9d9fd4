import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { anOrder } from "../support/fixtures.ts";
import { type Api, givenMerchantClient, useApi } from "./support.ts";

let db: Db;
let api: Api;
useApi((env) => ({ db, api } = env));

const merchant = () => givenMerchantClient(db, api);

describe("receipts and stocktakes", () => {
  it("adds received units, records them in the ledger with the API key as actor", async () => {
    const m = await merchant();
    await m.product("SKU-1");

    const receipt = await m.client.post("/stock/receipts", {
      productCode: "SKU-1",
      warehouseCode: "WH1",
      quantity: 7,
      reason: "入荷 PO-1",
    });

    expect(receipt).toMatchObject({ status: 201, body: { onHand: 7, reserved: 0, available: 7 } });
    const ledger = await m.client.get("/stock/ledger?productCode=SKU-1&warehouseCode=WH1");
    expect(ledger.body.data[0]).toMatchObject({
      kind: "receipt",
      onHandDelta: 7,
      reason: "入荷 PO-1",
      actor: expect.stringMatching(/^api-key:\d+$/),
    });
  });

  it("gives received units to an order waiting for allocation", async () => {
    const m = await merchant();
    await m.product("SKU-1");
    const waiting = await m.client.post(`/stores/${m.storeId}/orders`, anOrder());
    expect(waiting.body.status).toBe("awaiting_allocation");

    const receipt = await m.client.post("/stock/receipts", {
      productCode: "SKU-1",
      warehouseCode: "WH1",
      quantity: 1,
    });

    expect(receipt.body).toMatchObject({
      reserved: 1,
      available: 0,
      allocatedOrderIds: [waiting.body.orderId],
    });
    expect((await m.client.get(`/orders/${waiting.body.orderId}`)).body.status).toBe("awaiting_shipment");
  });

  it("sets on hand to the counted quantity and lists the ledger newest first", async () => {
    const m = await merchant();
    await m.product("SKU-1", 10);

    const counted = await m.client.post("/stock/stocktakes", {
      productCode: "SKU-1",
      warehouseCode: "WH1",
      countedQuantity: 8,
      reason: "棚卸 11月",
    });

    expect(counted).toMatchObject({ status: 200, body: { onHand: 8, delta: -2 } });
    const ledger = await m.client.get("/stock/ledger?productCode=SKU-1");
    expect(
      ledger.body.data.map((row: { kind: string; onHandDelta: number }) => [row.kind, row.onHandDelta]),
    ).toEqual([
      ["adjustment", -2],
      ["receipt", 10],
    ]);
    expect(ledger.body).toMatchObject({ current_page: 1, limit: 20, total_count: 2 });
  });

  it("refuses a receipt of an unknown product with 404 naming the field", async () => {
    const m = await merchant();

    const answer = await m.client.post("/stock/receipts", {
      productCode: "NOPE",
      warehouseCode: "WH1",
      quantity: 1,
    });

    expect(answer.status).toBe(404);
    expect(answer.body.error.field).toBe("productCode");
  });

  it("refuses a negative stocktake count with 400", async () => {
    const m = await merchant();
    await m.product("SKU-1", 1);

    const answer = await m.client.post("/stock/stocktakes", {
      productCode: "SKU-1",
      warehouseCode: "WH1",
      countedQuantity: -1,
    });

    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe("countedQuantity");
  });
});

describe("availability", () => {
  it("keeps reserved units and safety stock out of what a SKU may sell", async () => {
    const m = await merchant();
    await m.product("SKU-1", 10, 2);
    await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ lines: [{ itemCode: "SKU-1", name: "T", quantity: 3, unitPrice: 1 }] }),
    );

    const answer = await m.client.get("/availability?productCode=SKU-1");

    expect(answer.body.data).toEqual([
      expect.objectContaining({
        productCode: "SKU-1",
        onHand: 10,
        reserved: 3,
        safetyStock: 2,
        available: 5,
      }),
    ]);
  });

  it("offers a set as many times as its scarcest part allows", async () => {
    const m = await merchant();
    await m.product("CUP", 10);
    await m.product("SAUCER", 5);
    await m.client.put(`/stores/${m.storeId}/correspondences`, {
      itemCode: "ティーセット",
      components: [
        { productCode: "CUP", quantity: 2 },
        { productCode: "SAUCER", quantity: 2 },
      ],
    });

    const answer = await m.client.get(
      `/stores/${m.storeId}/availability?itemCode=${encodeURIComponent("ティーセット")}`,
    );

    expect(answer.body).toMatchObject({
      source: "correspondence",
      warehouseCode: "WH1",
      available: 2,
      components: [
        { productCode: "CUP", quantity: 2, available: 10 },
        { productCode: "SAUCER", quantity: 2, available: 5 },
      ],
    });
  });

  it("treats a channel item without an entry as the product of that code", async () => {
    const m = await merchant();
    await m.product("SKU-1", 4);

    const answer = await m.client.get(`/stores/${m.storeId}/availability?itemCode=SKU-1`);

    expect(answer.body).toMatchObject({ source: "product", available: 4 });
  });

  it("answers 404 for an item that is neither an entry nor a product", async () => {
    const m = await merchant();

    const answer = await m.client.get(`/stores/${m.storeId}/availability?itemCode=NOPE`);

    expect(answer.status).toBe(404);
    expect(answer.body.error.field).toBe("itemCode");
  });
});
