// Stock propagation: how long from a stock change in Kura until the channel holds the new number.
// The real sync engine in-process with its default timings, the test channel simulator on loopback, and a
// merchant's receipts: a few changes every 100 ms over several products. Measured at the simulator, the
// moment it applies a pushed number. See bench/README.md for the figures.
//
//   npm run bench                                           embedded PGlite (in memory)
//   KURA_BENCH_DATABASE_URL=postgres://… npm run bench      a PostgreSQL server (a fresh, empty database)

import { randomBytes } from "node:crypto";
import { cpus, totalmem } from "node:os";
import { eq } from "drizzle-orm";
import pino from "pino";
import { seededDice } from "../simulators/kit/sample.ts";
import { startTestChannel } from "../simulators/test-channel/server.ts";
import { type Database, migrateDatabase, openDatabase } from "../src/db/connection.ts";
import { storeFunctions, syncRuns } from "../src/db/schema.ts";
import { startSyncEngine } from "../src/jobs/engine.ts";
import { SecretBox } from "../src/lib/secrets.ts";
import { setStoreCredentials } from "../src/operations/credentials.ts";
import {
  createOrganization,
  createStore,
  createWarehouse,
  setCorrespondence,
  upsertProduct,
} from "../src/operations/masters.ts";
import { receiveStock } from "../src/operations/stock-movements.ts";
import { printResult } from "./support.ts";

const changes = Number(process.env.KURA_BENCH_CHANGES ?? 1000);
const productCount = 20;
const changesPerTick = 3;
const tickMs = 100;
const goalP99Ms = 2000;
const drainTimeoutMs = 30_000;

interface Pending {
  expected: number;
  changedAt: number;
}

async function main(): Promise<void> {
  const url = process.env.KURA_BENCH_DATABASE_URL;
  const database = await openDatabase(url ? { url } : {});
  await migrateDatabase(database);
  const sim = await startTestChannel();
  const skus = Array.from({ length: productCount }, (_, i) => `BENCH-${String(i + 1).padStart(3, "0")}`);
  sim.seedItems(
    skus.map((sku) => ({
      sku,
      variant: null,
      name: `ベンチ商品 ${sku}`,
      price: 1000,
      tax_rate: 10,
      unlimited_stock: false,
    })),
  );
  const secretBox = new SecretBox(randomBytes(32));
  const { orgId, storeId } = await givenMerchant(database, secretBox, sim.url, sim.apiKey, skus);

  // At the simulator: every applied number resolves the changes it reflects. Receipts only add, so a
  // number at least a change's expected level includes that change.
  const pending = new Map<string, Pending[]>(skus.map((sku) => [sku, []]));
  const latencies: number[] = [];
  const setStock = sim.state.setStock.bind(sim.state);
  sim.state.setStock = (sku, variant, quantity) => {
    setStock(sku, variant, quantity);
    const now = performance.now();
    const waiting = pending.get(sku);
    if (!waiting) return;
    const [done, rest] = partition(waiting, (p) => p.expected <= quantity);
    for (const p of done) latencies.push(now - p.changedAt);
    pending.set(sku, rest);
  };

  const engine = await startSyncEngine({ database, secretBox, log: pino({ level: "warn" }) });
  const level = new Map(skus.map((sku) => [sku, 100]));
  // Warm-up: the opening stock reaches the channel before the clock starts.
  await until(() => skus.every((sku) => sim.stockOf(sku)?.quantity === 100), 30_000);

  const { random } = seededDice(7); // every run makes the same changes
  const requestsBefore = sim.state.requestCount;
  const runsBefore = await countPushRuns(database, storeId);
  const started = performance.now();
  for (let i = 0; i < changes; i++) {
    if (i % changesPerTick === 0) await sleepUntil(started + (i / changesPerTick) * tickMs);
    const sku = skus[Math.floor(random() * skus.length)] as string;
    const quantity = 1 + Math.floor(random() * 5);
    const expected = (level.get(sku) ?? 0) + quantity;
    level.set(sku, expected);
    pending.get(sku)?.push({ expected, changedAt: performance.now() });
    await receiveStock(database.db, {
      organizationId: orgId,
      productCode: sku,
      warehouseCode: "WH1",
      quantity,
      actor: "bench",
    });
  }
  const writingMs = performance.now() - started;
  await until(() => latencies.length === changes, drainTimeoutMs).catch(() => {});
  const requests = sim.state.requestCount - requestsBefore;
  const pushRuns = (await countPushRuns(database, storeId)) - runsBefore;

  await engine.stop();
  await sim.close();
  await database.close();
  report({ database, writingMs, requests, pushRuns, latencies });
}

