// A Yahoo! Shopping store end to end: the sync engine, real PostgreSQL (PGlite) and the loopback simulator of
// the Store API and YConnect. Import after the 10-minute window, hold on unmapped data, cancellations on
// Yahoo!, shipment notice with status change, stock push, access-token renewal.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startYahooSimulator } from "../../simulators/yahoo/server.ts";
import type { Db } from "../../src/db/connection.ts";
import { orders, storeCredentials, storeFunctions, stores } from "../../src/db/schema.ts";
import type { SyncFunction } from "../../src/domain/statuses.ts";
import type { SyncEngine } from "../../src/jobs/engine.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import { setCorrespondence, setStoreMapping } from "../../src/operations/masters.ts";
import { shipShipment } from "../../src/operations/shipping.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";
import { givenCodAndMailMasters, givenMerchant } from "../support/fixtures.ts";
import { eventually, noticeDone, runToEnd, secretBox, useEngine } from "../sync/support.ts";

const minute = 60_000;
const farFuture = new Date("2100-01-01T00:00:00Z");
let db: Db;
let engine: SyncEngine;
const afterTest = useEngine((env) => ({ db, engine } = env));

const catalog: Array<[string, string, string]> = [
  ["tea-sencha-100", "", "TEA-SENCHA-100"],
  ["tea-hoji-100", "", "TEA-HOJI-100"],
  ["cup-yunomi", "ao", "CUP-AO"],
  ["cup-yunomi", "aka", "CUP-AKA"],
  ["tenugui-koi", "", "TENUGUI-KOI"],
];

/** A merchant with a Yahoo! store connected to the simulator: settings, tokens, mappings, catalog, stock. */
async function yahooStore(
  options: { settings?: Record<string, unknown>; accessTokenTtlSeconds?: number } = {},
) {
  let skewMs = 0;
  const sim = await startYahooSimulator({
    requestsPerSecond: 50,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
    now: () => new Date(Date.now() + skewMs),
  });
  const m = await givenMerchant(db, { targetStatuses: ["2"] });
  afterTest.release({ storeId: m.storeId, sim });
  await db
    .update(stores)
    .set({
      channel: "yahoo",
      settings: {
        endpoint: sim.apiUrl,
        tokenEndpoint: sim.tokenUrl,
        sellerId: sim.sellerId,
        requestsPerSecond: 50,
        ...options.settings,
      },
    })
    .where(eq(stores.id, m.storeId));
  // Schedules off: each test triggers what it means to test (events still push at once).
  await db.update(storeFunctions).set({ nextRunAt: farFuture }).where(eq(storeFunctions.storeId, m.storeId));
  const { expiresAt, expiresIn: _, ...tokens } = sim.issueTokens();
  await setStoreCredentials(db, secretBox, m.orgId, m.storeId, { values: tokens, expiresAt });

  await givenCodAndMailMasters(db, m.orgId);
  const mappings: Array<["delivery_method" | "payment_method", string, string]> = [
    ["delivery_method", "宅配便", "takkyubin"],
    ["delivery_method", "メール便", "mail"],
    ["payment_method", "クレジットカード決済", "credit_card"],
    ["payment_method", "PayPay残高等払い", "credit_card"],
    ["payment_method", "商品代引", "cod"],
    ["payment_method", "銀行振込", "bank_transfer"],
  ];
  for (const [kind, channelValue, target] of mappings) {
    await setStoreMapping(db, m.orgId, m.storeId, { kind, channelValue, target });
  }
  for (const [, , code] of catalog) await m.product(code);
  for (const [itemCode, optionCode, productCode] of catalog) {
    await setCorrespondence(db, m.orgId, m.storeId, {
      itemCode,
      optionCode,
      components: [{ productCode, quantity: 1 }],
    });
  }
  for (const [, , code] of catalog) await m.product(code, 300);
  return {
    ...m,
    sim,
    tokens,
    /** Time passes until the access token has expired, on Yahoo!'s clock and in what Kura stored. */
    async expireAccessToken() {
      skewMs += (options.accessTokenTtlSeconds ?? 3600) * 1000 + 1000;
      await db
        .update(storeCredentials)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(and(eq(storeCredentials.storeId, m.storeId), eq(storeCredentials.name, "accessToken")));
    },
  };
}

/** Runs a function now and waits for that run to finish. */
const runNow = (storeId: number, fn: SyncFunction) => runToEnd({ db, engine }, storeId, fn);

const ordersOf = (storeId: number) => db.select().from(orders).where(eq(orders.storeId, storeId));
const ago = (ms: number) => new Date(Date.now() - ms);

