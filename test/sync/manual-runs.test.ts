// "Run now" is an operator's request, kept on the store function until a run answers it: it is honoured
// when the job that runs it was queued for another reason (a schedule, an event), also while the function
// is paused, and it waits for a run already in progress instead of being swallowed by it.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { type EngineOptions, runStoreFunction } from "../../src/jobs/engine.ts";
import { beginRun } from "../../src/jobs/run-history.ts";
import { getStoreFunction } from "../../src/jobs/store-functions.ts";
import { requestRun } from "../../src/operations/sync-admin.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { givenChannelStore, pauseStore, runsOf, secretBox } from "./support.ts";

let testDb: TestDatabase;
let db: Db;
let options: EngineOptions;
const staleAfterMs = 60_000;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.database.db;
  options = { database: testDb.database, secretBox, log: pino({ level: "silent" }) };
});
afterAll(async () => {
  await testDb?.[Symbol.asyncDispose]();
});

/** A store whose functions are all paused and that no engine works on: the test runs its jobs by hand. */
async function pausedStore() {
  const store = await givenChannelStore(db);
  await pauseStore(db, store.storeId);
  return store;
}

describe("run now", () => {
  it("runs a paused function as a manual run although the job that runs it was queued by the schedule", async () => {
    const { sim, orgId, storeId } = await pausedStore();
    await requestRun(db, orgId, storeId, "orders.import", "user:1");

    await runStoreFunction(
      options,
      { organizationId: orgId, storeId, trigger: "schedule" },
      "orders.import",
      1,
      staleAfterMs,
    );

    const runs = await runsOf(db, storeId, "orders.import");
    expect(runs.map((r) => [r.trigger, r.outcome])).toEqual([["manual", "succeeded"]]);
    expect((await getStoreFunction(db, storeId, "orders.import"))?.runRequestedAt).toBeNull();
    await sim.close();
  });

  it("is answered once: the next scheduled job of the paused function runs nothing", async () => {
    const { sim, orgId, storeId } = await pausedStore();
    await requestRun(db, orgId, storeId, "orders.import", "user:1");
    const job = { organizationId: orgId, storeId, trigger: "schedule" as const };

    await runStoreFunction(options, job, "orders.import", 1, staleAfterMs);
    await runStoreFunction(options, job, "orders.import", 1, staleAfterMs);

    expect(await runsOf(db, storeId, "orders.import")).toHaveLength(1);
    await sim.close();
  });

  it("waits for a run in progress and asks to be run again after it, instead of being covered by it", async () => {
    const { sim, orgId, storeId } = await pausedStore();
    const key = { organizationId: orgId, storeId, fn: "orders.import" as const };
    const inProgress = await beginRun(db, key, "event", { staleAfterMs });
    await requestRun(db, orgId, storeId, "orders.import", "user:1");

    const followUpMs = await runStoreFunction(
      options,
      { organizationId: orgId, storeId, trigger: "manual" },
      "orders.import",
      1,
      staleAfterMs,
    );

    expect(inProgress).not.toBeNull();
    expect(followUpMs).toBeGreaterThan(0);
    expect((await runsOf(db, storeId, "orders.import")).map((r) => r.id)).toEqual([inProgress]);
    expect((await getStoreFunction(db, storeId, "orders.import"))?.runRequestedAt).not.toBeNull();
    await sim.close();
  });
});
