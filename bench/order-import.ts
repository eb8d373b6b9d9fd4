// Order import throughput: the test channel simulator holds N orders (1–3 lines, generated Japanese names
// and addresses); the real engine imports them through the channel's paged API (mapped, allocated,
// committed per page), timed from the trigger to the run's end. Baseline in the same run and database:
// COPY of the same orders and lines into two plain tables, the storage limit of the orders as the
// channel sent them; and COPY of every row the import wrote into tables shaped as Kura's
// (copy-written.ts), the storage limit of what an imported order is in Kura. One size per process, so
// the peak memory is this size's own.
//
//   node --import tsx bench/order-import.ts 10000
//   KURA_BENCH_DATABASE_URL=postgres://… node --import tsx bench/order-import.ts 10000
import { stringify } from "csv-stringify/sync";
import { eq, sql } from "drizzle-orm";
import { generateOrders } from "../simulators/test-channel/generate.ts";
import type { TestChannel } from "../simulators/test-channel/server.ts";
import type { WireOrder } from "../simulators/test-channel/wire.ts";
import type { Database } from "../src/db/connection.ts";
import { stores } from "../src/db/schema.ts";
import { startChannelWorker } from "./channel-worker.ts";
import { copyIn, copyWritten, lastEventId } from "./copy-written.ts";
import {
  busySince,
  databaseLabel,
  givenBenchStore,
  machine,
  machineBusySeconds,
  openBenchDatabase,
  peakRssMiB,
  printResult,
  rssMiB,
  runFinished,
  startBenchEngine,
} from "./support.ts";

const size = Number(process.argv[2] ?? 10_000);
const liftedRate = 10_000;

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  // The channel's limit out of the way, on both sides: at its published 10 requests a second of 100 orders,
  // an import cannot pass 1,000 orders/s whatever Kura does, and this measures Kura.
  const now = Date.now();
  const orders = { count: size, seed: 2026, from: new Date(now - 3_600_000), to: new Date(now) };
  const sim = await startChannelWorker({
    requestsPerSecond: liftedRate,
    ...orders,
    from: orders.from.toISOString(),
    to: orders.to.toISOString(),
  });
  const store = await givenBenchStore(database, sim as TestChannel);
  await database.db
    .update(stores)
    .set({ settings: sql`${stores.settings} || ${JSON.stringify({ requestsPerSecond: liftedRate })}::jsonb` })
    .where(eq(stores.id, store.storeId));
  const engine = await startBenchEngine(database);
  const eventsBefore = await lastEventId(database);
  const rssBefore = rssMiB();

  const cpuBefore = process.cpuUsage();
  const machineBefore = machineBusySeconds();
  const started = performance.now();
  await engine.trigger(store.storeId, "orders.import");
  const run = await runFinished(database, store.storeId, "orders.import", 3_600_000);
  const importSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const processCpuSeconds = (cpu.user + cpu.system) / 1e6; // Kura and the simulator's worker thread
  const machineCpuSeconds = busySince(machineBefore);
  const peakDuringImport = peakRssMiB();
  await engine.stop();
  await sim.close();

  // The same orders for the baseline, made only now so that they do not weigh on the import's memory.
  const seeded = generateOrders({ ...orders, status: "ready", to: orders.to, firstSerial: 1 });
  const lines = seeded.reduce((sum, order) => sum + order.items.length, 0);
  const { seconds: copySeconds, machineCpuSeconds: copyMachineCpuSeconds } = await copyBaseline(
    database,
    seeded,
  );
  const written = await copyWritten(database, store.storeId, eventsBefore);
  await database.close();

  const importRate = size / importSeconds;
  const copyRate = size / copySeconds;
  const writtenCopyRate = size / written.seconds;
  console.log(`order import, ${size} orders (${lines} lines), ${databaseLabel(database)}`);
  console.log(`  machine:  ${machine()}`);
  console.log(`  run:      ${run.outcome}, counts ${JSON.stringify(run.counts)}`);
  console.log(`  import:   ${importSeconds.toFixed(1)} s, ${importRate.toFixed(0)} orders/s`);
  console.log(
    `  CPU:      ${processCpuSeconds.toFixed(1)} s in this process (Kura and the simulator's thread) over ${importSeconds.toFixed(1)} s`,
  );
  console.log(
    `  COPY:     ${copySeconds.toFixed(2)} s, ${copyRate.toFixed(0)} orders/s (baseline: orders and lines, two plain tables)`,
  );
  console.log(
    `  written:  ${written.seconds.toFixed(2)} s, ${writtenCopyRate.toFixed(0)} orders/s to COPY what the import wrote (${written.rows} rows, ${(written.rows / size).toFixed(1)} an order, into ${written.tables.length} tables shaped as Kura's); the import is ${((importRate / writtenCopyRate) * 100).toFixed(1)} % of it`,
  );
  console.log(
    `            ${written.tables.map((t) => `${t.table} ${t.rows} rows ${t.seconds.toFixed(2)} s`).join(", ")}`,
  );
  if (machineCpuSeconds !== null && copyMachineCpuSeconds !== null) {
    // The machine's CPU per order, whichever process spent it: the work each way costs, beside its speed.
    const importMs = (machineCpuSeconds / size) * 1000;
    const copyMs = (copyMachineCpuSeconds / size) * 1000;
    console.log(
      `  work:     ${importMs.toFixed(2)} ms of the machine's CPU per order (${machineCpuSeconds.toFixed(1)} s over ${importSeconds.toFixed(1)} s, the database included), COPY ${copyMs.toFixed(2)} ms`,
    );
  }
  console.log(
    `  ratio:    ${((importRate / copyRate) * 100).toFixed(2)} % of the baseline (goal ≥ 25 % on the server)`,
  );
  console.log(
    `  memory:   ${rssBefore} MiB before the import (simulator's orders included), peak ${peakDuringImport} MiB`,
  );
  printResult({
    bench: "order-import",
    database: database.kind,
    orders: size,
    lines,
    outcome: run.outcome,
    importSeconds,
    importRate,
    processCpuSeconds,
    machineCpuSeconds,
    copySeconds,
    copyMachineCpuSeconds,
    copyRate,
    ratio: importRate / copyRate,
    writtenRows: written.rows,
    writtenCopySeconds: written.seconds,
    writtenCopyMachineCpuSeconds: written.machineCpuSeconds,
    writtenCopyRate,
    writtenTables: written.tables,
    writtenRatio: importRate / writtenCopyRate,
    rssBeforeMiB: rssBefore,
    peakRssMiB: peakDuringImport,
  });
}

