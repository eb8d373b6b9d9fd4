// SHOPLIST end to end: Kura's sync engine against the loopback SHOPLIST simulator (an API of our own design).
import { describe, expect, it } from "vitest";
import { startShoplist } from "../../simulators/shoplist/server.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";
import { eventually, orderByCode, ordersOf, runNow, shipInKura, useChannelTestBed } from "./support.ts";

const bed = useChannelTestBed();

const dayMs = 86_400_000;

async function shoplistStore() {
  const sim = await startShoplist();
  return bed.storeOn(sim, {
    channel: "shoplist",
    secrets: { apiKey: sim.apiKey },
    settings: { lookbackDays: 30 },
  });
}

// A loaded 2-core CI machine: the engine, the channel and its pacing share it.
describe("SHOPLIST", { timeout: 60_000 }, () => {
  it("imports only the last 3 days' orders, holds one whose item is not mapped, and sends no shipment notice", async () => {
    const { sim, storeId, orgId } = await shoplistStore();
    const recent = sim.seedOrder([{ itemCode: "CUP-YUNOMI", option: "AO", qty: 1 }], 2 * dayMs);
    const unknown = sim.seedOrder([{ itemCode: "NOT-ON-SALE", qty: 1 }]);
    const old = sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 1 }], 4 * dayMs);

    const run = await runNow(bed, storeId, "orders.import");

    expect(run).toMatchObject({ outcome: "succeeded", counts: { created: 2, held: 1 } });
    const codes = (await ordersOf(bed.db, storeId)).map((o) => o.orderCode);
    expect(codes.sort()).toEqual([recent.order_id, unknown.order_id].sort());
    expect(codes).not.toContain(old.order_id);
    expect((await orderByCode(bed.db, storeId, unknown.order_id)).holdReasons).toEqual([
      expect.objectContaining({ code: "unknown_product_code" }),
    ]);

    const shipment = await shipInKura(bed.db, orgId, storeId, recent.order_id, "123456789012");

    expect(shipment.noticeStatus).toBe("not_supported");
    expect(sim.requests.some((r) => r.method !== "GET" && !r.url.startsWith("/v1/stocks"))).toBe(false);
  });

  it("pushes stock per item and colour/size, never for an item without stock control", async () => {
    const { sim, orgId } = await shoplistStore();

    await receiveStock(bed.db, {
      organizationId: orgId,
      productCode: "CUP-AO",
      warehouseCode: "WH1",
      quantity: 9,
      actor: "test",
    });

    await eventually(async () => sim.state.stockOf("CUP-YUNOMI", "AO")?.quantity === 59, 30_000);
    expect(sim.state.stockOf("TEA-SENCHA-100")?.quantity).toBe(50);
    expect(sim.state.stockOf("GIFT-CARD")).toBeUndefined();
  });
});
