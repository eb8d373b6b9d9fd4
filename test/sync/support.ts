// A merchant whose store sells on the test channel simulator, and a running sync engine.
import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import pino from "pino";
import { afterAll, afterEach, beforeAll } from "vitest";
import { startTestChannel, type TestChannel } from "../../simulators/test-channel/server.ts";
import type { Database, Db } from "../../src/db/connection.ts";
import { shipments, storeFunctions, stores, syncRuns } from "../../src/db/schema.ts";
import type { SyncFunction } from "../../src/domain/statuses.ts";
import { type EngineOptions, type SyncEngine, startSyncEngine } from "../../src/jobs/engine.ts";
import { SecretBox } from "../../src/lib/secrets.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import { setStoreMapping } from "../../src/operations/masters.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { givenCodAndMailMasters, givenItemsSold, givenMerchant, type ItemSold } from "../support/fixtures.ts";

export const secretBox = new SecretBox(randomBytes(32));

export function startEngine(database: Database, overrides: Partial<EngineOptions> = {}): Promise<SyncEngine> {
  return startSyncEngine({
    database,
    secretBox,
    log: pino({ level: "silent" }),
    tickMs: 100,
    debounceMs: 100,
    staleAfterMs: 5_000,
    retryPolicy: { retries: 3, minTimeoutMs: 20, maxRetryAfterMs: 1_500 },
    jobRetry: { limit: 1, delaySeconds: 1 },
    connectorTimeoutMs: 2_000,
    ...overrides,
  });
}

export interface EngineEnv {
  database: Database;
  db: Db;
  engine: SyncEngine;
}

/** What a test leaves to be undone once it is over (simulators to close, stores to pause). */
export interface AfterTest {
  /** Runs `cleanup` once the current test is over; the last added runs first. */
  push(...cleanups: Array<() => Promise<unknown>>): void;
  /**
   * Once the current test is over, pauses the store (so the engine leaves it alone) and closes its simulator.
   * Answers the store.
   */
  release<Store extends { storeId: number; sim: { close(): Promise<unknown> } }>(store: Store): Store;
}

/**
 * A test file's database and running sync engine, started before its tests and stopped after them.
 * Answers where a test leaves what is to be undone after it.
 */
export function useEngine(
  onReady: (env: EngineEnv) => void,
  overrides: Partial<EngineOptions> = {},
): AfterTest {
  let testDb: TestDatabase | undefined;
  let env: EngineEnv | undefined;
  const cleanups: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    testDb = await createTestDatabase();
    const engine = await startEngine(testDb.database, overrides);
    env = { database: testDb.database, db: testDb.database.db, engine };
    onReady(env);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await env?.engine.stop();
    await testDb?.[Symbol.asyncDispose]();
  });
  return {
    push: (...more) => cleanups.push(...more),
    release(store) {
      cleanups.push(
        () => store.sim.close(),
        () => pauseStore((env as EngineEnv).db, store.storeId),
      );
      return store;
    },
  };
}

/**
 * Stops the store's schedules and waits for the runs under way to end, so the next run is the one a test
 * triggers. A store's schedules start as soon as it gets credentials; a first scheduled import that ran
 * before a test seeded its orders would otherwise be the "succeeded" run the test finds.
 */
export async function quietStore(db: Db, storeId: number): Promise<void> {
  await eventually(async () => {
    await db.update(storeFunctions).set({ nextRunAt: null }).where(eq(storeFunctions.storeId, storeId));
    const running = await db
      .select({ id: syncRuns.id })
      .from(syncRuns)
      .where(and(eq(syncRuns.storeId, storeId), isNull(syncRuns.finishedAt)));
    return running.length === 0;
  });
}

