// A channel that misbehaves in the middle of a run: connections dropped, success answers with malformed
// JSON, the API key lapsing between two pages. Nothing is lost, nothing is imported twice, and the
// operator reads why the run failed.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { orders, storeFunctions } from "../../src/db/schema.ts";
import type { SyncEngine } from "../../src/jobs/engine.ts";
import {
  eventually,
  givenChannelStore,
  quietStore,
  recentOrders,
  runsOf,
  triggerUntil,
  useEngine,
} from "../sync/support.ts";

let db: Db;
let engine: SyncEngine;
const afterTest = useEngine((env) => ({ db, engine } = env));

async function channelStore() {
  const store = afterTest.release(await givenChannelStore(db));
  await quietStore(db, store.storeId); // only the runs each test triggers
  return store;
}

const codesOf = async (storeId: number) =>
  (await db.select({ code: orders.orderCode }).from(orders).where(eq(orders.storeId, storeId))).map(
    (o) => o.code,
  );

describe("a channel misbehaving mid-run", () => {
  it("imports every order once although it drops connections and answers malformed JSON", async () => {
    const { sim, storeId } = await channelStore();
    const seeded = sim.seedOrders(recentOrders(150, 41)).map((o) => o.order_no);
    sim.injectFaults({ kind: "drop" }, 1, "/orders");
    sim.injectFaults({ kind: "malformed" }, 1, "/orders");

    const run = await triggerUntil({ db, engine }, storeId, "orders.import", "succeeded", 60_000);

    const codes = await codesOf(storeId);
    expect(codes).toHaveLength(seeded.length);
    expect(new Set(codes)).toEqual(new Set(seeded));
    expect(run.errors.map((e) => e.message).join("\n")).toMatch(/malformed JSON/);
  }, 90_000);

  it("keeps the pages imported before the API key lapsed, says why it stopped, and finishes once it is renewed", async () => {
    const { sim, storeId } = await channelStore();
    const seeded = sim.seedOrders(recentOrders(300, 42)).map((o) => o.order_no);
    sim.expireApiKeyAfter(2, "/orders"); // two pages, then 401 expired_api_key (stock pushes don't count)

    const failed = await triggerUntil({ db, engine }, storeId, "orders.import", "failed", 60_000);
    const kept = await codesOf(storeId);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(seeded.length);
    const [fn] = await db
      .select()
      .from(storeFunctions)
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, "orders.import")));
    expect(fn?.failingReason).toMatch(/APIキーの有効期限が切れています/);
    expect(failed.attempt).toBe(1); // an auth failure is not retried: it waits for the merchant

    sim.renewApiKey();
    await engine.trigger(storeId, "orders.import");
    await eventually(async () => {
      const runs = await runsOf(db, storeId, "orders.import");
      return runs[0]?.id !== failed.id && runs[0]?.outcome === "succeeded";
    }, 60_000);

    const codes = await codesOf(storeId);
    expect(codes).toHaveLength(seeded.length);
    expect(new Set(codes)).toEqual(new Set(seeded));
    const [after] = await db
      .select()
      .from(storeFunctions)
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, "orders.import")));
    expect(after?.failingReason).toBeNull();
  }, 120_000);
});
