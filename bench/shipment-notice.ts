// Shipment notice: N shipped slips (default 10,000), each one order the channel knows, waiting for their
// notice; the engine's shipments.notify sends them (in the channel's batches, within its rate limit) and
// polls the results until the channel has acknowledged every one. Timed from the trigger to the last
// acknowledgement at the simulator. The slips are written in bulk (setup, not measured).
//
//   node --import tsx bench/shipment-notice.ts 10000
import { eq } from "drizzle-orm";
import { startTestChannel } from "../simulators/test-channel/server.ts";
import { testChannelCapabilities } from "../src/channels/test-channel/connector.ts";
import { orders, shipmentNotices, shipments, stores } from "../src/db/schema.ts";
import {
  databaseLabel,
  givenBenchStore,
  machine,
  openBenchDatabase,
  printResult,
  runFinished,
  startBenchEngine,
} from "./support.ts";

const count = Number(process.argv[2] ?? 10_000);

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  const sim = await startTestChannel({ shipmentProcessingMs: 200 });
  const now = Date.now();
  const seeded = sim.seedOrders({
    count,
    seed: 4,
    status: "ready",
    from: new Date(now - 3_600_000),
    to: new Date(now),
  });
  const store = await givenBenchStore(database, sim);
  const [row] = await database.db.select().from(stores).where(eq(stores.id, store.storeId));
  const warehouseId = row?.warehouseId as number;
  for (let start = 0; start < count; start += 1000) {
    const chunk = seeded.slice(start, start + 1000);
    const slips = await database.db
      .insert(shipments)
      .values(
        chunk.map((_, i) => ({
          organizationId: store.orgId,
          storeId: store.storeId,
          warehouseId,
          status: "shipped" as const,
          carrier: "ヤマト運輸",
          trackingNumber: `5000-${String(start + i).padStart(8, "0")}`,
          shippedOn: "2026-11-23",
          noticeStatus: "pending" as const,
        })),
      )
      .returning({ id: shipments.id });
    await database.db
      .insert(shipmentNotices)
      .values(slips.map((slip) => ({ shipmentId: slip.id, storeId: store.storeId })));
    await database.db.insert(orders).values(
      chunk.map((order, i) => ({
        organizationId: store.orgId,
        storeId: store.storeId,
        orderCode: order.order_no,
        status: "shipped" as const,
        orderedAt: new Date(order.ordered_at),
        buyer: {},
        deliveryAddress: {},
        amounts: {},
        total: order.totals.grand_total,
        payloadHash: "bench",
        shipmentId: slips[i]?.id,
        shippedAt: new Date(),
      })),
    );
  }

  const engine = await startBenchEngine(database);
  const requestsBefore = sim.state.requestCount;
  const started = performance.now();
  await engine.trigger(store.storeId, "shipments.notify");
  while (sim.state.shipments.length < count) {
    if (performance.now() - started > 1_800_000) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const requests = sim.state.requestCount - requestsBefore;
  await runFinished(database, store.storeId, "shipments.notify", 60_000).catch(() => undefined);
  await engine.stop();
  await sim.close();
  await database.close();

  console.log(`shipment notice, ${count} shipped slips, ${databaseLabel(database)}`);
  console.log(`  machine:  ${machine()}`);
  console.log(
    `  acked:    ${sim.state.shipments.length} of ${count} in ${seconds.toFixed(1)} s (${requests} requests)`,
  );
  console.log(`  rate:     ${(count / seconds).toFixed(0)} notices/s`);
  // The least time the channel's rate allows for the requests this run needed (its batches and the polls
  // of their results).
  const limitSeconds = requests / testChannelCapabilities.requestsPerSecond;
  console.log(
    `  limit:    ${limitSeconds.toFixed(1)} s for ${requests} requests at ${testChannelCapabilities.requestsPerSecond} requests/s; ${(seconds / limitSeconds).toFixed(2)}× that`,
  );
  printResult({
    bench: "shipment-notice",
    database: database.kind,
    slips: count,
    acknowledged: sim.state.shipments.length,
    seconds,
    requests,
    limitSeconds,
    ratio: seconds / limitSeconds,
  });
}

await main();