describe("a Yahoo! Shopping store in Kura", () => {
  it("imports orders once the buyer's 10-minute window has passed, and importing again changes nothing", async () => {
    const { sim, storeId } = await yahooStore();
    const settled = sim.seedOrders({ count: 6, seed: 3, from: ago(90 * minute), to: ago(20 * minute) });
    const [young] = sim.seedOrders({ count: 1, seed: 4, from: ago(3 * minute), to: ago(2 * minute) });

    const run = await runNow(storeId, "orders.import");

    expect(run).toMatchObject({ outcome: "succeeded", counts: { fetched: 6 } });
    const imported = (await ordersOf(storeId)).map((o) => o.orderCode).sort();
    expect(imported).toEqual(settled.map((o) => o.OrderId).sort());
    expect(imported).not.toContain(young?.OrderId);

    await db
      .update(storeFunctions)
      .set({ cursor: null })
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, "orders.import")));
    const again = await runNow(storeId, "orders.import");
    expect(again.counts).toMatchObject({ fetched: 6, unchanged: 6, created: 0 });
  });

  it("holds an order whose item is not in the correspondence table, with the reason", async () => {
    const { sim, storeId } = await yahooStore();
    const [order] = sim.seedOrders({ count: 1, seed: 5, from: ago(60 * minute), to: ago(30 * minute) });
    if (!order) throw new Error("no order seeded");
    order.Item = [
      { ...(order.Item[0] as (typeof order.Item)[number]), ItemId: "kabuto-figure", SubCode: "" },
    ];
    sim.seedOrders([order]);

    const run = await runNow(storeId, "orders.import");

    expect(run.counts).toMatchObject({ created: 1, held: 1 });
    const [held] = await ordersOf(storeId);
    expect(held?.status).toBe("held");
    expect(held?.holdReasons).toEqual([
      expect.objectContaining({ code: "unknown_product_code", value: "kabuto-figure" }),
    ]);
  });

  it("cancels Kura's order when Yahoo! cancels it (payment expired) before work started", async () => {
    const { sim, storeId } = await yahooStore({ settings: { cancellationCheckDays: 14 } });
    const [order] = sim.seedOrders({ count: 1, seed: 6, from: ago(3 * 86_400_000), to: ago(2 * 86_400_000) });
    await runNow(storeId, "orders.import");
    expect((await ordersOf(storeId))[0]?.channelStatus).toBe("2");

    sim.expirePayment(order?.OrderId as string);
    const run = await runNow(storeId, "orders.import");

    // The routine window holds only the last minutes; the cancellation check still finds the order.
    expect(run.counts).toMatchObject({ fetched: 1, updated: 1 });
    const [after] = await ordersOf(storeId);
    expect(after).toMatchObject({
      channelStatus: "4",
      status: "cancelled",
      cancelReason: "cancelled on the channel",
    });
    expect(after?.cancelledAt).not.toBeNull();
  });

  it("sends the shipment notice with carrier and tracking number, and moves the order to 完了", async () => {
    const { sim, storeId, orgId } = await yahooStore({ settings: { completeOrderOnShipment: true } });
    sim.seedOrders({ count: 3, seed: 7, from: ago(60 * minute), to: ago(30 * minute) });
    await runNow(storeId, "orders.import");
    const order = (await ordersOf(storeId)).find((o) => o.status === "awaiting_shipment");
    if (!order?.shipmentId) throw new Error("the seed has no order ready to ship");

    await shipShipment(db, {
      organizationId: orgId,
      shipmentId: order.shipmentId,
      carrier: "ヤマト運輸",
      trackingNumber: "1234-5678-9012",
      shippedOn: "2026-11-23",
      actor: "test",
    });

    const update = await eventually(async () =>
      sim.state.shipUpdates.find((u) => u.orderId === order.orderCode),
    );
    expect(update.ship).toEqual({
      ShipStatus: "3",
      ShipCompanyCode: "1001",
      ShipInvoiceNumber1: "1234-5678-9012",
      ShipDate: "20261123",
    });
    await eventually(async () => sim.state.statusChanges.length > 0);
    expect(sim.state.statusChanges).toEqual([{ orderId: order.orderCode, status: 5, isPointFix: true }]);
    await noticeDone(db, order.shipmentId as number);
  });

  it("pushes available stock to Yahoo! within seconds, variations as itemCode:subCode", async () => {
    const { sim, orgId } = await yahooStore();
    await eventually(async () => sim.stockOf("cup-yunomi", "ao")?.quantity === 300, 30_000);

    await receiveStock(db, {
      organizationId: orgId,
      productCode: "CUP-AO",
      warehouseCode: "WH1",
      quantity: 5,
      actor: "t",
    });

    await eventually(async () => sim.stockOf("cup-yunomi", "ao")?.quantity === 305, 30_000);
    expect(sim.stockOf("tea-sencha-100")?.quantity).toBe(300);
  });

  it("renews an expired access token before importing, keeping Yahoo!'s refresh token", async () => {
    const { sim, storeId, tokens, expireAccessToken } = await yahooStore({ accessTokenTtlSeconds: 600 });
    sim.seedOrders({ count: 2, seed: 8, from: ago(60 * minute), to: ago(30 * minute) });
    await expireAccessToken();

    const run = await runNow(storeId, "orders.import");

    expect(run).toMatchObject({ outcome: "succeeded", counts: { created: 2 } });
    expect(sim.state.tokenRequestCount).toBe(1);
    expect([...sim.state.refreshTokens.keys()]).toEqual([tokens.refreshToken]);
  });

  it("stops with Yahoo!'s reason when the refresh token no longer works", async () => {
    const { sim, storeId, expireAccessToken } = await yahooStore({ accessTokenTtlSeconds: 600 });
    sim.revokeRefreshTokens();
    await expireAccessToken();

    const run = await runNow(storeId, "orders.import");

    expect(run).toMatchObject({ outcome: "failed", attempt: 1 });
    const [fn] = await db
      .select()
      .from(storeFunctions)
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, "orders.import")));
    expect(fn?.failingReason).toContain("authorize Kura again");
    expect(fn?.failingReason).toContain("The refresh token was revoked.");
  });

  it("stops with the setting's name when the store's Yahoo! settings are wrong", async () => {
    const { storeId } = await yahooStore({ settings: { sellerId: "" } });

    const run = await runNow(storeId, "orders.import");

    expect(run).toMatchObject({ outcome: "failed", attempt: 1 });
    const [fn] = await db
      .select()
      .from(storeFunctions)
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, "orders.import")));
    expect(fn?.failingReason).toBe('yahoo: store setting "sellerId" is required');
  });
});
