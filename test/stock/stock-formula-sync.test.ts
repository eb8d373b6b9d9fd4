// The stock formula (I0) end to end: what the channel simulator receives follows each entry's formula,
// the warehouses it counts and "send once after a receipt"; the diagnosis (I6) shows the steps.
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { createWarehouse } from "../../src/operations/masters.ts";
import { registerOrder } from "../../src/operations/register-order.ts";
import { setStockFormula } from "../../src/operations/stock-formula.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";
import { diagnoseItem, requestRun } from "../../src/operations/sync-admin.ts";
import { anOrder } from "../support/fixtures.ts";
import { eventually, givenChannelStore, runsOf, useEngine } from "../sync/support.ts";

let db: Db;
const afterTest = useEngine((env) => ({ db } = env));

async function channelStore() {
  const store = afterTest.release(await givenChannelStore(db));
  await eventually(async () => store.sim.stockOf("TEA-HOJI-100")?.quantity === 500); // the first push
  return store;
}

/** Runs a full resync now and waits until it finished. */
async function resync(orgId: number, storeId: number) {
  const before = (await runsOf(db, storeId, "stock.resync")).length;
  await requestRun(db, orgId, storeId, "stock.resync", "test");
  await eventually(async () => {
    const runs = await runsOf(db, storeId, "stock.resync");
    return runs.length > before && runs[0]?.outcome !== "running";
  });
}

describe("the stock formula in stock sync", () => {
  it("sends free stock minus the reserve, times the share, capped, and shows each step in the diagnosis", async () => {
    const { sim, orgId, storeId } = await channelStore();

    await setStockFormula(db, orgId, storeId, {
      itemCode: "TEA-HOJI-100",
      formula: { reserve: 100, sharePercent: 50, maximum: 150, minimum: 10 },
    });

    await eventually(async () => sim.stockOf("TEA-HOJI-100")?.quantity === 150);
    const diagnosis = await diagnoseItem(db, orgId, storeId, "TEA-HOJI-100");
    expect(diagnosis).toMatchObject({ syncs: true, quantityNow: 150 });
    expect(diagnosis.formula?.steps).toEqual([
      { step: "free", quantity: 500 },
      { step: "minus_reserve", quantity: 400, setting: 100 },
      { step: "share", quantity: 200, setting: 50 },
      { step: "cap", quantity: 150, setting: 150 },
      { step: "floor", quantity: 150, setting: 10 },
      { step: "sent", quantity: 150 },
    ]);
    expect(diagnosis.formula?.warehouseCodes).toEqual(["WH1"]);
  });

  it("sends 0 once the number falls below the minimum", async () => {
    const { sim, orgId, storeId } = await channelStore();

    await setStockFormula(db, orgId, storeId, {
      itemCode: "TEA-MATCHA-30",
      formula: { reserve: 495, minimum: 10 },
    });

    await eventually(async () => sim.stockOf("TEA-MATCHA-30")?.quantity === 0);
    const diagnosis = await diagnoseItem(db, orgId, storeId, "TEA-MATCHA-30");
    expect(diagnosis.formula?.steps.find((s) => s.step === "floor")).toEqual({
      step: "floor",
      quantity: 0,
      setting: 10,
    });
  });

  it("counts the warehouses the entry names, and only those", async () => {
    const { sim, orgId, storeId } = await channelStore();
    await createWarehouse(db, orgId, { code: "WH2", name: "大阪倉庫" });
    await receiveStock(db, {
      organizationId: orgId,
      productCode: "TEA-SENCHA-100",
      warehouseCode: "WH2",
      quantity: 80,
      actor: "test",
    });

    await setStockFormula(db, orgId, storeId, { itemCode: "TEA-SENCHA-100", warehouseCodes: ["WH1", "WH2"] });
    await eventually(async () => sim.stockOf("TEA-SENCHA-100")?.quantity === 580);
    await setStockFormula(db, orgId, storeId, { itemCode: "TEA-SENCHA-100", warehouseCodes: ["WH2"] });
    await eventually(async () => sim.stockOf("TEA-SENCHA-100")?.quantity === 80);

    expect((await diagnoseItem(db, orgId, storeId, "TEA-SENCHA-100")).formula?.warehouseCodes).toEqual([
      "WH2",
    ]);
  });

  it("sends once after each receipt: sales in between leave the channel's number alone", async () => {
    const { sim, orgId, storeId } = await channelStore();
    await setStockFormula(db, orgId, storeId, {
      itemCode: "CUP-YUNOMI",
      optionCode: "AO",
      sendOnceAfterReceipt: true,
    });
    await eventually(async () => sim.stockOf("CUP-YUNOMI", "AO")?.quantity === 500);

    await registerOrder(db, {
      organizationId: orgId,
      storeId,
      order: anOrder({
        lines: [{ itemCode: "CUP-YUNOMI", optionCode: "AO", name: "湯呑 青", quantity: 3, unitPrice: 1500 }],
      }),
      actor: "test",
    });
    await resync(orgId, storeId);

    expect(sim.stockOf("CUP-YUNOMI", "AO")?.quantity).toBe(500);
    const waiting = await diagnoseItem(db, orgId, storeId, "CUP-YUNOMI", "AO");
    expect(waiting.reasons).toEqual([expect.objectContaining({ code: "awaiting_receipt" })]);

    await receiveStock(db, {
      organizationId: orgId,
      productCode: "CUP-AO",
      warehouseCode: "WH1",
      quantity: 10,
      actor: "test",
    });
    await eventually(async () => sim.stockOf("CUP-YUNOMI", "AO")?.quantity === 507);
  });
});
