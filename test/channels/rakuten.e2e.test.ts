// The Rakuten channel end to end: Kura's sync engine against the RMS simulator over loopback HTTP, on a
// real database. Import by window and status, stock reserved, shipment notice accepted and its async
// result recorded, channel status moved, stock pushed, product master imported (API and CSV), an expired
// license key failing the store function with RMS's message, and 429s honoured.
import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { itemCsv, selectCsv } from "../../simulators/rakuten/generate.ts";
import type { RakutenSimulator } from "../../simulators/rakuten/server.ts";
import type { OrderModel } from "../../simulators/rakuten/wire.ts";
import type { Db } from "../../src/db/connection.ts";
import {
  correspondenceComponents,
  correspondences,
  orders,
  products,
  shipments,
  stockLevels,
  storeCredentials,
  storeFunctions,
  stores,
} from "../../src/db/schema.ts";
import type { SyncFunction } from "../../src/domain/statuses.ts";
import type { SyncEngine } from "../../src/jobs/engine.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import { createOrganization, createStore, createWarehouse } from "../../src/operations/masters.ts";
import { uploadProductFile } from "../../src/operations/product-upload.ts";
import { shipShipment } from "../../src/operations/shipping.ts";
import { eventually, pauseStore, runsOf, secretBox, useEngine } from "../sync/support.ts";
import { givenRakutenStore, startSimulator } from "./rakuten-support.ts";

let db: Db;
let engine: SyncEngine;
const afterTest = useEngine((env) => ({ db, engine } = env));

async function rakutenStore(
  options: {
    sim?: Parameters<typeof startSimulator>[0];
    settings?: Record<string, unknown>;
    catalog?: boolean;
  } = {},
) {
  const sim = await startSimulator(options.sim);
  const store = await givenRakutenStore(db, sim, options);
  afterTest.release({ storeId: store.storeId, sim });
  return { sim, ...store };
}

/**
 * Runs a function now and waits for the run that answered this request (recorded as manual) to finish. A run
 * the store's schedule began meanwhile does not count: it may have ended before the operator's run began,
 * and seen the channel as it was before (the simulator moves confirmed orders on by itself).
 */
async function run(storeId: number, fn: SyncFunction) {
  const before = (await runsOf(db, storeId, fn))[0]?.id ?? 0;
  await engine.trigger(storeId, fn, "manual");
  return eventually(async () => {
    const runs = await runsOf(db, storeId, fn);
    const answered = runs.find((r) => r.id > before && r.trigger === "manual");
    return answered && answered.outcome !== "running" && answered;
  }, 30_000);
}

const ordersOf = (storeId: number) => db.select().from(orders).where(eq(orders.storeId, storeId));
const hours = (n: number) => new Date(Date.now() - n * 3_600_000);

function seed(
  sim: RakutenSimulator,
  count: number,
  progress: OrderModel["orderProgress"],
  from: Date,
  to: Date,
  seedNo: number,
) {
  return sim.seedOrders({ count, progress, from, to, seed: seedNo });
}

async function reservedOf(orgId: number, codes: string[]) {
  const rows = await db
    .select({ code: products.code, reserved: stockLevels.reserved })
    .from(stockLevels)
    .innerJoin(products, eq(products.id, stockLevels.productId))
    .where(and(eq(products.organizationId, orgId), inArray(products.code, codes)));
  return Object.fromEntries(rows.map((r) => [r.code, r.reserved]));
}

/** Units per product code the orders need (the simulator's SKUs carry their product code). */
function unitsBySku(seeded: OrderModel[]) {
  const units: Record<string, number> = {};
  for (const order of seeded)
    for (const basket of order.PackageModelList)
      for (const line of basket.ItemModelList) {
        const code = line.SkuModelList[0]?.merchantDefinedSkuId as string;
        units[code] = (units[code] ?? 0) + line.units;
      }
  return units;
}

