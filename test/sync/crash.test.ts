// A `kura worker` process killed in the middle of an order import: another worker takes the job over once
// it expires, abandons the dead run and resumes at the saved cursor, and every channel order arrives once.
// Server only: two processes share the database.
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { startTestChannel } from "../../simulators/test-channel/server.ts";
import type { Db } from "../../src/db/connection.ts";
import { orders, storeFunctions } from "../../src/db/schema.ts";
import { SecretBox } from "../../src/lib/secrets.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import { createTestDatabase, onServer } from "../support/database.ts";
import { eventually, givenChannelStore, recentOrders, runsOf } from "./support.ts";
import { startWorkerProcess, type WorkerProcess } from "./worker-process.ts";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

function startWorker(env: NodeJS.ProcessEnv): WorkerProcess {
  const worker = startWorkerProcess(env);
  cleanups.push(worker.kill);
  return worker;
}

const orderCodes = async (db: Db, storeId: number) =>
  (await db.select({ code: orders.orderCode }).from(orders).where(eq(orders.storeId, storeId))).map(
    (o) => o.code,
  );

describe.runIf(onServer)("a worker process killed during an order import", () => {
  it("is taken over by another worker, which resumes at the cursor and imports every order once", async () => {
    const testDb = await createTestDatabase();
    cleanups.push(async () => await testDb[Symbol.asyncDispose]());
    const db = testDb.database.db;
    const sim = await startTestChannel();
    cleanups.push(() => sim.close());
    const { orgId, storeId } = await givenChannelStore(db, sim);
    const key = randomBytes(32).toString("base64url");
    await setStoreCredentials(db, new SecretBox(key), orgId, storeId, { values: { apiKey: sim.apiKey } });
    // 8 pages. Registering an order takes 20-40 ms here (2 cores), so the import lasts 15-30 s and the kill
    // comes after 2 pages. (3,000 orders take over a minute: too long with the 15-30 s wait for the retry.)
    const seeded = sim.seedOrders(recentOrders(800, 31)).map((o) => o.order_no);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: testDb.url,
      KURA_SECRET_KEY: key,
      KURA_RUN_STALE_SECONDS: "2",
      KURA_JOB_EXPIRE_SECONDS: "3",
      KURA_LOG_LEVEL: "warn",
    };

    const first = startWorker(env);
    await first.ready;
    await db
      .update(storeFunctions)
      .set({ nextRunAt: new Date() })
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, "orders.import")));
    const importedBeforeKill = await eventually(async () => {
      const count = (await orderCodes(db, storeId)).length;
      return count >= 200 && count;
    }, 30_000);
    await first.kill();
    const leftByTheCrash = (await orderCodes(db, storeId)).length;
    expect(importedBeforeKill).toBeLessThan(seeded.length); // the kill really came mid-import
    expect(leftByTheCrash).toBeLessThan(seeded.length);
    expect((await runsOf(db, storeId, "orders.import")).map((r) => r.outcome)).toEqual(["running"]);

    const second = startWorker(env);
    await second.ready;
    const resumed = await eventually(async () => {
      const runs = await runsOf(db, storeId, "orders.import");
      return runs.find((r) => r.outcome === "succeeded");
    }, 60_000);

    const codes = await orderCodes(db, storeId);
    expect(codes).toHaveLength(seeded.length);
    expect(new Set(codes)).toEqual(new Set(seeded));
    // The killed run, then the one that took over (a later retry of the expired job may follow it).
    const [killed, takeover] = (await runsOf(db, storeId, "orders.import")).reverse();
    expect(killed).toMatchObject({ outcome: "abandoned", attempt: 1 });
    expect(takeover).toMatchObject({ id: resumed.id, attempt: 2 }); // the expired job's retry
    // Resumed at the last committed page: it fetched what the killed run had not committed, not all.
    expect(resumed.counts.fetched).toBeGreaterThan(0);
    expect(resumed.counts.fetched).toBeLessThanOrEqual(seeded.length - leftByTheCrash + 100);
    expect(resumed.counts.created).toBe(seeded.length - leftByTheCrash);
  }, 90_000);
});
