// MakeShop end to end: Kura's sync engine against the loopback MakeShop simulator.
import { describe, expect, it } from "vitest";
import { startMakeShop } from "../../simulators/makeshop/server.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";
import { startApi } from "../api/support.ts";
import { secretBox } from "../sync/support.ts";
import { eventually, orderByCode, ordersOf, runNow, shipInKura, useChannelTestBed } from "./support.ts";

const bed = useChannelTestBed();

const dayMs = 86_400_000;

async function makeShopStore() {
  const sim = await startMakeShop();
  return bed.storeOn(sim, {
    channel: "makeshop",
    secrets: { orderToken: sim.orderToken, productToken: sim.productToken },
    settings: { shopId: sim.shopId, lookbackDays: 30 },
  });
}

// A loaded 2-core CI machine: the engine, the channel and its pacing share it.
describe("MakeShop", { timeout: 60_000 }, () => {
  it("imports only the last 3 days' orders, holds one whose item is not mapped, and ships with tracking", async () => {
    const { sim, storeId, orgId } = await makeShopStore();
    const recent = sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 2 }], dayMs);
    const unknown = sim.seedOrder([{ itemCode: "NOT-ON-SALE", qty: 1 }], 2 * dayMs);
    const old = sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 1 }], 5 * dayMs);

    const run = await runNow(bed, storeId, "orders.import");

    expect(run).toMatchObject({ outcome: "succeeded", counts: { created: 2, held: 1 } });
    expect((await ordersOf(bed.db, storeId)).map((o) => o.orderCode).sort()).toEqual(
      [recent.ordernum, unknown.ordernum].sort(),
    );
    expect(sim.state.orders.has(old.ordernum)).toBe(true); // on MakeShop, but 5 days old
    expect(await orderByCode(bed.db, storeId, recent.ordernum)).toMatchObject({
      status: "awaiting_shipment",
    });
    expect((await orderByCode(bed.db, storeId, unknown.ordernum)).holdReasons).toEqual([
      expect.objectContaining({ code: "unknown_product_code" }),
    ]);

    const shipment = await shipInKura(bed.db, orgId, storeId, recent.ordernum, "1234-5678-9012");

    expect(shipment.noticeStatus).toBe("done");
    expect(sim.state.shipments).toEqual([
      expect.objectContaining({ orderCode: recent.ordernum, carrier: "1", trackingNumber: "123456789012" }),
    ]);
  });

  it("imports an older order by hand by its order number, and says which numbers MakeShop does not know", async () => {
    const { sim, storeId, orgId, token } = await makeShopStore();
    const old = sim.seedOrder([{ itemCode: "CUP-YUNOMI", option: "AO", qty: 1 }], 10 * dayMs);
    const api = await startApi(bed.database, { secretBox });

    const answer = await api
      .call("POST", `/api/v1/merchant/${orgId}/stores/${storeId}/orders/import-by-code`, {
        token,
        body: { orderCodes: [old.ordernum, "20990101000001"] },
      })
      .finally(() => api.close());

    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual([
      { orderCode: old.ordernum, outcome: "created", status: "awaiting_shipment", held: false },
      { orderCode: "20990101000001", outcome: "not_found", message: expect.stringContaining("no order") },
    ]);
    expect(await orderByCode(bed.db, storeId, old.ordernum)).toMatchObject({ status: "awaiting_shipment" });
  });

  it("pushes stock per item and per option, never for an item without stock control", async () => {
    const { sim, orgId } = await makeShopStore();

    await receiveStock(bed.db, {
      organizationId: orgId,
      productCode: "TEA-SENCHA-100",
      warehouseCode: "WH1",
      quantity: 4,
      actor: "test",
    });

    await eventually(async () => sim.state.stockOf("TEA-SENCHA-100")?.quantity === 54, 30_000);
    expect(sim.state.stockOf("CUP-YUNOMI", "AO")?.quantity).toBe(50);
    expect(sim.state.stockOf("GIFT-CARD")).toBeUndefined();
  });
});