/** A merchant with the simulator's catalog as products, its strings mapped, and the store's credentials set. */
export async function givenChannelStore(db: Db, channel?: TestChannel) {
  const sim = channel ?? (await startTestChannel());
  const m = await givenMerchant(db);
  await db
    .update(stores)
    .set({ settings: { endpoint: sim.url } })
    .where(eq(stores.id, m.storeId));
  await setStoreCredentials(db, secretBox, m.orgId, m.storeId, { values: { apiKey: sim.apiKey } });
  await givenCodAndMailMasters(db, m.orgId);
  await setStoreMapping(db, m.orgId, m.storeId, {
    kind: "delivery_method",
    channelValue: "宅配便",
    target: "takkyubin",
  });
  await setStoreMapping(db, m.orgId, m.storeId, {
    kind: "payment_method",
    channelValue: "クレジットカード決済",
    target: "credit_card",
  });
  await setStoreMapping(db, m.orgId, m.storeId, {
    kind: "payment_method",
    channelValue: "銀行振込",
    target: "bank_transfer",
  });
  const stock: Array<[string, number]> = [
    ["TEA-SENCHA-100", 500],
    ["TEA-HOJI-100", 500],
    ["TEA-MATCHA-30", 500],
    ["CUP-AO", 500],
    ["CUP-AKA", 500],
    ["TENUGUI-KOI", 500],
    ["GIFT-CARD", 500],
  ];
  for (const [code] of stock) await m.product(code);
  const items: ItemSold[] = [
    ["TEA-SENCHA-100", "", "TEA-SENCHA-100", false],
    ["TEA-HOJI-100", "", "TEA-HOJI-100", false],
    ["TEA-MATCHA-30", "", "TEA-MATCHA-30", false],
    ["CUP-YUNOMI", "AO", "CUP-AO", false],
    ["CUP-YUNOMI", "AKA", "CUP-AKA", false],
    ["TENUGUI", "KOI", "TENUGUI-KOI", false],
    ["GIFT-CARD", "", "GIFT-CARD", true],
  ];
  await givenItemsSold(db, m, items);
  // Stock arrives once the store sells the items, so the store's first push carries it.
  for (const [code, quantity] of stock) await m.product(code, quantity);
  // Schedules off: each test triggers what it means to test (events still push at once).
  await db.update(storeFunctions).set({ nextRunAt: null }).where(eq(storeFunctions.storeId, m.storeId));
  return { ...m, sim };
}

/** Orders updated in the last minute, as a live channel has them. */
export const recentOrders = (count: number, seed: number) => ({
  count,
  seed,
  status: "ready" as const,
  from: new Date(Date.now() - 60_000),
  to: new Date(),
});

/** Stops the store's schedules so a later test's engine leaves it alone. */
export async function pauseStore(db: Db, storeId: number): Promise<void> {
  await db.update(storeFunctions).set({ paused: true }).where(eq(storeFunctions.storeId, storeId));
}

/**
 * Pauses one function of a store, and waits for a run already under way to finish; the store's
 * other schedules keep running.
 */
export async function pauseFunction(db: Db, storeId: number, fn: SyncFunction): Promise<void> {
  await db
    .update(storeFunctions)
    .set({ paused: true })
    .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, fn)));
  await eventually(async () => (await runsOf(db, storeId, fn)).every((run) => run.finishedAt !== null));
}

export async function runsOf(db: Db, storeId: number, fn: SyncFunction) {
  return db
    .select()
    .from(syncRuns)
    .where(and(eq(syncRuns.storeId, storeId), eq(syncRuns.function, fn)))
    .orderBy(desc(syncRuns.id));
}

/** Triggers a store function now and waits for that run (the store's newest) to finish; answers the run. */
export async function runToEnd(env: Pick<EngineEnv, "db" | "engine">, storeId: number, fn: SyncFunction) {
  const before = (await runsOf(env.db, storeId, fn)).length;
  await env.engine.trigger(storeId, fn);
  return eventually(async () => {
    const runs = await runsOf(env.db, storeId, fn);
    const run = runs.length > before ? runs[0] : undefined;
    return run && (run.outcome === "succeeded" || run.outcome === "failed") ? run : undefined;
  }, 30_000);
}

/**
 * Triggers a store function now and waits for a run that began after the trigger to end with `outcome`
 * (a failed attempt may come first; a run the store's schedule made earlier never counts). Answers the run.
 */
export async function triggerUntil(
  env: Pick<EngineEnv, "db" | "engine">,
  storeId: number,
  fn: SyncFunction,
  outcome: "succeeded" | "failed",
  timeoutMs = 15_000,
) {
  const earlier = new Set((await runsOf(env.db, storeId, fn)).map((r) => r.id));
  await env.engine.trigger(storeId, fn);
  return eventually(
    async () => (await runsOf(env.db, storeId, fn)).find((r) => !earlier.has(r.id) && r.outcome === outcome),
    timeoutMs,
  );
}

/** Waits until the slip's shipment notice is done. */
export async function noticeDone(db: Db, shipmentId: number): Promise<void> {
  await eventually(async () => {
    const [row] = await db.select().from(shipments).where(eq(shipments.id, shipmentId));
    return row?.noticeStatus === "done";
  });
}

/** Polls `check` until it returns a truthy value, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
