// OAuth2 stores: the engine renews the access token before a run needs it and keeps the rotated refresh token;
// a refused renewal stops the function with the channel's reason; the daily check renews what expires in a day.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startTestChannel, type TestChannel } from "../../simulators/test-channel/server.ts";
import type { Db } from "../../src/db/connection.ts";
import { storeCredentials, storeFunctions } from "../../src/db/schema.ts";
import type { SyncFunction } from "../../src/domain/statuses.ts";
import type { SyncEngine } from "../../src/jobs/engine.ts";
import { openStoreSecrets, setStoreCredentials } from "../../src/operations/credentials.ts";
import { eventually, givenChannelStore, recentOrders, runsOf, secretBox, useEngine } from "./support.ts";

let db: Db;
let engine: SyncEngine;
// No scheduler ticks: a store's functions fall due when it first gets credentials, and a scheduled run
// starting while a test swaps the store's credentials would race it. Each test triggers what it means to test.
const afterTest = useEngine((env) => ({ db, engine } = env), { tickMs: 3_600_000 });

/**
 * A store connected to an OAuth2 simulator with a freshly authorized token pair. `passTime` moves the
 * simulator's clock on, so a token expires without the test waiting for it.
 */
async function oauthStore(accessTokenTtlSeconds: number) {
  let skewMs = 0;
  const sim = await startTestChannel({
    oauth: { accessTokenTtlSeconds },
    now: () => new Date(Date.now() + skewMs),
  });
  const store = afterTest.release(await givenChannelStore(db, sim));
  await db.delete(storeCredentials).where(eq(storeCredentials.storeId, store.storeId));
  const { expiresAt, expiresIn: _, ...tokens } = sim.issueTokens();
  await setStoreCredentials(db, secretBox, store.orgId, store.storeId, { values: tokens, expiresAt });
  return {
    ...store,
    tokens,
    expiresAt,
    passTime: (ms: number) => {
      skewMs += ms;
    },
  };
}

async function storedRow(storeId: number, name: string) {
  const [row] = await db
    .select()
    .from(storeCredentials)
    .where(and(eq(storeCredentials.storeId, storeId), eq(storeCredentials.name, name)));
  if (!row) throw new Error(`store ${storeId} has no ${name}`);
  return row;
}

/** Runs a function now and waits for its first run to finish. */
async function runNow(storeId: number, fn: SyncFunction) {
  await engine.trigger(storeId, fn);
  return eventually(async () =>
    (await runsOf(db, storeId, fn)).find((run) => run.outcome === "succeeded" || run.outcome === "failed"),
  );
}

function refreshAtChannel(sim: TestChannel, refreshToken: string, clientId: string, clientSecret: string) {
  return fetch(`${sim.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
}

describe("OAuth2 credentials kept fresh by the sync engine", () => {
  it("renews an expired access token before importing, and stores the rotated pair", async () => {
    const { sim, storeId, tokens, expiresAt, passTime } = await oauthStore(2);
    sim.seedOrders(recentOrders(4, 31));
    const before = await storedRow(storeId, "accessToken");
    passTime(3_000);
    const expired = await fetch(`${sim.url}/shop`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(expired.status).toBe(401);

    const run = await runNow(storeId, "orders.import");

    expect(run).toMatchObject({ outcome: "succeeded", counts: { created: 4 } });
    const after = await storedRow(storeId, "accessToken");
    expect(after.sealedValue).not.toBe(before.sealedValue);
    expect(after.expiresAt?.getTime()).toBeGreaterThan(expiresAt.getTime());
    const secrets = await openStoreSecrets(db, secretBox, storeId);
    expect(secrets.refreshToken).not.toBe(tokens.refreshToken);
    expect(sim.state.refreshTokens.get(secrets.refreshToken as string)?.status).toBe("active");
    const reused = await refreshAtChannel(sim, tokens.refreshToken, tokens.clientId, tokens.clientSecret);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("renews a token that expires within five minutes, and leaves one with an hour left alone", async () => {
    const soon = await oauthStore(240);
    const later = await oauthStore(3600);

    const [soonRun, laterRun] = await Promise.all([
      runNow(soon.storeId, "orders.import"),
      runNow(later.storeId, "orders.import"),
    ]);

    expect([soonRun.outcome, laterRun.outcome]).toEqual(["succeeded", "succeeded"]);
    expect(soon.sim.state.tokenRequestCount).toBe(1);
    expect(later.sim.state.tokenRequestCount).toBe(0);
  });

  it("renews once when two functions of the store start together, and both succeed", async () => {
    const { sim, storeId, orgId, tokens } = await oauthStore(3600);
    sim.seedOrders(recentOrders(2, 32));
    // Stored without an expiry: Kura cannot tell, so the first run renews (and learns it).
    await setStoreCredentials(db, secretBox, orgId, storeId, { values: tokens });

    const runs = await Promise.all([runNow(storeId, "orders.import"), runNow(storeId, "stock.resync")]);

    expect(runs.map((run) => run.outcome)).toEqual(["succeeded", "succeeded"]);
    expect(sim.state.tokenRequestCount).toBe(1);
  });

  it("stops the function with the channel's reason when the refresh token was revoked", async () => {
    const { sim, storeId, passTime } = await oauthStore(2);
    sim.revokeRefreshTokens();
    passTime(3_000);

    const run = await runNow(storeId, "orders.import");

    expect(run).toMatchObject({ outcome: "failed", attempt: 1 });
    expect(run.errors[0]).toMatchObject({ kind: "auth" });
    const [fn] = await db
      .select()
      .from(storeFunctions)
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, "orders.import")));
    expect(fn?.failingReason).toContain("リフレッシュトークンは無効化されています。再度認可してください。");
    expect(fn?.failingReason).toContain("authorize Kura again");
  });
});

describe("the daily credentials check of an OAuth2 store", () => {
  it("renews an access token that expires within a day", async () => {
    const { sim, storeId, tokens } = await oauthStore(12 * 3600);
    const before = await storedRow(storeId, "refreshToken");

    const run = await runNow(storeId, "credentials.check");

    expect(run).toMatchObject({ outcome: "succeeded", counts: { updated: 1 } });
    expect(sim.state.tokenRequestCount).toBe(1);
    expect((await storedRow(storeId, "refreshToken")).sealedValue).not.toBe(before.sealedValue);
    expect((await openStoreSecrets(db, secretBox, storeId)).refreshToken).not.toBe(tokens.refreshToken);
  });

  it("only checks a token with more than a day left", async () => {
    const { sim, storeId } = await oauthStore(2 * 86_400);
    const before = await storedRow(storeId, "accessToken");

    const run = await runNow(storeId, "credentials.check");

    expect(run).toMatchObject({ outcome: "succeeded", counts: { fetched: 1, updated: 0 } });
    expect(sim.state.tokenRequestCount).toBe(0);
    expect((await storedRow(storeId, "accessToken")).sealedValue).toBe(before.sealedValue);
  });
});
