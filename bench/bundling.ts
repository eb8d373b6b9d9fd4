// Auto bundling (自動同梱検索) at volume: registers many orders into one organization, a fifth of them
// sharing a delivery address with another order, through the real registerOrder (mapping, allocation,
// shipment slip, bundle lookup). Reports orders per second, the time spent in the bundle lookup, and the
// process's RSS (sampled, to show memory stays flat). See bench/README.md (docs/bench-bundling.md).
//
//   node --import tsx bench/bundling.ts                                   embedded PGlite (in memory)
//   KURA_BENCH_DATABASE_URL=postgres://… node --import tsx bench/bundling.ts    a fresh, empty database
//   KURA_BENCH_ORDERS=100000 (default 100,000) · KURA_BENCH_SHARED=0.2 (share of orders sharing an address)
import { cpus, totalmem } from "node:os";
import { and, eq, sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, queryRows } from "../src/db/connection.ts";
import { bundleCandidates } from "../src/db/schema.ts";
import { bundlingStats } from "../src/operations/bundle-lookup.ts";
import {
  createDeliveryMethod,
  createDeliveryService,
  createOrganization,
  createPaymentMethod,
  createStore,
  createWarehouse,
  upsertProduct,
} from "../src/operations/masters.ts";
import { registerOrder } from "../src/operations/register-order.ts";
import { receiveStock } from "../src/operations/stock-movements.ts";

const total = Number(process.env.KURA_BENCH_ORDERS ?? 100_000);
const sharedShare = Number(process.env.KURA_BENCH_SHARED ?? 0.2);
const sampleEvery = Math.max(1, Math.floor(total / 20));

const prefectures = ["東京都", "大阪府", "神奈川県", "愛知県", "福岡県", "北海道"];

/** Order i's recipient: unique, or — for a fifth of the orders — shared in pairs, written differently. */
function recipient(i: number) {
  const sharedEvery = Math.round(2 / sharedShare); // two orders of every `sharedEvery` share one address
  const shared = i % sharedEvery < 2 && sharedShare > 0;
  const n = shared ? Math.floor(i / sharedEvery) : i;
  const fullWidth = shared && i % sharedEvery === 1;
  const street = `${(n % 9) + 1}-${(n % 30) + 1}-${n}`;
  return {
    name: fullWidth ? `顧客　${n}` : `顧客 ${n}${shared ? "" : "号"}`,
    prefecture: prefectures[n % prefectures.length],
    city: "中央区",
    address1: fullWidth
      ? `本町${street.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))).replaceAll("-", "－")}`
      : `本町${street}`,
    postalCode: "100-0001",
  };
}

function order(i: number) {
  const address = recipient(i);
  return {
    orderCode: `BENCH-${String(i).padStart(7, "0")}`,
    orderedAt: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
    buyer: { ...address, email: `c${i}@example.jp` },
    deliveryAddresses: [address],
    deliveryMethod: "takkyubin",
    paymentMethod: "credit_card",
    lines: [{ itemCode: `SKU-${i % 50}`, name: "商品", quantity: 1, unitPrice: 1000, taxRate: 10 }],
    amounts: { subtotal: 1000, total: 1100 },
  };
}

const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function main(): Promise<void> {
  const url = process.env.KURA_BENCH_DATABASE_URL;
  const database = await openDatabase(url ? { url } : {});
  await migrateDatabase(database);
  const { db } = database;
  const { organization } = await createOrganization(db, { name: "Bench bundling" });
  const orgId = organization.id;
  await createWarehouse(db, orgId, { code: "WH1", name: "倉庫" });
  const store = await createStore(db, orgId, { channel: "test", name: "ベンチ店", warehouseCode: "WH1" });
  await createPaymentMethod(db, orgId, { code: "credit_card", name: "クレジットカード" });
  await createDeliveryService(db, orgId, { code: "yamato", carrier: "ヤマト運輸", serviceName: "宅急便" });
  await createDeliveryMethod(db, orgId, { code: "takkyubin", name: "宅急便", deliveryServiceCode: "yamato" });
  for (let p = 0; p < 50; p++) {
    await upsertProduct(db, orgId, { code: `SKU-${p}`, name: `商品 ${p}` });
    await receiveStock(db, {
      organizationId: orgId,
      productCode: `SKU-${p}`,
      warehouseCode: "WH1",
      quantity: total,
      actor: "bench",
    });
  }

  const samples: Array<{ orders: number; rssMiB: number; ordersPerSecond: number }> = [];
  let peakRss = process.memoryUsage().rss;
  const started = performance.now();
  let windowStart = started;
  for (let i = 0; i < total; i++) {
    await registerOrder(db, { organizationId: orgId, storeId: store.id, order: order(i), actor: "bench" });
    if ((i + 1) % sampleEvery === 0) {
      const rss = process.memoryUsage().rss;
      peakRss = Math.max(peakRss, rss);
      const now = performance.now();
      samples.push({
        orders: i + 1,
        rssMiB: mib(rss),
        ordersPerSecond: Math.round((sampleEvery / (now - windowStart)) * 1000),
      });
      windowStart = now;
      process.stderr.write(`  ${i + 1} orders, RSS ${mib(rss)} MiB\n`);
    }
  }
  const elapsedMs = performance.now() - started;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const [candidates] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(bundleCandidates)
    .where(and(eq(bundleCandidates.organizationId, orgId), eq(bundleCandidates.status, "open")));
  const plan = await queryRows<{ "QUERY PLAN": string }>(
    db,
    sql`EXPLAIN SELECT id FROM orders WHERE organization_id = ${orgId} AND delivery_key = 'x' AND cancelled_at IS NULL AND shipped_at IS NULL`,
  );

  const result = {
    database: database.kind === "pglite" ? "PGlite (in memory)" : "PostgreSQL server",
    machine: `${cpus().length} vCPU, ${mib(totalmem())} MiB, Node ${process.version}`,
    orders: total,
    sharingAnAddress: `${Math.round(sharedShare * 100)}%`,
    expectedCandidates: Math.floor(total * sharedShare) / 2,
    candidates: candidates?.n ?? 0,
    seconds: Math.round(elapsedMs) / 1000,
    ordersPerSecond: Math.round((total / elapsedMs) * 1000),
    bundlingLookups: bundlingStats.lookups,
    bundlingSeconds: Math.round(bundlingStats.milliseconds) / 1000,
    bundlingShareOfTime: `${((bundlingStats.milliseconds / elapsedMs) * 100).toFixed(1)}%`,
    bundlingMsPerOrder:
      Math.round((bundlingStats.milliseconds / Math.max(1, bundlingStats.lookups)) * 1000) / 1000,
    peakRssMiB: mib(peakRss),
    rssSamples: samples.map((s) => `${s.orders}:${s.rssMiB}MiB@${s.ordersPerSecond}/s`).join(" "),
    lookupPlan: plan.map((row) => row["QUERY PLAN"]).join(" | "),
  };
  console.log(JSON.stringify(result, null, 2));
  await database.close();
}

await main();
