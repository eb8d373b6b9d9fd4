// The stock formula as a setting of the API: read, set, refused with the field named.
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { type Api, merchantClient, useApi } from "../api/support.ts";
import { givenMerchant } from "../support/fixtures.ts";

let db: Db;
let api: Api;
useApi((env) => ({ db, api } = env));

async function merchantWithItem() {
  const m = await givenMerchant(db);
  const client = merchantClient(api, m);
  await m.product("TEA", 40);
  await client.post("/warehouses", { code: "WH2", name: "大阪倉庫" });
  await client.put(`/stores/${m.storeId}/correspondences`, {
    itemCode: "tea-100g",
    components: [{ productCode: "TEA", quantity: 1 }],
  });
  return { ...m, client };
}

describe("stock formula settings", () => {
  it("answers the defaults, which change nothing, for an entry never set", async () => {
    const m = await merchantWithItem();

    const shown = await m.client.get(`/stores/${m.storeId}/stock-formulas?itemCode=tea-100g`);

    expect(shown.body).toEqual({
      itemCode: "tea-100g",
      optionCode: "",
      formula: { reserve: 0, sharePercent: 100, maximum: null, minimum: null },
      sendOnceAfterReceipt: false,
      warehouseCodes: [],
    });
  });

  it("sets the formula and the warehouses counted, and the diagnosis computes with them", async () => {
    const m = await merchantWithItem();

    const set = await m.client.put(`/stores/${m.storeId}/stock-formulas`, {
      itemCode: "tea-100g",
      formula: { reserve: 4, sharePercent: 50, maximum: 10, minimum: 2 },
      sendOnceAfterReceipt: true,
      warehouseCodes: ["WH1", "WH2"],
    });
    const diagnosis = await m.client.get(`/stores/${m.storeId}/items/diagnosis?itemCode=tea-100g`);

    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ sendOnceAfterReceipt: true, warehouseCodes: ["WH1", "WH2"] });
    expect(diagnosis.body).toMatchObject({ syncs: true, quantityNow: 10 });
    expect(diagnosis.body.formula).toMatchObject({
      warehouseCodes: ["WH1", "WH2"],
      sendOnceAfterReceipt: true,
      quantity: 10,
    });
    const listed = await m.client.get(`/stores/${m.storeId}/correspondences?itemCode=tea-100g`);
    expect(listed.body.data[0].stockFormula).toMatchObject({
      reserve: 4,
      sharePercent: 50,
      maximum: 10,
      minimum: 2,
    });
    expect(diagnosis.body.formula.steps.map((s: { quantity: number }) => s.quantity)).toEqual([
      40, 36, 18, 10, 10, 10,
    ]);
  });

  it("refuses a share above 100, a minimum above the maximum and an unknown warehouse, naming the field", async () => {
    const m = await merchantWithItem();
    const put = (body: object) =>
      m.client.put(`/stores/${m.storeId}/stock-formulas`, { itemCode: "tea-100g", ...body });

    const share = await put({ formula: { sharePercent: 120 } });
    const minimum = await put({ formula: { maximum: 5, minimum: 6 } });
    const warehouse = await put({ warehouseCodes: ["NOPE"] });
    const item = await m.client.put(`/stores/${m.storeId}/stock-formulas`, { itemCode: "unknown" });

    expect(share.status).toBe(400);
    expect(share.body.error.field).toBe("formula.sharePercent");
    expect(minimum.body.error.field).toBe("formula.minimum");
    expect(warehouse.status).toBe(422);
    expect(warehouse.body.error).toMatchObject({ code: "unknown_warehouse", field: "warehouseCodes[0]" });
    expect(item.status).toBe(404);
  });
});
