// Opens the database: embedded PGlite (default, data in a folder) or a PostgreSQL server (DATABASE_URL).
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { type SQL, sql } from "drizzle-orm";
import { drizzle as drizzlePostgres } from "drizzle-orm/node-postgres";
import { migrate as migratePostgres } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import * as schema from "./schema.ts";

export type Schema = typeof schema;
/** A handle to run queries on: the database itself or a transaction (which is one too). */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type Database =
  | { kind: "pglite"; db: Db; pglite: PGlite; close(): Promise<void> }
  | { kind: "postgres"; db: Db; pool: pg.Pool; url: string; close(): Promise<void> };

export interface DatabaseOptions {
  /** postgres://… for a server; otherwise PGlite is used. */
  url?: string;
  /** PGlite data folder; omitted means in memory. */
  dataDir?: string;
  /** Connections in the pool (server only). */
  poolSize?: number;
  /** Told when the server closes an idle pooled connection (server only); the pool recovers by itself. */
  onIdleConnectionError?: (error: Error) => void;
  /** PGlite only: start from this dump (`dumpDataDir`) instead of an empty cluster; tests use it. */
  pgliteDump?: Blob;
}

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

// PostgreSQL returns bigint (int8) and numeric as strings by default; our ids fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle connection the server closes (restart, failover, admin) must not crash the process: the
    // pool drops it and opens a new one on the next query.
    pool.on("error", (error) => options.onIdleConnectionError?.(error));
    const db = drizzlePostgres(pool, { schema }) as unknown as Db;
    return { kind: "postgres", db, pool, url: options.url, close: () => pool.end() };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = new PGlite(options.dataDir, options.pgliteDump ? { loadDataDir: options.pgliteDump } : {});
  await pglite.waitReady;
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return { kind: "pglite", db, pglite, close: () => pglite.close() };
}

/** Applies pending migrations. On a server an advisory lock keeps two starting processes apart. */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === "pglite") {
    await migratePglite(database.db as never, { migrationsFolder });
    return;
  }
  const client = await database.pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock(7302451)");
    await migratePostgres(drizzlePostgres(client, { schema }), { migrationsFolder });
  } finally {
    await client.query("SELECT pg_advisory_unlock(7302451)").catch(() => {});
    client.release();
  }
}

const retryableCodes = new Set(["40P01", "40001"]); // deadlock detected, serialization failure
const maxTransactionAttempts = 10;

/**
 * Runs `work` in one transaction. A deadlock or serialization failure rolls it back and runs it again
 * (up to ten times), so callers see either a committed result or a real error.
 */
export async function inTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => work(tx as unknown as Db));
    } catch (error) {
      const code = pgErrorCode(error);
      if (!code || !retryableCodes.has(code) || attempt >= maxTransactionAttempts) throw error;
      // Exponential back-off with full jitter, so the transactions that collided do not collide again.
      const ceiling = Math.min(1_000, 10 * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}

/** The SQLSTATE of a driver error, looking through drizzle's wrapping. */
export function pgErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** SQLSTATEs of a server that is gone, going or not yet back (admin shutdown, crash, starting up, full). */
const unavailableStates = new Set(["57P01", "57P02", "57P03", "08000", "08001", "08003", "08006", "53300"]);
const unavailableSocketCodes = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);
const unavailableMessages = /Connection terminated|timeout exceeded when trying to connect|not queryable/i;

/**
 * The database cannot be reached right now (restarting, failing over, out of connections), as opposed
 * to a query that failed: callers answer "try again" (HTTP 503) instead of an error of their own.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === "string" && (unavailableStates.has(code) || unavailableSocketCodes.has(code)))
      return true;
    if (typeof message === "string" && unavailableMessages.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export async function ping(db: Db): Promise<void> {
  await db.execute(sql`SELECT 1`);
}

/** Runs raw SQL and returns its rows (both drivers answer with `{ rows }`). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
