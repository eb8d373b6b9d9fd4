// futureshop end to end: Kura's sync engine against the loopback futureshop APIv2 simulator.
import { describe, expect, it } from "vitest";
import { startFutureshop } from "../../simulators/futureshop/server.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";
import { eventually, orderByCode, runNow, shipInKura, useChannelTestBed } from "./support.ts";

const bed = useChannelTestBed();

async function futureshopStore() {
  const sim = await startFutureshop();
  return bed.storeOn(sim, {
    channel: "futureshop",
    secrets: { clientId: sim.clientId, clientSecret: sim.clientSecret, shopKey: sim.shopKey },
  });
}

// A loaded 2-core CI machine: the engine, the channel and its pacing share it.
describe("futureshop", { timeout: 60_000 }, () => {
  it("imports orders, holds one whose item is not mapped, and marks an order shipped in Kura as 発送済み", async () => {
    const { sim, storeId, orgId } = await futureshopStore();
    const ready = sim.seedOrder([
      { itemCode: "TEA-SENCHA-100", qty: 1 },
      { itemCode: "CUP-YUNOMI", option: "AO", qty: 1 },
    ]);
    const unknown = sim.seedOrder([{ itemCode: "NOT-ON-SALE", qty: 1 }]);

    const run = await runNow(bed, storeId, "orders.import");

    expect(run).toMatchObject({ outcome: "succeeded", counts: { created: 2, held: 1 } });
    expect(await orderByCode(bed.db, storeId, ready.orderNo)).toMatchObject({ status: "awaiting_shipment" });
    expect((await orderByCode(bed.db, storeId, unknown.orderNo)).holdReasons).toEqual([
      expect.objectContaining({ code: "unknown_product_code" }),
    ]);

    const shipment = await shipInKura(bed.db, orgId, storeId, ready.orderNo, "1234-5678-9012");

    expect(shipment.noticeStatus).toBe("done");
    expect(sim.state.orders.get(ready.orderNo)?.shipmentList[0]).toMatchObject({
      shippingStatus: "発送済み",
      shippingInfo: { invoiceNo: "1234-5678-9012", shippingDate: "2026-11-23" },
    });
  });

  it("pushes stock per product and choice", async () => {
    const { sim, orgId } = await futureshopStore();

    await receiveStock(bed.db, {
      organizationId: orgId,
      productCode: "TEA-SENCHA-100",
      warehouseCode: "WH1",
      quantity: 6,
      actor: "test",
    });

    await eventually(async () => sim.state.stockOf("TEA-SENCHA-100")?.quantity === 56, 30_000);
    expect(sim.state.stockOf("CUP-YUNOMI", "AO")?.quantity).toBe(50);
    expect(sim.state.stockOf("GIFT-CARD")).toBeUndefined();
  });
});
