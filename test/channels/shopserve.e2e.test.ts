// Shopserve end to end: Kura's sync engine against the loopback Shopserve manager API simulator.
import { describe, expect, it } from "vitest";
import { startShopserve } from "../../simulators/shopserve/server.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";
import { eventually, orderByCode, runNow, shipInKura, useChannelTestBed } from "./support.ts";

const bed = useChannelTestBed();

async function shopserveStore() {
  const sim = await startShopserve();
  return bed.storeOn(sim, {
    channel: "shopserve",
    secrets: { managerKey: sim.managerKey },
    settings: { shopId: sim.shopId },
  });
}

// A loaded 2-core CI machine: the engine, the channel and its pacing share it.
describe("Shopserve", { timeout: 60_000 }, () => {
  it("imports orders by serial code, holds one whose item is not mapped, and reports the shipment", async () => {
    const { sim, storeId, orgId } = await shopserveStore();
    const ready = sim.seedOrder([
      { itemCode: "TEA-SENCHA-100", qty: 1 },
      { itemCode: "CUP-YUNOMI", option: "AO", qty: 2 },
    ]);
    const unknown = sim.seedOrder([{ itemCode: "NOT-ON-SALE", qty: 1 }]);
    const cancelled = sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 1 }]);
    sim.cancelOrder(cancelled.serial_code);

    const run = await runNow(bed, storeId, "orders.import");

    expect(run).toMatchObject({ outcome: "succeeded", counts: { fetched: 3, held: 1 } });
    expect(await orderByCode(bed.db, storeId, ready.serial_code)).toMatchObject({
      status: "awaiting_shipment",
    });
    expect((await orderByCode(bed.db, storeId, unknown.serial_code)).holdReasons).toEqual([
      expect.objectContaining({ code: "unknown_product_code" }),
    ]);
    expect((await orderByCode(bed.db, storeId, cancelled.serial_code)).channelStatus).toBe("キャンセル");

    const shipment = await shipInKura(bed.db, orgId, storeId, ready.serial_code, "1234-5678-9012");

    expect(shipment.noticeStatus).toBe("done");
    expect(sim.state.shipments).toEqual([
      {
        orderCode: ready.serial_code,
        carrier: "yamato",
        trackingNumber: "123456789012",
        shippedOn: "2026-11-23",
      },
    ]);
  });

  it("pushes stock per item and per option, never for an item without stock control", async () => {
    const { sim, orgId } = await shopserveStore();

    await receiveStock(bed.db, {
      organizationId: orgId,
      productCode: "CUP-AO",
      warehouseCode: "WH1",
      quantity: 2,
      actor: "test",
    });

    await eventually(async () => sim.state.stockOf("CUP-YUNOMI", "AO")?.quantity === 52, 30_000);
    expect(sim.state.stockOf("TEA-SENCHA-100")?.quantity).toBe(50);
    expect(sim.state.stockOf("GIFT-CARD")).toBeUndefined();
  });
});