async function givenMerchant(
  database: Database,
  secretBox: SecretBox,
  endpoint: string,
  apiKey: string,
  skus: string[],
) {
  const db = database.db;
  const { organization } = await createOrganization(db, { name: `Bench ${Date.now()}` });
  const orgId = organization.id;
  await createWarehouse(db, orgId, { code: "WH1", name: "本社倉庫" });
  const store = await createStore(db, orgId, {
    channel: "test",
    name: "ベンチ店",
    warehouseCode: "WH1",
    settings: { endpoint },
  });
  await setStoreCredentials(db, secretBox, orgId, store.id, { values: { apiKey } });
  // Schedules off (the hourly resync would push everything once at start); events push as they come.
  await db.update(storeFunctions).set({ nextRunAt: null }).where(eq(storeFunctions.storeId, store.id));
  for (const sku of skus) {
    await upsertProduct(db, orgId, { code: sku, name: `ベンチ商品 ${sku}` });
    await setCorrespondence(db, orgId, store.id, {
      itemCode: sku,
      components: [{ productCode: sku, quantity: 1 }],
    });
    await receiveStock(db, {
      organizationId: orgId,
      productCode: sku,
      warehouseCode: "WH1",
      quantity: 100,
      actor: "bench",
    });
  }
  return { orgId, storeId: store.id };
}

async function countPushRuns(database: Database, storeId: number): Promise<number> {
  const runs = await database.db
    .select({ fn: syncRuns.function })
    .from(syncRuns)
    .where(eq(syncRuns.storeId, storeId));
  return runs.filter((r) => r.fn === "stock.push").length;
}

function report(result: {
  database: Database;
  writingMs: number;
  requests: number;
  pushRuns: number;
  latencies: number[];
}): void {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  const s = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
  const p99 = at(0.99);
  const where = result.database.kind === "pglite" ? "PGlite (embedded, in memory)" : "PostgreSQL server";
  console.log(`stock propagation, ${where}`);
  console.log(
    `  machine:   ${cpus().length} CPU, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
  );
  console.log("  engine:    defaults (tick 200 ms, debounce 300 ms, pg-boss polling 0.5 s)");
  console.log(
    `  load:      ${changes} receipts over ${productCount} products, ${changesPerTick} per ${tickMs} ms, written in ${s(result.writingMs)}`,
  );
  console.log(`  channel:   ${result.requests} requests, ${result.pushRuns} stock.push runs`);
  console.log(
    `  arrived:   ${sorted.length} of ${changes}${sorted.length < changes ? " (the rest not within 30 s)" : ""}`,
  );
  console.log(`  latency:   p50 ${s(at(0.5))}   p99 ${s(p99)}   max ${s(sorted.at(-1) ?? Number.NaN)}`);
  console.log(`  goal:      p99 < ${s(goalP99Ms)}: p99 is ${(p99 / goalP99Ms).toFixed(2)}× the goal`);
  printResult({
    bench: "stock-propagation",
    database: result.database.kind,
    changes,
    arrived: sorted.length,
    p50Ms: at(0.5),
    p99Ms: p99,
    maxMs: sorted.at(-1) ?? null,
    ratio: p99 / goalP99Ms,
    requests: result.requests,
  });
}

function partition<T>(list: T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of list) (test(item) ? yes : no).push(item);
  return [yes, no];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sleepUntil(at: number): Promise<void> {
  const wait = at - performance.now();
  if (wait > 0) await sleep(wait);
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(10);
  }
}

await main();
