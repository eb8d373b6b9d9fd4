// End-to-end tests of the channels: one database and sync engine per file, a merchant whose store sells on
// the channel's simulator with the kit catalog mapped (TEA-SENCHA-100, CUP-YUNOMI/AO, GIFT-CARD unlimited).
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import type { Database, Db } from "../../src/db/connection.ts";
import { orders, shipments, storeFunctions, stores } from "../../src/db/schema.ts";
import type { SyncFunction } from "../../src/domain/statuses.ts";
import type { SyncEngine } from "../../src/jobs/engine.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import { setStoreMapping } from "../../src/operations/masters.ts";
import { shipShipment } from "../../src/operations/shipping.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { givenItemsSold, givenMerchant, type ItemSold } from "../support/fixtures.ts";
import { eventually, runsOf, secretBox, startEngine } from "../sync/support.ts";

export { eventually, runsOf };

/** A test file's database and running sync engine. */
export interface ChannelTestBed {
  readonly database: Database;
  readonly db: Db;
  readonly engine: SyncEngine;
}

/** What a channel's simulator offers every test: where it listens, and a way to stop it. */
export interface ChannelSimulator {
  url: string;
  close(): Promise<void>;
}

export interface ChannelTestFile extends ChannelTestBed {
  /** A store on a simulator the test started (listening at the store's endpoint), closed with the bed. */
  storeOn<Sim extends ChannelSimulator>(
    sim: Sim,
    store: Omit<StoreOnChannel, "endpoint">,
  ): Promise<{ sim: Sim } & Awaited<ReturnType<typeof givenStoreOn>>>;
}

/** A test file's bed: opened before its tests, closed after them with every simulator its stores were on. */
export function useChannelTestBed(): ChannelTestFile {
  let opened: OpenChannelTestBed | undefined;
  const sims: ChannelSimulator[] = [];
  beforeAll(async () => {
    opened = await openChannelTestBed();
  });
  afterAll(async () => {
    await opened?.close();
    for (const sim of sims) await sim.close();
  });
  const bed = (): ChannelTestBed => {
    if (!opened) throw new Error("the channel test bed opens before the file's tests");
    return opened;
  };
  return {
    get database() {
      return bed().database;
    },
    get db() {
      return bed().db;
    },
    get engine() {
      return bed().engine;
    },
    async storeOn(sim, store) {
      sims.push(sim);
      return { sim, ...(await givenStoreOn(bed().db, { ...store, endpoint: sim.url })) };
    },
  };
}

interface OpenChannelTestBed extends ChannelTestBed {
  close(): Promise<void>;
}

async function openChannelTestBed(): Promise<OpenChannelTestBed> {
  const testDb: TestDatabase = await createTestDatabase();
  // Ticks dispatch outbox events (stock and shipment pushes); the stores' schedules stay off (givenStoreOn).
  const engine = await startEngine(testDb.database, { tickMs: 200 });
  return {
    database: testDb.database,
    db: testDb.database.db,
    engine,
    async close() {
      await engine.stop();
      await testDb[Symbol.asyncDispose]();
    },
  };
}

export interface StoreOnChannel {
  channel: string;
  endpoint: string;
  secrets: Record<string, string>;
  settings?: Record<string, unknown>;
  /** Recorded with the secrets (keys the merchant reissues by hand). */
  expiresAt?: Date;
  /** The channel's strings for the delivery and payment methods of its sample orders. */
  deliveryMethod?: string;
  paymentMethod?: string;
}

/** A merchant with a store on the channel: kit catalog mapped and stocked (50 each), schedules idle. */
export async function givenStoreOn(db: Db, store: StoreOnChannel) {
  const m = await givenMerchant(db);
  await db
    .update(stores)
    .set({ channel: store.channel, settings: { endpoint: store.endpoint, ...store.settings } })
    .where(eq(stores.id, m.storeId));
  await setStoreMapping(db, m.orgId, m.storeId, {
    kind: "delivery_method",
    channelValue: store.deliveryMethod ?? "宅配便",
    target: "takkyubin",
  });
  await setStoreMapping(db, m.orgId, m.storeId, {
    kind: "payment_method",
    channelValue: store.paymentMethod ?? "クレジットカード決済",
    target: "credit_card",
  });
  const items: ItemSold[] = [
    ["TEA-SENCHA-100", "", "TEA-SENCHA-100", false],
    ["CUP-YUNOMI", "AO", "CUP-AO", false],
    ["GIFT-CARD", "", "GIFT-CARD", true],
  ];
  for (const [, , productCode] of items) await m.product(productCode);
  await givenItemsSold(db, m, items);
  for (const [, , productCode] of items) await m.product(productCode, 50);
  await db.update(storeFunctions).set({ paused: true }).where(eq(storeFunctions.storeId, m.storeId));
  await setStoreCredentials(db, secretBox, m.orgId, m.storeId, {
    values: store.secrets,
    expiresAt: store.expiresAt,
  });
  // Paused while the credentials start the schedules, then idle: only "run now" and events run.
  await db
    .update(storeFunctions)
    .set({ nextRunAt: null, paused: false })
    .where(eq(storeFunctions.storeId, m.storeId));
  return m;
}

/** Runs a function now and waits for the run to finish; answers the run. */
export async function runNow(bed: ChannelTestBed, storeId: number, fn: SyncFunction) {
  const before = (await runsOf(bed.db, storeId, fn))[0]?.id ?? 0;
  await bed.engine.trigger(storeId, fn);
  return eventually(
    async () =>
      (await runsOf(bed.db, storeId, fn)).find(
        (run) => run.id > before && (run.outcome === "succeeded" || run.outcome === "failed"),
      ),
    30_000,
  );
}

export const ordersOf = (db: Db, storeId: number) =>
  db.select().from(orders).where(eq(orders.storeId, storeId));

export async function orderByCode(db: Db, storeId: number, orderCode: string) {
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.storeId, storeId), eq(orders.orderCode, orderCode)));
  if (!order) throw new Error(`no order ${orderCode} in store ${storeId}`);
  return order;
}

/** Ships the order's slip in Kura with Yamato and a tracking number; waits until the notice is done. */
export async function shipInKura(
  db: Db,
  orgId: number,
  storeId: number,
  orderCode: string,
  trackingNumber: string,
) {
  const order = await orderByCode(db, storeId, orderCode);
  if (!order.shipmentId) throw new Error(`order ${orderCode} has no shipment slip (status ${order.status})`);
  await shipShipment(db, {
    organizationId: orgId,
    shipmentId: order.shipmentId,
    carrier: "ヤマト運輸",
    trackingNumber,
    shippedOn: "2026-11-23",
    actor: "test",
  });
  return eventually(async () => {
    const [row] = await db
      .select()
      .from(shipments)
      .where(eq(shipments.id, order.shipmentId as number));
    return row && row.noticeStatus !== "pending" && row.noticeStatus !== "accepted" && row;
  }, 30_000);
}

/** The reason a store function is failing with, once it is recorded (just after its run is marked failed). */
export function failingReason(db: Db, storeId: number, fn: SyncFunction): Promise<string> {
  return eventually(async () => {
    const [row] = await db
      .select({ failingReason: storeFunctions.failingReason })
      .from(storeFunctions)
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, fn)));
    return row?.failingReason;
  }, 30_000);
}
