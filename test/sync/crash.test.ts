// A `kura worker` process killed in the middle of an order import: another worker takes the job over once
// it expires, abandons the dead run and resumes at the saved cursor, and every channel order arrives once.
// Server only: two processes share the database.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { orders, storeFunctions } from "../../src/db/schema.ts";
import { onServer } from "../support/database.ts";
import { eventually, recentOrders, runsOf } from "./support.ts";
import { useWorkerProcesses } from "./worker-process.ts";

const { startWorker, givenWorkerStore } = useWorkerProcesses();

const orderCodes = async (db: Db, storeId: number) =>
  (await db.select({ code: orders.orderCode }).from(orders).where(eq(orders.storeId, storeId))).map(
    (o) => o.code,
  );

describe.runIf(onServer)("a worker process killed during an order import", () => {
  it("is taken over by another worker, which resumes at the cursor and imports every order once", async () => {
    const { db, sim, env, storeId } = await givenWorkerStore();
    // 6 pages. Registering an order takes 10-40 ms here (2 cores), so the import lasts 6-24 s and the kill
    // comes after 2 pages. The takeover waits for the job to expire (3 s), to be found so (within a second),
    // and for its retry (15-30 s, pg-boss's back-off), then imports the other ~400.
    const seeded = sim.seedOrders(recentOrders(600, 31)).map((o) => o.order_no);

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
