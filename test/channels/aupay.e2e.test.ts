// au PAY マーケット end to end: Kura's sync engine against the loopback Wow! manager simulator.
import { describe, expect, it } from "vitest";
import { startAuPay } from "../../simulators/aupay/server.ts";
import { listStoreCredentials } from "../../src/operations/credentials.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";
import { secretBox } from "../sync/support.ts";
import { eventually, failingReason, orderByCode, runNow, shipInKura, useChannelTestBed } from "./support.ts";

const bed = useChannelTestBed();

const dayMs = 86_400_000;

async function auPayStore(options: { keyExpiresAt?: Date; recordedExpiry?: Date } = {}) {
  const sim = await startAuPay({ apiKeyExpiresAt: options.keyExpiresAt });
  return bed.storeOn(sim, {
    channel: "aupay",
    secrets: { apiKey: sim.apiKey },
    settings: { shopId: sim.shopId },
    expiresAt: options.recordedExpiry ?? new Date(Date.now() + 80 * dayMs),
  });
}

// A loaded 2-core CI machine: the engine, the channel and its pacing share it.
describe("au PAY マーケット", { timeout: 60_000 }, () => {
  it("imports orders, holds one whose item is not mapped, and ships with carrier and tracking number", async () => {
    const { sim, storeId, orgId } = await auPayStore();
    const ready = sim.seedOrder([
      { itemCode: "TEA-SENCHA-100", qty: 2 },
      { itemCode: "CUP-YUNOMI", choice: "AO", qty: 1 },
    ]);
    const unknown = sim.seedOrder([{ itemCode: "NOT-ON-SALE", qty: 1 }]);

    const run = await runNow(bed, storeId, "orders.import");

    expect(run).toMatchObject({ outcome: "succeeded", counts: { created: 2, held: 1 } });
    expect(await orderByCode(bed.db, storeId, ready.orderId)).toMatchObject({ status: "awaiting_shipment" });
    const held = await orderByCode(bed.db, storeId, unknown.orderId);
    expect(held.status).toBe("held");
    expect(held.holdReasons).toEqual([expect.objectContaining({ code: "unknown_product_code" })]);

    const shipment = await shipInKura(bed.db, orgId, storeId, ready.orderId, "1234-5678-9012");

    expect(shipment.noticeStatus).toBe("done");
    expect(sim.state.shipments).toEqual([
      { orderCode: ready.orderId, carrier: "1", trackingNumber: "123456789012", shippedOn: "20261123" },
    ]);
    expect(sim.state.orders.get(ready.orderId)?.orderStatus).toBe("完了");
  });

  it("pushes stock per item and per choice, never for an item sold without stock limit", async () => {
    const { sim, orgId } = await auPayStore();

    await receiveStock(bed.db, {
      organizationId: orgId,
      productCode: "TEA-SENCHA-100",
      warehouseCode: "WH1",
      quantity: 5,
      actor: "test",
    });

    await eventually(async () => sim.state.stockOf("TEA-SENCHA-100")?.quantity === 55, 30_000);
    await eventually(async () => sim.state.stockOf("CUP-YUNOMI", "AO")?.quantity === 50, 30_000);
    expect(sim.state.stockOf("GIFT-CARD")).toBeUndefined();
  });

  it("warns before the API key lapses, and once it has, fails with the reason without calling au PAY", async () => {
    const soon = await auPayStore({ recordedExpiry: new Date(Date.now() + 5 * dayMs) });
    const [key] = await listStoreCredentials(bed.db, secretBox, soon.orgId, soon.storeId);
    expect(key).toMatchObject({ name: "apiKey", expiresSoon: true, expired: false });

    const lapsed = await auPayStore({ recordedExpiry: new Date(Date.now() - dayMs) });
    const calls = lapsed.sim.requests.length;
    const run = await runNow(bed, lapsed.storeId, "orders.import");

    expect(run.outcome).toBe("failed");
    expect(await failingReason(bed.db, lapsed.storeId, "orders.import")).toMatch(
      /API key expired on \d{4}-\d{2}-\d{2}.*reissue it in Wow! manager/,
    );
    expect(lapsed.sim.requests.length).toBe(calls);
  });

  it("says the key must be reissued when au PAY refuses a lapsed key Kura thought valid", async () => {
    const { sim, storeId } = await auPayStore({ keyExpiresAt: new Date(Date.now() - 1000) });
    sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 1 }]);

    const run = await runNow(bed, storeId, "orders.import");

    expect(run.outcome).toBe("failed");
    const reason = await failingReason(bed.db, storeId, "orders.import");
    expect(reason).toMatch(/API key has expired; reissue it in Wow! manager/);
    expect(reason).toContain("APIキーの有効期限が切れています");
  });
});
