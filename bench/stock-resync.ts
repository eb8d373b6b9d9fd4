// Full stock resync: N items (default 10,000) pushed to one store through the engine's stock.resync,
// which honours the channel's batch size and rate limit (test channel: 50 items a request, 10 requests a
// second, as its connector declares). Reports the seconds, and how far that is from the channel's own
// limit: the least time the channel allows for that many items.
//
//   node --import tsx bench/stock-resync.ts 10000
import { and, eq } from "drizzle-orm";
import { startTestChannel } from "../simulators/test-channel/server.ts";
import { createTestChannelConnector } from "../src/channels/test-channel/connector.ts";
import { storeFunctions, stores } from "../src/db/schema.ts";
import { ensureStoreFunctions } from "../src/jobs/store-functions.ts";
import {
  databaseLabel,
  givenBenchStore,
  givenManyItems,
  machine,
  openBenchDatabase,
  printResult,
  runFinished,
  startBenchEngine,
} from "./support.ts";

const count = Number(process.argv[2] ?? 10_000);

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  const sim = await startTestChannel();
  const store = await givenBenchStore(database, sim);
  const [row] = await database.db.select().from(stores).where(eq(stores.id, store.storeId));
  const { codes, quantityOf } = await givenManyItems(
    database,
    store.orgId,
    store.storeId,
    row?.warehouseId as number,
    count,
  );
  sim.seedItems(
    codes.map((sku) => ({ sku, variant: null, name: sku, price: 100, tax_rate: 10, unlimited_stock: false })),
  );
  const { stockPush, requestsPerSecond } = createTestChannelConnector({
    endpoint: sim.url,
    secrets: { apiKey: sim.apiKey },
  }).capabilities;
  const batch = stockPush?.batchSize ?? 1;
  const limitSeconds =
    Math.ceil(count / batch) / Math.min(stockPush?.requestsPerSecond ?? 1, requestsPerSecond);

  // The resync alone is measured: the store's scheduled stock push, which would also send the 10,000 new
  // items as the engine starts, is paused (sharing the store's rate, it would double the requests).
  await ensureStoreFunctions(database.db, { id: store.storeId, organizationId: store.orgId });
  await database.db
    .update(storeFunctions)
    .set({ paused: true })
    .where(and(eq(storeFunctions.storeId, store.storeId), eq(storeFunctions.function, "stock.push")));
  const engine = await startBenchEngine(database);
  const requestsBefore = sim.state.requestCount;
  const started = performance.now();
  await engine.trigger(store.storeId, "stock.resync");
  const run = await runFinished(database, store.storeId, "stock.resync", 1_800_000);
  const seconds = (performance.now() - started) / 1000;
  const requests = sim.state.requestCount - requestsBefore;
  const arrived = codes.filter((code, i) => sim.stockOf(code)?.quantity === quantityOf(i)).length;
  await engine.stop();
  await sim.close();
  await database.close();

  console.log(`full stock resync, ${count} items to one store, ${databaseLabel(database)}`);
  console.log(`  machine:  ${machine()}`);
  console.log(
    `  run:      ${run.outcome}, ${requests} requests, ${arrived} of ${count} items hold Kura's number`,
  );
  console.log(`  time:     ${seconds.toFixed(1)} s`);
  console.log(
    `  limit:    ${limitSeconds.toFixed(1)} s at ${batch} items a request, ${requestsPerSecond} requests/s`,
  );
  console.log(`  ratio:    ${(seconds / limitSeconds).toFixed(2)}× the channel's limit`);
  printResult({
    bench: "stock-resync",
    database: database.kind,
    items: count,
    outcome: run.outcome,
    seconds,
    limitSeconds,
    ratio: seconds / limitSeconds,
    requests,
    arrived,
  });
}

await main();
