// Two `kura worker` processes on one database share the sync jobs of five stores: each scheduled run is
// claimed once, no store × function ever runs twice at once, and every order and stock number arrives once.
// Server only: two processes share the database.
import { randomBytes } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startTestChannel, type TestChannel } from "../../simulators/test-channel/server.ts";
import type { Db } from "../../src/db/connection.ts";
import { orders, storeFunctions, stores, syncRuns } from "../../src/db/schema.ts";
import { loadAvailability, loadChannelItems } from "../../src/jobs/runners/stock-sync.ts";
import { SecretBox } from "../../src/lib/secrets.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";
import { createTestDatabase, onServer } from "../support/database.ts";
import { eventually, givenChannelStore, recentOrders } from "./support.ts";
import { useWorkerProcesses, type WorkerProcess } from "./worker-process.ts";

const processes = useWorkerProcesses();
const { cleanups } = processes;

/** A worker, and the stores it called the channel for (from its debug log of channel calls). */
function startWorker(env: NodeJS.ProcessEnv): WorkerProcess & { storesCalled: Set<number> } {
  const storesCalled = new Set<number>();
  const worker = processes.startWorker(env, (entry) => {
    if (entry.msg === "channel call" && typeof entry.storeId === "number") storesCalled.add(entry.storeId);
  });
  return { ...worker, storesCalled };
}

interface Shop {
  orgId: number;
  storeId: number;
  sim: TestChannel;
  seeded: string[];
}

/** The channel holds what Kura has available for every item it sells with a stock number. */
async function channelHoldsKuraStock(db: Db, shop: Shop): Promise<boolean> {
  const [store] = await db.select().from(stores).where(eq(stores.id, shop.storeId));
  if (!store) return false;
  const items = (await loadChannelItems(db, shop.storeId)).filter((i) => !i.unlimitedStock);
  const available = await loadAvailability(db, store, items);
  return items.every((item) => {
    const productId = item.components[0]?.productId as number;
    return shop.sim.stockOf(item.itemCode, item.optionCode || null)?.quantity === available.get(productId);
  });
}

describe.runIf(onServer)("two worker processes on one database", () => {
  it("share the stores' jobs and never run one store × function twice at once", async () => {
    const testDb = await createTestDatabase();
    cleanups.push(async () => await testDb[Symbol.asyncDispose]());
    const db = testDb.database.db;
    const key = randomBytes(32).toString("base64url");
    const shops: Shop[] = [];
    for (let i = 0; i < 5; i++) {
      // A generous rate limit: several runs of one store may call its channel at once; 429s are not the point.
      const sim = await startTestChannel({ requestsPerSecond: 100 });
      cleanups.push(() => sim.close());
      const { orgId, storeId } = await givenChannelStore(db, sim);
      await setStoreCredentials(db, new SecretBox(key), orgId, storeId, { values: { apiKey: sim.apiKey } });
      const seeded = sim.seedOrders(recentOrders(150, 40 + i)).map((o) => o.order_no);
      shops.push({ orgId, storeId, sim, seeded });
    }
    const storeIds = shops.map((s) => s.storeId);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: testDb.url,
      KURA_SECRET_KEY: key,
      KURA_LOG_LEVEL: "debug",
    };
    const workers = [startWorker(env), startWorker(env)];
    await Promise.all(workers.map((w) => w.ready));

    // Both workers' schedulers see every import and resync due at once; stock receipts push at once.
    await db
      .update(storeFunctions)
      .set({ nextRunAt: new Date() })
      .where(
        and(
          inArray(storeFunctions.storeId, storeIds),
          inArray(storeFunctions.function, ["orders.import", "stock.resync"]),
        ),
      );
    for (const shop of shops) {
      await receiveStock(db, {
        organizationId: shop.orgId,
        productCode: "TEA-MATCHA-30",
        warehouseCode: "WH1",
        quantity: 3,
        actor: "test",
      });
    }
    // Every order in, every channel holding Kura's numbers, no run left going; or 60 s, and the checks
    // below say what is wrong.
    await eventually(async () => {
      for (const shop of shops) {
        const imported = await db.select().from(orders).where(eq(orders.storeId, shop.storeId));
        if (imported.length < shop.seeded.length || !(await channelHoldsKuraStock(db, shop))) return false;
      }
      const running = await db.select().from(syncRuns).where(eq(syncRuns.outcome, "running"));
      return running.length === 0;
    }, 60_000).catch(() => {});

    const runs = await db.select().from(syncRuns).where(inArray(syncRuns.storeId, storeIds));
    // One store × function at a time: each run starts after the previous one of its pair finished.
    const pairs = new Set(runs.map((r) => `${r.storeId}:${r.function}`));
    for (const pair of pairs) {
      const ordered = runs
        .filter((r) => `${r.storeId}:${r.function}` === pair)
        .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
      for (let i = 1; i < ordered.length; i++) {
        const previousEnd = ordered[i - 1]?.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY;
        expect(ordered[i]?.startedAt.getTime(), `${pair} run ${ordered[i]?.id}`).toBeGreaterThanOrEqual(
          previousEnd,
        );
      }
    }
    expect(runs.filter((r) => r.outcome !== "succeeded")).toEqual([]);
    for (const shop of shops) {
      const codes = await db
        .select({ code: orders.orderCode })
        .from(orders)
        .where(eq(orders.storeId, shop.storeId));
      expect(new Set(codes.map((c) => c.code))).toEqual(new Set(shop.seeded));
      expect(codes).toHaveLength(shop.seeded.length);
      // Each due run claimed by one worker only: one import and one resync per store, nothing created twice.
      const imports = runs.filter((r) => r.storeId === shop.storeId && r.function === "orders.import");
      expect(imports).toHaveLength(1);
      expect(imports[0]?.counts.created).toBe(shop.seeded.length);
      const resyncs = runs.filter((r) => r.storeId === shop.storeId && r.function === "stock.resync");
      expect(resyncs).toHaveLength(1);
      expect(runs.some((r) => r.storeId === shop.storeId && r.function === "stock.push")).toBe(true);
      expect(await channelHoldsKuraStock(db, shop), `store ${shop.storeId}'s channel stock`).toBe(true);
    }
    // Both processes did part of the work.
    for (const worker of workers) expect(worker.storesCalled.size).toBeGreaterThan(0);
  }, 90_000);
});
