// A `kura worker` process killed in the middle of an order import: another worker takes the job over once
// it expires, abandons the dead run and resumes at the saved cursor, and every channel order arrives once.
// Server only: two processes share the database.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { startTestChannel } from "../../simulators/test-channel/server.ts";
import type { Db } from "../../src/db/connection.ts";
import { orders, storeFunctions } from "../../src/db/schema.ts";
import { SecretBox } from "../../src/lib/secrets.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import { createTestDatabase, onServer } from "../support/database.ts";
import { eventually, givenChannelStore, recentOrders, runsOf } from "./support.ts";

const cli = join(import.meta.dirname, "../../src/cli.ts");
const tsx = join(import.meta.dirname, "../../node_modules/.bin/tsx");

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

interface WorkerProcess {
  /** Resolves once the worker says it is running. */
  ready: Promise<void>;
  /** SIGKILL: no cleanup, no graceful stop, as a crash or an OOM kill would leave things. */
  kill(): Promise<void>;
}

function startWorker(env: NodeJS.ProcessEnv): WorkerProcess {
  // tsx runs the program in a child node process: a group of its own lets one signal reach both.
  const child: ChildProcess = spawn(tsx, [cli, "worker"], { env, detached: true, stdio: "pipe" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (data) => {
      output += data;
      if (output.includes("Kura worker is running")) resolve();
    });
    child.stderr?.on("data", (data) => (output += data));
    child.once("exit", (code, signal) => reject(new Error(`worker exited (${code ?? signal}): ${output}`)));
  });
  ready.catch(() => {}); // a kill before it was ready is not a failure by itself
  const kill = async () => {
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {
      // the group is gone already
    }
    await exited;
  };
  cleanups.push(kill);
  return { ready, kill };
}

const orderCodes = async (db: Db, storeId: number) =>
  (await db.select({ code: orders.orderCode }).from(orders).where(eq(orders.storeId, storeId))).map(
    (o) => o.code,
  );

describe.runIf(onServer)("a worker process killed during an order import", () => {
  it("is taken over by another worker, which resumes at the cursor and imports every order once", async () => {
    const testDb = await createTestDatabase();
    cleanups.push(() => testDb[Symbol.asyncDispose]());
    const db = testDb.database.db;
    // 3 pages a second (the connector paces at 10): the 30 pages of the import take at least 10 s.
    const sim = await startTestChannel({ requestsPerSecond: 3 });
    cleanups.push(() => sim.close());
    const { orgId, storeId } = await givenChannelStore(db, sim);
    const key = randomBytes(32).toString("base64url");
    await setStoreCredentials(db, new SecretBox(key), orgId, storeId, { values: { apiKey: sim.apiKey } });
    const seeded = sim.seedOrders(recentOrders(3000, 31)).map((o) => o.order_no);
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

    const second = startWorker(env);
    await second.ready;
    const resumed = await eventually(async () => {
      const runs = await runsOf(db, storeId, "orders.import");
      return runs.find((r) => r.outcome === "succeeded");
    }, 75_000);

    const codes = await orderCodes(db, storeId);
    expect(codes).toHaveLength(seeded.length);
    expect(new Set(codes)).toEqual(new Set(seeded));
    const runs = (await runsOf(db, storeId, "orders.import")).reverse();
    expect(runs.map((r) => r.outcome)).toEqual(["abandoned", "succeeded"]);
    expect(runs[1]?.id).toBe(resumed.id);
    // Resumed at the last committed page: it fetched what the killed run had not committed, not all.
    expect(resumed.counts.fetched).toBeGreaterThan(0);
    expect(resumed.counts.fetched).toBeLessThanOrEqual(seeded.length - leftByTheCrash + 100);
    expect(resumed.counts.created).toBe(seeded.length - leftByTheCrash);
  }, 120_000);
});
