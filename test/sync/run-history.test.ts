import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { syncRuns } from "../../src/db/schema.ts";
import { beginRun, emptyCounts, finishRun } from "../../src/jobs/run-history.ts";
import { useTestDatabase } from "../support/database.ts";
import { givenMerchant } from "../support/fixtures.ts";

let db: Db;
useTestDatabase((env) => ({ db } = env));

const outcomeOf = async (id: number) =>
  (await db.select().from(syncRuns).where(eq(syncRuns.id, id)))[0]?.outcome;

describe("run history", () => {
  it("refuses a second run of the same store function while one is running", async () => {
    const m = await givenMerchant(db);
    const key = { organizationId: m.orgId, storeId: m.storeId, fn: "orders.import" as const };

    const first = await beginRun(db, key, "manual", { staleAfterMs: 60_000 });
    const second = await beginRun(db, key, "schedule", { staleAfterMs: 60_000 });
    const other = await beginRun(db, { ...key, fn: "stock.push" }, "event", { staleAfterMs: 60_000 });

    expect(first).not.toBeNull();
    expect(second).toBeNull();
    expect(other).not.toBeNull();
  });

  it("abandons a run whose worker stopped beating, and keeps it abandoned if that worker finishes late", async () => {
    const m = await givenMerchant(db);
    const key = { organizationId: m.orgId, storeId: m.storeId, fn: "orders.import" as const };
    const dead = (await beginRun(db, key, "manual", { staleAfterMs: 60_000 })) as number;
    await db
      .update(syncRuns)
      .set({ heartbeatAt: sql`now() - interval '2 minutes'` })
      .where(eq(syncRuns.id, dead));

    const takeover = await beginRun(db, key, "schedule", { staleAfterMs: 60_000 });
    await finishRun(db, key, dead, { outcome: "succeeded", counts: emptyCounts(), errors: [] });

    expect(takeover).not.toBeNull();
    expect(await outcomeOf(dead)).toBe("abandoned");
    expect(await outcomeOf(takeover as number)).toBe("running");
  });
});
