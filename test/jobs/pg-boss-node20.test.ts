// pg-boss 12 declares node >= 22.12; Kura runs on Node 20.19+. This test catches a release that
// really breaks on Node 20, on embedded PGlite (the default) and on the PostgreSQL server.
import { PGlite } from "@electric-sql/pglite";
import { fromPglite, PgBoss } from "pg-boss";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, onServer, type TestDatabase } from "../support/database.ts";

const queue = "kura-smoke";

/** Starts pg-boss, sends one job, works it and returns the finished job as pg-boss records it. */
async function sendAndWorkOneJob(boss: PgBoss) {
  boss.on("error", (error) => {
    throw error;
  });
  await boss.start();
  await boss.createQueue(queue);
  const handled = new Promise<{ storeId: number }>((resolve) => {
    void boss.work<{ storeId: number }>(queue, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
      if (job) resolve(job.data);
      return { imported: 3 };
    });
  });
  const jobId = await boss.send(queue, { storeId: 7 });
  expect(jobId).toBeTruthy();
  expect(await handled).toEqual({ storeId: 7 });
  return waitForState(boss, jobId as string, "completed");
}

async function waitForState(boss: PgBoss, jobId: string, state: string) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const job = await boss.getJobById(queue, jobId);
    if (job?.state === state) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${jobId} did not reach ${state}`);
}

describe(`pg-boss 12 on Node ${process.versions.node}`, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("runs a job to completion on an in-memory PGlite through fromPglite", async () => {
    const pglite = await PGlite.create();
    cleanups.push(() => pglite.close());
    const boss = new PgBoss({ db: fromPglite(pglite), backend: "pglite" });
    cleanups.push(() => boss.stop({ graceful: false, timeout: 1000 }));

    const job = await sendAndWorkOneJob(boss);

    expect(job.output).toEqual({ imported: 3 });
  });

  it.runIf(onServer)("runs a job to completion on the PostgreSQL server", async () => {
    const testDatabase: TestDatabase = await createTestDatabase();
    cleanups.push(async () => testDatabase[Symbol.asyncDispose]());
    const boss = new PgBoss({ connectionString: testDatabase.url as string, max: 3 });
    cleanups.push(() => boss.stop({ graceful: false, timeout: 1000 }));

    const job = await sendAndWorkOneJob(boss);

    expect(job.output).toEqual({ imported: 3 });
  });
});
