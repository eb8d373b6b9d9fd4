// An ecforce shop end to end: the sync engine, real PostgreSQL (PGlite) and the loopback simulator of the
// Admin API. Import with the store's settings, hold on unmapped data, shipment notice with sales processing and
// status change, stock by location code, a rotated token.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startEcforceSimulator } from "../../simulators/ecforce/server.ts";
import type { Db } from "../../src/db/connection.ts";
import { orders, storeFunctions, stores } from "../../src/db/schema.ts";
import type { SyncFunction } from "../../src/domain/statuses.ts";
import type { SyncEngine } from "../../src/jobs/engine.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import { createPaymentMethod, setCorrespondence, setStoreMapping } from "../../src/operations/masters.ts";
import { shipShipment } from "../../src/operations/shipping.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";
import { givenMerchant } from "../support/fixtures.ts";
import { eventually, noticeDone, runToEnd, secretBox, useEngine } from "../sync/support.ts";

const minute = 60_000;
const farFuture = new Date("2100-01-01T00:00:00Z");
let db: Db;
let engine: SyncEngine;
const afterTest = useEngine((env) => ({ db, engine } = env));

const skus = ["TEA-SENCHA-100", "TEA-HOJI-100", "SERUM-30ML", "SERUM-TRIAL"];

/** A merchant with an ecforce store connected to the simulator: settings, token, mappings, catalog, stock. */
async function ecforceStore(settings: Record<string, unknown> = {}) {
  const sim = await startEcforceSimulator({ requestsPerSecond: 50 });
  const m = await givenMerchant(db, { targetStatuses: ["new"] });
  afterTest.release({ storeId: m.storeId, sim });
  await db
    .update(stores)
    .set({
      channel: "ecforce",
      settings: {
        endpoint: sim.apiUrl,
        apiUserLogin: "api@shop.example.jp",
        locationCode: "WH-TOKYO",
        requestsPerSecond: 50,
        ...settings,
      },
    })
    .where(eq(stores.id, m.storeId));
  // Schedules off: each test triggers what it means to test (events still push at once).
  await db.update(storeFunctions).set({ nextRunAt: farFuture }).where(eq(storeFunctions.storeId, m.storeId));
  await setStoreCredentials(db, secretBox, m.orgId, m.storeId, { values: { apiToken: sim.token } });

  await createPaymentMethod(db, m.orgId, { code: "cod", name: "代金引換" });
  await createPaymentMethod(db, m.orgId, { code: "np", name: "NP後払い" });
  const mappings: Array<["delivery_method" | "payment_method", string, string]> = [
    ["delivery_method", "ヤマト運輸", "takkyubin"],
    ["payment_method", "クレジットカード", "credit_card"],
    ["payment_method", "代金引換", "cod"],
    ["payment_method", "NP後払い", "np"],
  ];
  for (const [kind, channelValue, target] of mappings) {
    await setStoreMapping(db, m.orgId, m.storeId, { kind, channelValue, target });
  }
  for (const code of skus) await m.product(code);
  for (const code of skus) {
    await setCorrespondence(db, m.orgId, m.storeId, {
      itemCode: code,
      components: [{ productCode: code, quantity: 1 }],
    });
  }
  for (const code of skus) await m.product(code, 200);
  return { ...m, sim };
}

const runNow = (storeId: number, fn: SyncFunction) => runToEnd({ db, engine }, storeId, fn);

async function failingReason(storeId: number, fn: SyncFunction) {
  const [row] = await db
    .select()
    .from(storeFunctions)
    .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, fn)));
  return row?.failingReason;
}

const ordersOf = (storeId: number) => db.select().from(orders).where(eq(orders.storeId, storeId));
const recent = { from: new Date(Date.now() - 30 * minute), to: new Date(Date.now() - 5 * minute) };

