// Run history of store functions, and the guarantee that one store × function never runs twice at once
// (a unique index on running runs; a run whose worker died is abandoned once its heartbeat is stale).
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { type Db, inTransaction, pgErrorCode } from "../db/connection.ts";
import { storeFunctions, syncRuns } from "../db/schema.ts";
import type { SyncFunction } from "../domain/statuses.ts";

export type RunTrigger = "schedule" | "manual" | "event";

export interface RunCounts {
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  held: number;
  pushed: number;
  skipped: number;
  failed: number;
}

export const emptyCounts = (): RunCounts => ({
  fetched: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  held: 0,
  pushed: 0,
  skipped: 0,
  failed: 0,
});

export type RunError = {
  message: string;
  /** The channel's own words, when the channel said something. */
  channelMessage?: string;
  kind?: string;
  item?: string;
  at: string;
};

const maxErrorsKept = 20;

export interface RunKey {
  organizationId: number;
  storeId: number;
  fn: SyncFunction;
}

/**
 * Starts a run, or returns null when one of this store × function is already running. A running run
 * whose heartbeat is older than `staleAfterMs` belonged to a worker that died: it is marked abandoned.
 */
export async function beginRun(
  db: Db,
  key: RunKey,
  trigger: RunTrigger,
  options: { attempt?: number; staleAfterMs: number },
): Promise<number | null> {
  await db
    .update(syncRuns)
    .set({ outcome: "abandoned", finishedAt: sql`now()` })
    .where(
      and(
        eq(syncRuns.storeId, key.storeId),
        eq(syncRuns.function, key.fn),
        eq(syncRuns.outcome, "running"),
        lt(syncRuns.heartbeatAt, sql`now() - make_interval(secs => ${options.staleAfterMs / 1000})`),
      ),
    );
  try {
    const [run] = await db
      .insert(syncRuns)
      .values({
        organizationId: key.organizationId,
        storeId: key.storeId,
        function: key.fn,
        trigger,
        attempt: options.attempt ?? 1,
      })
      .returning({ id: syncRuns.id });
    return run?.id ?? null;
  } catch (error) {
    if (pgErrorCode(error) === "23505") return null;
    throw error;
  }
}

/** Records progress (counts so far) and proves the worker is alive. */
export async function heartbeat(db: Db, runId: number, counts: RunCounts, errors: RunError[]): Promise<void> {
  await db
    .update(syncRuns)
    .set({ counts: { ...counts }, errors: errors.slice(0, maxErrorsKept), heartbeatAt: sql`now()` })
    .where(eq(syncRuns.id, runId));
}

export async function finishRun(
  db: Db,
  key: RunKey,
  runId: number,
  result: { outcome: "succeeded" | "failed"; counts: RunCounts; errors: RunError[]; failingReason?: string },
): Promise<void> {
  // One transaction: a failed run is never seen without the reason its function is failing.
  await inTransaction(db, async (tx) => {
    await tx
      .update(syncRuns)
      .set({
        outcome: result.outcome,
        counts: { ...result.counts },
        errors: result.errors.slice(0, maxErrorsKept),
        finishedAt: sql`now()`,
        heartbeatAt: sql`now()`,
      })
      // A run another worker declared abandoned stays so: its history must not claim it finished alone.
      .where(and(eq(syncRuns.id, runId), eq(syncRuns.outcome, "running")));
    if (result.failingReason) {
      await tx
        .update(storeFunctions)
        .set({
          failingReason: result.failingReason,
          failingSince: sql`coalesce(${storeFunctions.failingSince}, now())`,
          updatedAt: sql`now()`,
        })
        .where(and(eq(storeFunctions.storeId, key.storeId), eq(storeFunctions.function, key.fn)));
    } else if (result.outcome === "succeeded") {
      await tx
        .update(storeFunctions)
        .set({ failingReason: null, failingSince: null, updatedAt: sql`now()` })
        .where(and(eq(storeFunctions.storeId, key.storeId), eq(storeFunctions.function, key.fn)));
    }
  });
}

export async function listRuns(
  db: Db,
  organizationId: number,
  filter: { storeId?: number; fn?: SyncFunction; limit: number; offset: number },
) {
  const where = and(
    eq(syncRuns.organizationId, organizationId),
    filter.storeId ? eq(syncRuns.storeId, filter.storeId) : undefined,
    filter.fn ? eq(syncRuns.function, filter.fn) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(syncRuns)
      .where(where)
      .orderBy(desc(syncRuns.id))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ count: sql<number>`count(*)::int` }).from(syncRuns).where(where),
  ]);
  return { rows, total: total?.count ?? 0 };
}