/** COPY of the same orders (with their payload, as Kura keeps it) and lines into plain tables. */
async function copyBaseline(
  database: Database,
  seeded: WireOrder[],
): Promise<{ seconds: number; machineCpuSeconds: number | null }> {
  await database.db.execute(sql`DROP TABLE IF EXISTS bench_copy_lines, bench_copy_orders`);
  await database.db.execute(
    sql`CREATE TABLE bench_copy_orders (order_code text, ordered_at timestamptz, buyer jsonb, ship_to jsonb, total integer, raw jsonb)`,
  );
  await database.db.execute(
    sql`CREATE TABLE bench_copy_lines (order_code text, sku text, quantity integer, price integer)`,
  );
  const orderCsv = stringify(
    seeded.map((o) => [
      o.order_no,
      o.ordered_at,
      JSON.stringify(o.buyer),
      JSON.stringify(o.ship_to[0]),
      o.totals.grand_total,
      JSON.stringify(o),
    ]),
  );
  const lineCsv = stringify(seeded.flatMap((o) => o.items.map((i) => [o.order_no, i.sku, i.qty, i.price])));
  const machineBefore = machineBusySeconds();
  const started = performance.now();
  await copyIn(database, "COPY bench_copy_orders FROM STDIN WITH (FORMAT csv)", orderCsv);
  await copyIn(database, "COPY bench_copy_lines FROM STDIN WITH (FORMAT csv)", lineCsv);
  const seconds = (performance.now() - started) / 1000;
  const machineCpuSeconds = busySince(machineBefore);
  await database.db.execute(sql`DROP TABLE bench_copy_lines, bench_copy_orders`);
  return { seconds, machineCpuSeconds };
}

await main();
