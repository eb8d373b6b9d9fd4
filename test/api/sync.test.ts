import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { storeCredentials } from "../../src/db/schema.ts";
import type { SyncEngine } from "../../src/jobs/engine.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { eventually, givenChannelStore, pauseStore, secretBox, startEngine } from "../sync/support.ts";
import { type Api, startApi } from "./support.ts";

let testDb: TestDatabase;
let db: Db;
let api: Api;
let engine: SyncEngine;
let store: Awaited<ReturnType<typeof givenChannelStore>>;
let base: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.database.db;
  engine = await startEngine(testDb.database);
  api = await startApi(testDb.database, { secretBox });
  store = await givenChannelStore(db);
  base = `/api/v1/merchant/${store.orgId}/stores/${store.storeId}`;
  await eventually(async () => store.sim.stockOf("TEA-SENCHA-100")); // the store's first push is done
});
afterAll(async () => {
  await pauseStore(db, store.storeId);
  await store.sim.close();
  await api.close();
  await engine.stop();
  await testDb[Symbol.asyncDispose]();
});

describe("the sync API", () => {
  it("keeps credentials sealed: the answer and the database never hold them in clear", async () => {
    const put = await api.call("PUT", `${base}/credentials`, {
      token: store.token,
      body: {
        values: { licenseKey: "SL123456_abcdefghijkl" },
        expiresAt: new Date(Date.now() + 5 * 86_400_000),
      },
    });

    expect(put.status).toBe(200);
    const listed = (await api.call("GET", `${base}/credentials`, { token: store.token })).body.data;
    expect(listed).toContainEqual(
      expect.objectContaining({ name: "licenseKey", masked: "****ijkl", expiresSoon: true }),
    );
    expect(JSON.stringify(listed)).not.toContain("SL123456");
    const rows = await db.select().from(storeCredentials).where(eq(storeCredentials.storeId, store.storeId));
    expect(JSON.stringify(rows)).not.toContain("SL123456");
  });

  it("lists every function with its schedule, and changes one with the reason for a bad value", async () => {
    const functions = (await api.call("GET", `${base}/functions`, { token: store.token })).body.data;
    expect(functions.map((f: { function: string }) => f.function)).toEqual([
      "orders.import",
      "shipments.notify",
      "stock.push",
      "stock.resync",
      "credentials.check",
      "products.import",
    ]);

    const bad = await api.call("PATCH", `${base}/functions/orders.import`, {
      token: store.token,
      body: { timesOfDay: ["25:00"] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("timesOfDay[0]");

    const good = await api.call("PATCH", `${base}/functions/stock.resync`, {
      token: store.token,
      body: { intervalSeconds: null, timesOfDay: ["03:00"], paused: true },
    });
    expect(good.body).toMatchObject({ paused: true, intervalSeconds: null, timesOfDay: ["03:00"] });
  });

  it("runs a function on request and shows the run in the history", async () => {
    store.sim.seedOrders({
      count: 2,
      seed: 21,
      status: "ready",
      from: new Date(Date.now() - 60_000),
      to: new Date(),
    });

    const run = await api.call("POST", `${base}/functions/orders.import/run`, { token: store.token });
    expect(run.status).toBe(202);

    const history = await eventually(async () => {
      const answer = await api.call("GET", `/api/v1/merchant/${store.orgId}/runs?function=orders.import`, {
        token: store.token,
      });
      const manual = answer.body.data.find(
        (r: { outcome: string; trigger: string }) => r.trigger === "manual" && r.outcome === "succeeded",
      );
      return manual && { manual, page: answer.body };
    });
    // A scheduled import may have met the two orders first; the manual run then finds them unchanged.
    const { counts } = history.manual as { counts: Record<string, number> };
    expect(counts).toMatchObject({ fetched: 2, failed: 0 });
    expect((counts.created ?? 0) + (counts.unchanged ?? 0)).toBe(2);
    expect(history.page).toMatchObject({ current_page: 1, limit: 20 });
  });

  it("says why an item does not sync, and what a synced item last got", async () => {
    const diagnose = async (itemCode: string, optionCode = "") =>
      (
        await api.call(
          "GET",
          `${base}/items/diagnosis?itemCode=${encodeURIComponent(itemCode)}&optionCode=${optionCode}`,
          { token: store.token },
        )
      ).body;

    const synced = await diagnose("TEA-SENCHA-100");
    expect(synced).toMatchObject({ syncs: true, quantityNow: 500, lastPushed: { quantity: 500 } });
    expect(await diagnose("GIFT-CARD")).toMatchObject({
      syncs: false,
      reasons: [{ code: "unlimited_stock" }],
    });
    const unknown = await diagnose("お茶 セット");
    expect(unknown.syncs).toBe(false);
    expect(unknown.reasons.map((r: { code: string }) => r.code)).toEqual([
      "forbidden_characters",
      "no_correspondence",
    ]);

    await api.call("PATCH", base, { token: store.token, body: { itemCap: 2 } });
    expect(await diagnose("CUP-YUNOMI", "AO")).toMatchObject({
      syncs: false,
      reasons: [{ code: "over_item_cap" }],
    });
    const overCap = (await api.call("GET", `${base}/items/over-cap`, { token: store.token })).body.data;
    expect(overCap.map((i: { itemCode: string }) => i.itemCode)).toContain("TENUGUI");

    await api.call("PATCH", base, { token: store.token, body: { itemCap: null, status: "closed" } });
    expect(await diagnose("TEA-SENCHA-100")).toMatchObject({
      syncs: false,
      reasons: [{ code: "store_closed" }],
    });
  });
});