describe("an ecforce shop in Kura", () => {
  it("imports only orders due to ship today or earlier when the store says so, and again changes nothing", async () => {
    const { sim, storeId } = await ecforceStore({ importOnlyDueOrders: true });
    const due = sim.seedOrders({ count: 4, seed: 1, ...recent });
    const later = sim.seedOrders({ count: 2, seed: 2, shipAfterDays: 3, ...recent });

    const run = await runNow(storeId, "orders.import");

    expect(run).toMatchObject({ outcome: "succeeded", counts: { created: 4 } });
    const imported = (await ordersOf(storeId)).map((o) => o.orderCode).sort();
    expect(imported).toEqual(due.map((o) => o.number).sort());
    expect(imported).not.toContain(later[0]?.number);

    await db
      .update(storeFunctions)
      .set({ cursor: null })
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, "orders.import")));
    const again = await runNow(storeId, "orders.import");
    expect(again.counts).toMatchObject({ unchanged: 4, created: 0 });
  });

  it("holds an order paid with a method the store has not mapped, with the reason", async () => {
    const { sim, storeId } = await ecforceStore();
    const [order] = sim.seedOrders({ count: 1, seed: 3, ...recent });
    sim.updateOrder(order?.number as string, { payment_method_name: "楽天ペイ" });

    const run = await runNow(storeId, "orders.import");

    expect(run.counts).toMatchObject({ created: 1, held: 1 });
    const [held] = await ordersOf(storeId);
    expect(held?.holdReasons).toEqual([
      expect.objectContaining({ code: "unmapped_payment_method", value: "楽天ペイ" }),
    ]);
  });

  it("carries a cancellation made in ecforce into the next import as cancelled on the channel", async () => {
    const { sim, storeId } = await ecforceStore();
    const [order] = sim.seedOrders({ count: 1, seed: 4, ...recent });
    await runNow(storeId, "orders.import");

    sim.updateOrder(order?.number as string, { state: "canceled" });
    await db
      .update(storeFunctions)
      .set({ cursor: null })
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, "orders.import")));
    const run = await runNow(storeId, "orders.import");

    expect(run.counts).toMatchObject({ updated: 1 });
    const [after] = await ordersOf(storeId);
    expect(after?.channelStatus).toBe("canceled");
  });

  it("sends the shipping result with sales processing and moves the order to the chosen status", async () => {
    const { sim, storeId, orgId } = await ecforceStore({
      runSalesOnShipment: true,
      stateOnShipment: "shipped",
    });
    sim.seedOrders({ count: 3, seed: 5, ...recent });
    await runNow(storeId, "orders.import");
    const order = (await ordersOf(storeId)).find((o) => o.status === "awaiting_shipment");
    if (!order?.shipmentId) throw new Error("the seed has no order ready to ship");

    await shipShipment(db, {
      organizationId: orgId,
      shipmentId: order.shipmentId,
      carrier: "ヤマト運輸",
      trackingNumber: "123456789012",
      shippedOn: "2026-11-23",
      actor: "test",
    });

    const wire = sim.state.byNumber(order.orderCode);
    await eventually(async () => sim.state.stateChanges.some((c) => c.orderId === wire?.id));
    expect(sim.state.shippingResults).toEqual([
      {
        orderId: wire?.id,
        shippingSlip: "123456789012",
        shippingCarrierId: 1,
        shippedAt: "2026-11-23 00:00:00",
        withSale: true,
      },
    ]);
    expect(sim.state.byNumber(order.orderCode)).toMatchObject({
      state: "shipped",
      payment_state: "captured",
    });
    await noticeDone(db, order.shipmentId as number);
  });

  it("pushes available stock to the store's stock location within seconds", async () => {
    const { sim, orgId } = await ecforceStore();
    await eventually(async () => sim.stockOf("SERUM-30ML", "WH-TOKYO")?.stock === 200, 30_000);

    await receiveStock(db, {
      organizationId: orgId,
      productCode: "SERUM-30ML",
      warehouseCode: "WH1",
      quantity: 4,
      actor: "t",
    });

    await eventually(async () => sim.stockOf("SERUM-30ML", "WH-TOKYO")?.stock === 204, 30_000);
  });

  it("stops with 'token was rotated, update it' when the shop reissued its token", async () => {
    const { sim, storeId, orgId } = await ecforceStore();
    sim.seedOrders({ count: 1, seed: 6, ...recent });
    const fresh = sim.rotateToken();

    const run = await runNow(storeId, "orders.import");

    expect(run).toMatchObject({ outcome: "failed", attempt: 1 });
    expect(await failingReason(storeId, "orders.import")).toMatch(
      /the token was rotated .* update it in Kura/,
    );

    await setStoreCredentials(db, secretBox, orgId, storeId, { values: { apiToken: fresh } });
    expect(await runNow(storeId, "orders.import")).toMatchObject({
      outcome: "succeeded",
      counts: { created: 1 },
    });
  });

  it("stops with the setting's name when the store has no location code", async () => {
    const { storeId } = await ecforceStore({ locationCode: "" });

    await runNow(storeId, "orders.import");

    expect(await failingReason(storeId, "orders.import")).toBe(
      'ecforce: store setting "locationCode" is required',
    );
  });
});
