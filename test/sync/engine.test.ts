import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { orders, shipments, storeFunctions, stores } from "../../src/db/schema.ts";
import type { SyncEngine } from "../../src/jobs/engine.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import { shipShipment } from "../../src/operations/shipping.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";
import {
  eventually,
  givenChannelStore,
  noticeDone,
  quietStore,
  recentOrders,
  runsOf,
  secretBox,
  triggerUntil,
  useEngine,
} from "./support.ts";

let db: Db;
let engine: SyncEngine;
const afterTest = useEngine((env) => ({ db, engine } = env));

const channelStore = async () => afterTest.release(await givenChannelStore(db));

const ordersOf = (storeId: number) => db.select().from(orders).where(eq(orders.storeId, storeId));

describe("the sync engine with the test channel", () => {
  it("imports the channel's orders on the store's schedule, and importing them again changes nothing", async () => {
    const { sim, storeId } = await channelStore();
    sim.seedOrders(recentOrders(30, 11));

    await db
      .update(storeFunctions)
      .set({ nextRunAt: new Date() })
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, "orders.import")));
    await eventually(async () => (await ordersOf(storeId)).length === 30);
    const [scheduled] = await runsOf(db, storeId, "orders.import");
    expect(scheduled).toMatchObject({ trigger: "schedule" });

    // Forget where the last run stopped: the whole look-back window comes again.
    await db
      .update(storeFunctions)
      .set({ cursor: null })
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, "orders.import")));
    await engine.trigger(storeId, "orders.import", "manual");
    const again = await eventually(async () =>
      (await runsOf(db, storeId, "orders.import")).find(
        (r) => r.trigger === "manual" && r.outcome === "succeeded",
      ),
    );

    expect(await ordersOf(storeId)).toHaveLength(30);
    expect(again.counts).toMatchObject({ fetched: 30, unchanged: 30, created: 0 });
  });

  it("sends a shipped slip's tracking number to the channel within seconds", async () => {
    const { sim, storeId, orgId } = await channelStore();
    const seeded = sim.seedOrders(recentOrders(6, 12));
    await engine.trigger(storeId, "orders.import");
    await eventually(async () => (await ordersOf(storeId)).length === seeded.length);
    const order = (await ordersOf(storeId)).find((o) => o.status === "awaiting_shipment");
    if (!order) throw new Error("the seed has no order ready to ship");
    const wire = seeded.find((w) => w.order_no === order.orderCode);
    const [shipment] = await db
      .select()
      .from(shipments)
      .where(eq(shipments.id, order.shipmentId as number));
    expect(shipment?.status).toBe("allocated");

    await shipShipment(db, {
      organizationId: orgId,
      shipmentId: order.shipmentId as number,
      carrier: "ヤマト運輸",
      trackingNumber: "123456789012",
      shippedOn: "2026-11-23",
      actor: "test",
    });

    const received = await eventually(async () =>
      sim.state.shipments.find((s) => s.order_no === wire?.order_no),
    );
    expect(received).toMatchObject({ tracking_no: "123456789012", shipped_on: "2026-11-23" });
    await noticeDone(db, order.shipmentId as number);
  });

  it("pushes a stock change to the channel within seconds, never for unlimited items", async () => {
    const { sim, orgId } = await channelStore();
    await eventually(async () => sim.stockOf("TEA-HOJI-100")?.quantity === 500); // the store's first push

    await receiveStock(db, {
      organizationId: orgId,
      productCode: "TEA-HOJI-100",
      warehouseCode: "WH1",
      quantity: 7,
      actor: "test",
    });

    await eventually(async () => sim.stockOf("TEA-HOJI-100")?.quantity === 507);
    expect(sim.stockOf("GIFT-CARD")).toBeUndefined();
  });

  it("sends no stock while the store is closed, and the run says why", async () => {
    const { sim, orgId, storeId } = await channelStore();
    await eventually(async () => sim.stockOf("TEA-SENCHA-100")?.quantity === 500);
    await db.update(stores).set({ status: "closed" }).where(eq(stores.id, storeId));
    const before = (await runsOf(db, storeId, "stock.push")).length;

    await receiveStock(db, {
      organizationId: orgId,
      productCode: "TEA-SENCHA-100",
      warehouseCode: "WH1",
      quantity: 1,
      actor: "t",
    });
    const [run] = await eventually(async () => {
      const runs = await runsOf(db, storeId, "stock.push");
      return runs.length > before && runs[0]?.outcome === "succeeded" && runs;
    });

    expect(run?.counts).toMatchObject({ pushed: 0, skipped: 7 });
    expect(sim.stockOf("TEA-SENCHA-100")?.quantity).toBe(500);
  });

  it("retries a channel answering 500, 429 and not at all, and the history shows the retries", async () => {
    const { sim, storeId } = await channelStore();
    await quietStore(db, storeId); // the run found below is the one triggered here
    sim.seedOrders(recentOrders(3, 13));
    sim.injectFaults({ kind: "error", status: 500, message: "internal trouble" }, 1, "/orders");
    sim.injectFaults({ kind: "rate_limit", retryAfterSeconds: 1 }, 1, "/orders");
    sim.injectFaults({ kind: "hang", ms: 3_000 }, 1, "/orders"); // longer than the connector's 2 s timeout

    const run = await triggerUntil({ db, engine }, storeId, "orders.import", "succeeded");

    expect(run.counts).toMatchObject({ created: 3 });
    const messages = run.errors.map((e) => String(e.message)).join("\n");
    expect(messages).toMatch(/attempt 1 failed.*\(retrying\)/);
    expect(messages).toMatch(/attempt 2 failed.*\(retrying\)/);
    expect(messages).toMatch(/attempt 3 failed.*timed out after 2000 ms.*\(retrying\)/);
    expect(run.errors.map((e) => e.kind)).toEqual(expect.arrayContaining(["transient", "rate_limited"]));
  });

  it("stops a function with the channel's reason when the credentials are wrong", async () => {
    const { storeId, orgId } = await channelStore();
    await setStoreCredentials(db, secretBox, orgId, storeId, { values: { apiKey: "wrong-key" } });

    const run = await triggerUntil({ db, engine }, storeId, "orders.import", "failed");

    const [fn] = await db
      .select()
      .from(storeFunctions)
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, "orders.import")));
    expect(fn?.failingReason).toMatch(/the channel said/);
    expect(run.attempt).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // a retry would have started by now
    // No retry: an auth failure waits for the merchant (a run scheduled at the store's creation may exist).
    const failed = (await runsOf(db, storeId, "orders.import")).filter((r) => r.outcome === "failed");
    expect(failed).toHaveLength(1);
  });
});
