// Each store × function's row: schedule, pause, failing state, cursor. Claiming a due run is one guarded
// UPDATE, so two workers never both start the same scheduled run.
import { and, eq, isNotNull, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "../db/connection.ts";
import { storeFunctions, stores } from "../db/schema.ts";
import { nextRunAt } from "../domain/schedule.ts";
import { type SyncFunction, syncFunctions } from "../domain/statuses.ts";

/** The safety-net schedules a new store starts with; events push changes within seconds in between. */
export const defaultIntervals: Record<SyncFunction, number | null> = {
  "orders.import": 300,
  "shipments.notify": 1200,
  "stock.push": null,
  "stock.resync": 3600,
  "credentials.check": 86_400,
  "products.import": null, // on demand ("run now", or a CSV upload): the product master changes rarely
};

/**
 * Creates the store's function rows that do not exist yet. They are not due until `startSchedules`
 * (when the store's credentials are set): a store without them could only fail.
 */
export async function ensureStoreFunctions(db: Db, store: { id: number; organizationId: number }) {
  await db
    .insert(storeFunctions)
    .values(
      syncFunctions.map((fn) => ({
        organizationId: store.organizationId,
        storeId: store.id,
        function: fn,
        intervalSeconds: defaultIntervals[fn],
        nextRunAt: null,
      })),
    )
    .onConflictDoNothing();
}

/** Makes every scheduled function of the store due now, unless it already has a next run. */
export async function startSchedules(db: Db, storeId: number): Promise<void> {
  await db
    .update(storeFunctions)
    // Milliseconds, as a JS Date holds them: claimDueRuns compares the value it read for equality, and a
    // server's microseconds would never match (the schedules of a new store never ran on PostgreSQL).
    .set({ nextRunAt: sql`date_trunc('milliseconds', now())`, updatedAt: sql`now()` })
    .where(
      and(
        eq(storeFunctions.storeId, storeId),
        isNull(storeFunctions.nextRunAt),
        sql`(${storeFunctions.intervalSeconds} IS NOT NULL OR cardinality(${storeFunctions.timesOfDay}) > 0)`,
      ),
    );
}

export async function ensureAllStoreFunctions(db: Db): Promise<void> {
  for (const store of await db
    .select({ id: stores.id, organizationId: stores.organizationId })
    .from(stores)) {
    await ensureStoreFunctions(db, store);
  }
}

export interface DueRun {
  organizationId: number;
  storeId: number;
  fn: SyncFunction;
}

/** Takes the runs that are due; each is taken by one caller only (optimistic claim on next_run_at). */
export async function claimDueRuns(db: Db, now: Date): Promise<DueRun[]> {
  const due = await db
    .select()
    .from(storeFunctions)
    .where(
      and(
        eq(storeFunctions.paused, false),
        isNotNull(storeFunctions.nextRunAt),
        lte(storeFunctions.nextRunAt, now),
      ),
    )
    .limit(200);
  const claimed: DueRun[] = [];
  for (const row of due) {
    const next = nextRunAt({ intervalSeconds: row.intervalSeconds, timesOfDay: row.timesOfDay }, now);
    const taken = await db
      .update(storeFunctions)
      .set({ nextRunAt: next, updatedAt: sql`now()` })
      .where(
        and(
          eq(storeFunctions.storeId, row.storeId),
          eq(storeFunctions.function, row.function),
          eq(storeFunctions.nextRunAt, row.nextRunAt as Date),
        ),
      )
      .returning({ storeId: storeFunctions.storeId });
    if (taken.length > 0)
      claimed.push({ organizationId: row.organizationId, storeId: row.storeId, fn: row.function });
  }
  return claimed;
}

export async function getStoreFunction(db: Db, storeId: number, fn: SyncFunction) {
  const [row] = await db
    .select()
    .from(storeFunctions)
    .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, fn)));
  return row;
}

export async function saveCursor(
  db: Db,
  storeId: number,
  fn: SyncFunction,
  cursor: Record<string, unknown> | null,
) {
  await db
    .update(storeFunctions)
    .set({ cursor, updatedAt: sql`now()` })
    .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, fn)));
}

/** Records an operator's "run now": the next run of this store × function is a manual one, paused or not. */
export async function requestManualRun(db: Db, storeId: number, fn: SyncFunction): Promise<void> {
  await db
    .update(storeFunctions)
    // Milliseconds, as a JavaScript Date holds it: the run that answers compares the time it read back.
    .set({ runRequestedAt: sql`date_trunc('milliseconds', now())` })
    .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, fn)));
}

/**
 * A manual run has begun: the requests made up to `requestedAt` are answered by it. One made since (while it
 * was starting) stays, and runs once more after it.
 */
export async function answerManualRequests(
  db: Db,
  storeId: number,
  fn: SyncFunction,
  requestedAt: Date,
): Promise<void> {
  await db
    .update(storeFunctions)
    .set({ runRequestedAt: null })
    .where(
      and(
        eq(storeFunctions.storeId, storeId),
        eq(storeFunctions.function, fn),
        lte(storeFunctions.runRequestedAt, requestedAt),
      ),
    );
}