describe("the Rakuten channel", () => {
  it("imports orders placed in the store's window in the statuses it imports; earlier statuses reserve stock, 300 makes shipment slips", async () => {
    const { sim, storeId, orgId } = await rakutenStore();
    const fresh = seed(sim, 6, 100, hours(48), hours(1), 1);
    const ready = seed(sim, 4, 300, hours(48), hours(1), 2);
    const shipped = seed(sim, 3, 500, hours(48), hours(1), 3);
    const old = seed(sim, 2, 300, hours(24 * 20), hours(24 * 19), 4);

    const first = await run(storeId, "orders.import");

    expect(first.outcome).toBe("succeeded");
    const imported = await ordersOf(storeId);
    expect(imported.map((o) => o.orderCode).sort()).toEqual(
      [...fresh, ...ready].map((o) => o.orderNumber).sort(),
    );
    expect(imported.filter((o) => o.holdReasons.length > 0).map((o) => o.holdReasons)).toEqual([]);
    const byCode = new Map(imported.map((o) => [o.orderCode, o]));
    for (const order of fresh) {
      // confirmed on RMS (注文確認) by the import; not yet shippable in Kura, but its stock is reserved
      expect(sim.state.order(order.orderNumber).orderProgress).toBe(200);
      expect(byCode.get(order.orderNumber)).toMatchObject({
        channelStatus: "200",
        status: "not_yet_shippable",
        shipmentId: null,
      });
    }
    for (const order of ready) {
      expect(byCode.get(order.orderNumber)).toMatchObject({
        channelStatus: "300",
        status: "awaiting_shipment",
      });
      expect(byCode.get(order.orderNumber)?.shipmentId).not.toBeNull();
    }
    for (const order of [...shipped, ...old]) expect(byCode.has(order.orderNumber)).toBe(false);
    const needed = unitsBySku([...fresh, ...ready]);
    expect(await reservedOf(orgId, Object.keys(needed))).toEqual(needed);

    // RMS finishes its processing (200 → 300): the next import makes their shipment slips.
    for (const order of fresh) sim.setProgress(order.orderNumber, 300);
    const second = await run(storeId, "orders.import");

    expect(second.counts).toMatchObject({ fetched: 10, updated: 6, unchanged: 4, created: 0 });
    const after = await ordersOf(storeId);
    expect(after.filter((o) => o.status === "awaiting_shipment")).toHaveLength(10);
  });

  it("imports an order of a payment method only in the statuses set for it, the default for the others", async () => {
    const { sim, storeId } = await rakutenStore({
      settings: { paymentStatuses: { default: [100, 200, 300], 銀行振込: [300] } },
    });
    const [card, bank] = seed(sim, 2, 100, hours(5), hours(1), 7);
    if (!card || !bank) throw new Error("seed gave no orders");
    const bankOrder = sim.state.order(bank.orderNumber);
    bankOrder.SettlementModel = {
      settlementMethodCode: 9,
      settlementMethod: "銀行振込",
      rpaySettlementFlag: 1,
    };
    const cardOrder = sim.state.order(card.orderNumber);
    cardOrder.SettlementModel = {
      settlementMethodCode: 1,
      settlementMethod: "クレジットカード決済",
      rpaySettlementFlag: 1,
    };

    await run(storeId, "orders.import");
    expect((await ordersOf(storeId)).map((o) => o.orderCode)).toEqual([card.orderNumber]);
    expect(sim.state.order(bank.orderNumber).orderProgress).toBe(100); // not imported, so not confirmed either

    sim.setProgress(bank.orderNumber, 300); // paid
    await run(storeId, "orders.import");
    const orderRow = (await ordersOf(storeId)).find((o) => o.orderCode === bank.orderNumber);
    expect(orderRow).toMatchObject({
      channelStatus: "300",
      paymentConfirmed: true,
      status: "awaiting_shipment",
    });
  });

  it("cancels Kura's order when it is cancelled on RMS before work started", async () => {
    const { sim, storeId } = await rakutenStore();
    const [order] = seed(sim, 1, 300, hours(5), hours(1), 8);
    if (!order) throw new Error("seed gave no order");
    await run(storeId, "orders.import");

    sim.setProgress(order.orderNumber, 900);
    const again = await run(storeId, "orders.import");

    expect(again.outcome).toBe("succeeded");
    const [row] = await ordersOf(storeId);
    expect(row).toMatchObject({
      channelStatus: "900",
      status: "cancelled",
      cancelReason: "cancelled on the channel",
    });
    expect(row?.cancelledAt).not.toBeNull();
  });

  it("reports a shipment: carrier code, tracking number and ship date per basket, then records RMS's async result; the order moves to 500", async () => {
    const { sim, storeId, orgId } = await rakutenStore();
    const [order] = seed(sim, 1, 300, hours(5), hours(1), 9);
    if (!order) throw new Error("seed gave no order");
    await run(storeId, "orders.import");
    const [row] = await ordersOf(storeId);

    await shipShipment(db, {
      organizationId: orgId,
      shipmentId: row?.shipmentId as number,
      carrier: "ヤマト運輸",
      trackingNumber: "4455-6677-8899",
      shippedOn: "2026-11-23",
      actor: "test",
    });

    const done = await eventually(async () => {
      const [shipment] = await db
        .select()
        .from(shipments)
        .where(eq(shipments.id, row?.shipmentId as number));
      return shipment?.noticeStatus === "done" && shipment;
    }, 30_000);
    expect(done.noticeRequestId).toMatch(/_\d{14}"\]$/); // the RMS request id, kept with the slip
    const onRms = sim.state.order(order.orderNumber);
    expect(onRms.orderProgress).toBe(500);
    expect(onRms.PackageModelList[0]?.ShippingModelList).toMatchObject([
      {
        deliveryCompany: "1001",
        deliveryCompanyName: "ヤマト運輸",
        shippingNumber: "445566778899",
        shippingDate: "2026-11-23",
      },
    ]);
  });

  it("records RMS's refusal of a shipment for an order cancelled on RMS", async () => {
    const { sim, storeId, orgId } = await rakutenStore();
    const [order] = seed(sim, 1, 300, hours(5), hours(1), 10);
    if (!order) throw new Error("seed gave no order");
    await run(storeId, "orders.import");
    const [row] = await ordersOf(storeId);
    sim.setProgress(order.orderNumber, 900); // cancelled on RMS after Kura imported it

    await shipShipment(db, {
      organizationId: orgId,
      shipmentId: row?.shipmentId as number,
      carrier: "佐川急便",
      trackingNumber: "123456789012",
      shippedOn: "2026-11-23",
      actor: "test",
    });

    const failed = await eventually(async () => {
      const [shipment] = await db
        .select()
        .from(shipments)
        .where(eq(shipments.id, row?.shipmentId as number));
      return shipment?.noticeStatus === "failed" && shipment;
    }, 30_000);
    expect(failed.noticeError).toBe("キャンセルされた注文のため、発送情報を更新できません。");
  });

  it("pushes available stock per SKU as absolute numbers, never for unlimited-stock items", async () => {
    const { sim, storeId, orgId } = await rakutenStore();
    seed(sim, 3, 300, hours(5), hours(1), 11);
    await run(storeId, "orders.import");

    const resync = await run(storeId, "stock.resync");

    expect(resync.outcome).toBe("succeeded");
    const reserved = await reservedOf(orgId, ["TEA-SENCHA-100", "CUP-AO"]);
    expect(sim.inventoryOf("tea-sencha", "100g")).toBe(500 - (reserved["TEA-SENCHA-100"] ?? 0));
    expect(sim.inventoryOf("yunomi", "ao")).toBe(500 - (reserved["CUP-AO"] ?? 0));
    expect(sim.inventoryOf("gift-card", "1000")).toBeUndefined();
    expect(resync.counts).toMatchObject({ pushed: 6, skipped: 1, failed: 0 });
  });

  it("imports the product master from the item API: products by system SKU number, entries for the store, progress kept", async () => {
    const { storeId, orgId } = await rakutenStore({ catalog: false });

    const imported = await run(storeId, "products.import");

    expect(imported.outcome).toBe("succeeded");
    expect(imported.counts).toMatchObject({ fetched: 7, created: 7, failed: 0 });
    const codes = await db
      .select({ code: products.code })
      .from(products)
      .where(eq(products.organizationId, orgId));
    expect(codes.map((p) => p.code).sort()).toEqual(
      [
        "CUP-AKA",
        "CUP-AO",
        "GIFT-CARD",
        "TEA-HOJI-100",
        "TEA-MATCHA-30",
        "TEA-SENCHA-100",
        "TENUGUI-KOI",
      ].sort(),
    );
    const entries = await db
      .select({
        itemCode: correspondences.itemCode,
        optionCode: correspondences.optionCode,
        unlimited: correspondences.unlimitedStock,
        productCode: products.code,
      })
      .from(correspondences)
      .innerJoin(correspondenceComponents, eq(correspondenceComponents.correspondenceId, correspondences.id))
      .innerJoin(products, eq(products.id, correspondenceComponents.productId))
      .where(eq(correspondences.storeId, storeId));
    expect(entries).toContainEqual({
      itemCode: "yunomi",
      optionCode: "ao",
      unlimited: false,
      productCode: "CUP-AO",
    });
    expect(entries).toContainEqual({
      itemCode: "gift-card",
      optionCode: "1000",
      unlimited: true,
      productCode: "GIFT-CARD",
    });
    const [store] = await db.select().from(stores).where(eq(stores.id, storeId));
    expect(store?.settings.productImport).toMatchObject({
      startPosition: 0,
      lastFetchedAt: expect.any(String),
    });

    const again = await run(storeId, "products.import");
    expect(again.counts).toMatchObject({ fetched: 0, created: 0 }); // nothing changed since the last fetch
  });

  it("imports the product master from an uploaded RMS item CSV (Shift_JIS) when the shop is not on the SKU model", async () => {
    const { storeId, orgId } = await rakutenStore({ catalog: false, settings: { skuModel: false } });

    await uploadProductFile(db, {
      organizationId: orgId,
      storeId,
      fileName: "item.csv",
      file: itemCsv([
        { manageNumber: "tea-sencha", title: "静岡煎茶 100g", price: 1080, stockType: 1 },
        { manageNumber: "gift-card", title: "ギフトカード", price: 1000, stockType: 0 },
        { manageNumber: "yunomi", title: "有田焼 湯呑み", price: 2200, stockType: 2 },
      ]),
      actor: "test",
    });
    const fromItems = await eventually(async () => {
      const [latest] = await runsOf(db, storeId, "products.import");
      return latest?.outcome === "succeeded" && latest;
    }, 30_000);
    await uploadProductFile(db, {
      organizationId: orgId,
      storeId,
      fileName: "select.csv",
      file: selectCsv([{ manageNumber: "yunomi", horizontal: ["青", "-ao"] }]),
      actor: "test",
    });
    await eventually(
      async () =>
        (await runsOf(db, storeId, "products.import")).filter((r) => r.outcome === "succeeded").length === 2,
      30_000,
    );

    expect(fromItems.counts).toMatchObject({ fetched: 2, created: 2 });
    const named = await db
      .select({ code: products.code, name: products.name })
      .from(products)
      .where(eq(products.organizationId, orgId));
    expect(named).toEqual(
      expect.arrayContaining([
        { code: "tea-sencha", name: "静岡煎茶 100g" },
        { code: "gift-card", name: "ギフトカード" },
        { code: "yunomi-ao", name: "yunomi 青" },
      ]),
    );
    const [giftEntry] = await db
      .select()
      .from(correspondences)
      .where(and(eq(correspondences.storeId, storeId), eq(correspondences.itemCode, "gift-card")));
    expect(giftEntry?.unlimitedStock).toBe(true);
  });

  it("says which masters are missing before a store's first import, and imports nothing", async () => {
    const sim = await startSimulator();
    afterTest.push(() => sim.close());
    sim.seedOrders({ count: 2, progress: 300 });
    const { organization } = await createOrganization(db, { name: "マスタ未設定の店" });
    await createWarehouse(db, organization.id, { code: "WH1", name: "倉庫" });
    const store = await createStore(db, organization.id, {
      channel: "rakuten",
      name: "楽天市場店",
      warehouseCode: "WH1",
      targetStatuses: ["300"],
      settings: { endpoint: sim.url, requestsPerSecond: 20 },
    });
    afterTest.push(() => pauseStore(db, store.id));
    await setStoreCredentials(db, secretBox, organization.id, store.id, {
      values: { serviceSecret: sim.serviceSecret, licenseKey: sim.licenseKey },
    });

    const failed = await run(store.id, "orders.import");

    expect(failed.outcome).toBe("failed");
    const [fn] = await db
      .select()
      .from(storeFunctions)
      .where(and(eq(storeFunctions.storeId, store.id), eq(storeFunctions.function, "orders.import")));
    expect(fn?.failingReason).toMatch(
      /payment method master \(支払方法マスタ\) and the delivery service master/,
    );
    expect(await ordersOf(store.id)).toEqual([]);
    expect(sim.state.requestCounts.order ?? 0).toBe(0);
  });

  it("fails a store function with RMS's message when the license key has expired", async () => {
    const { sim, storeId } = await rakutenStore();
    sim.expireLicenseKey();

    const failed = await run(storeId, "orders.import");

    expect(failed.outcome).toBe("failed");
    const [fn] = await db
      .select()
      .from(storeFunctions)
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, "orders.import")));
    expect(fn?.failingReason).toMatch(/ES01-01 Un-Authorised/);
    expect(fn?.failingReason).toMatch(/reissue it in RMS/);
    const check = await run(storeId, "credentials.check");
    expect(check.outcome).toBe("failed");
  });

  it("checks the credentials with navigation.genre.get, keeps RMS's expiry date and warns when it is near", async () => {
    const { sim, storeId } = await rakutenStore();
    const soon = new Date(Date.now() + 10 * 86_400_000);
    sim.reissueLicenseKey(sim.licenseKey, soon);

    const check = await run(storeId, "credentials.check");

    expect(check.outcome).toBe("succeeded");
    expect(check.errors).toMatchObject([
      { kind: "expires_soon", message: expect.stringMatching(/^licenseKey expires on \d{4}-\d{2}-\d{2}/) },
    ]);
    const [key] = await db
      .select()
      .from(storeCredentials)
      .where(and(eq(storeCredentials.storeId, storeId), eq(storeCredentials.name, "licenseKey")));
    expect(key?.expiresAt?.getTime()).toBe(Math.floor(soon.getTime() / 1000) * 1000);
  });

  it("honours RMS's 429s: the import slows down, retries and completes", async () => {
    const { sim, storeId } = await rakutenStore({ sim: { requestsPerSecond: 2 } });
    // search, getOrder and confirmOrder follow each other at once: more than RMS's 2 a second here
    const seeded = seed(sim, 30, 100, hours(48), hours(1), 12);

    const imported = await run(storeId, "orders.import");

    expect(imported.outcome).toBe("succeeded");
    expect(imported.counts).toMatchObject({ fetched: 30, created: 30 });
    expect(sim.state.throttled).toBeGreaterThan(0);
    expect(JSON.stringify(imported.errors)).toMatch(/rate limited \(HTTP 429\)/);
    expect((await ordersOf(storeId)).length).toBe(seeded.length);
  });
});
