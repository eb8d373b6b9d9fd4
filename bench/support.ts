// What the benchmarks share: the database they run on, a merchant whose store sells on the test channel
// simulator (the test suite's own fixture), the engine with its production defaults, and reporting.
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { eq } from "drizzle-orm";
import pino from "pino";
import type { TestChannel } from "../simulators/test-channel/server.ts";
import { type Database, migrateDatabase, openDatabase } from "../src/db/connection.ts";
import {
  correspondenceComponents,
  correspondences,
  products,
  stockLevels,
  storeFunctions,
  syncRuns,
} from "../src/db/schema.ts";
import type { SyncFunction } from "../src/domain/statuses.ts";
import { type SyncEngine, startSyncEngine } from "../src/jobs/engine.ts";
import { receiveStock } from "../src/operations/stock-movements.ts";
import { givenChannelStore, secretBox } from "../test/sync/support.ts";

/** PGlite in memory, or the server at KURA_BENCH_DATABASE_URL (a database the benchmarks may fill). */
export async function openBenchDatabase(): Promise<Database> {
  const url = process.env.KURA_BENCH_DATABASE_URL;
  const database = await openDatabase(url ? { url, poolSize: 20 } : {});
  await migrateDatabase(database);
  return database;
}

export const databaseLabel = (database: Database) =>
  database.kind === "pglite" ? "PGlite (embedded, in memory)" : "PostgreSQL server";

/** A merchant selling the simulator's catalog, with plenty of stock, schedules off. */
export async function givenBenchStore(database: Database, sim: TestChannel, stockPerProduct = 1_000_000) {
  const store = await givenChannelStore(database.db, sim);
  for (const code of [
    "TEA-SENCHA-100",
    "TEA-HOJI-100",
    "TEA-MATCHA-30",
    "CUP-AO",
    "CUP-AKA",
    "TENUGUI-KOI",
  ]) {
    await receiveStock(database.db, {
      organizationId: store.orgId,
      productCode: code,
      warehouseCode: "WH1",
      quantity: stockPerProduct,
      actor: "bench",
    });
  }
  await database.db
    .update(storeFunctions)
    .set({ nextRunAt: null })
    .where(eq(storeFunctions.storeId, store.storeId));
  return store;
}

/** The engine as `kura start` runs it (defaults), quiet. */
export const startBenchEngine = (database: Database): Promise<SyncEngine> =>
  startSyncEngine({ database, secretBox, log: pino({ level: "error" }) });

/** Waits for the first run of `fn` that ended after `since`, and answers it. */
export async function runFinished(database: Database, storeId: number, fn: SyncFunction, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await database.db.select().from(syncRuns).where(eq(syncRuns.storeId, storeId));
    const done = runs.find((r) => r.function === fn && (r.outcome === "succeeded" || r.outcome === "failed"));
    if (done) return done;
    if (Date.now() > deadline) throw new Error(`${fn} did not finish within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const machine = () =>
  `${cpus().length} CPU (${cpus()[0]?.model.trim() ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;

/**
 * CPU seconds the whole machine has spent busy so far (every process: Kura, the simulators, a local
 * PostgreSQL server), from Linux's /proc/stat; null where there is none. The difference of two readings
 * is the work a step cost, whichever process did it.
 */
export function machineBusySeconds(): number | null {
  try {
    const [, ...ticks] = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = ticks.map(Number);
    return (user + nice + system + irq + softirq) / 100; // USER_HZ is 100 on Linux; steal is not ours
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the machine since `before` (a machineBusySeconds reading). */
export function busySince(before: number | null): number | null {
  const now = machineBusySeconds();
  return before === null || now === null ? null : now - before;
}

/** Peak resident memory of this process so far, in MiB. */
export const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
export const rssMiB = () => Math.round(process.memoryUsage().rss / 2 ** 20);

export function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** The last line of every benchmark: its figures as JSON, for bench/run-all.ts to tabulate. */
export function printResult(result: Record<string, unknown>): void {
  console.log(`RESULT ${JSON.stringify(result)}`);
}

/**
 * `count` products sold one-to-one as channel items, with stock, written in bulk (setup, not measured):
 * products, correspondences and stock levels as the operations would leave them, without the ledger.
 */
export async function givenManyItems(
  database: Database,
  orgId: number,
  storeId: number,
  warehouseId: number,
  count: number,
) {
  const codes = Array.from({ length: count }, (_, i) => `BULK-${String(i).padStart(6, "0")}`);
  const quantityOf = (index: number) => 1 + (index % 97);
  for (let start = 0; start < count; start += 1000) {
    const chunk = codes.slice(start, start + 1000);
    const inserted = await database.db
      .insert(products)
      .values(chunk.map((code) => ({ organizationId: orgId, code, name: `ベンチ商品 ${code}` })))
      .returning({ id: products.id, code: products.code });
    const entries = await database.db
      .insert(correspondences)
      .values(chunk.map((code) => ({ organizationId: orgId, storeId, itemCode: code })))
      .returning({ id: correspondences.id, itemCode: correspondences.itemCode });
    const productId = new Map(inserted.map((p) => [p.code, p.id]));
    await database.db.insert(correspondenceComponents).values(
      entries.map((e) => ({
        correspondenceId: e.id,
        productId: productId.get(e.itemCode) as number,
        quantity: 1,
      })),
    );
    const indexOf = new Map(chunk.map((code, i) => [code, start + i]));
    await database.db.insert(stockLevels).values(
      inserted.map((p) => ({
        organizationId: orgId,
        productId: p.id,
        warehouseId,
        onHand: quantityOf(indexOf.get(p.code) as number),
      })),
    );
  }
  return { codes, quantityOf };
}
