// A fresh, migrated database for one test file: in-memory PGlite by default, or a new database on the
// PostgreSQL server named by KURA_TEST_DATABASE_URL (cloned from a migrated template, so it is quick).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { type Database, type Db, migrateDatabase, openDatabase } from "../../src/db/connection.ts";

export const serverUrl = process.env.KURA_TEST_DATABASE_URL;
export const onServer = Boolean(serverUrl);

const migrationsDir = fileURLToPath(new URL("../../src/db/migrations", import.meta.url));

function migrationsFingerprint(): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(migrationsDir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    hash.update(file).update(readFileSync(`${migrationsDir}/${file}`));
  }
  return hash.digest("hex").slice(0, 12);
}

function urlFor(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A migrated, empty PGlite cluster as a dump, made once per set of migrations and cached on disk:
 * loading it takes about a second, where booting and migrating a new cluster takes about five.
 */
async function migratedPgliteDump(): Promise<Blob> {
  const cacheDir = fileURLToPath(new URL("../../node_modules/.cache/kura", import.meta.url));
  const file = join(cacheDir, `pglite-${migrationsFingerprint()}.tar`);
  if (!existsSync(file)) {
    const fresh = await openDatabase();
    await migrateDatabase(fresh);
    if (fresh.kind !== "pglite") throw new Error("expected PGlite");
    const dump = await fresh.pglite.dumpDataDir("none");
    await fresh.close();
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file); // atomic: a parallel worker sees the whole file or none
  }
  return new Blob([readFileSync(file)]);
}

export interface TestDatabase extends AsyncDisposable {
  database: Database;
  /** postgres://… of this test's own database (server only), for child processes. */
  url?: string;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!serverUrl) {
    const database = await openDatabase({ pgliteDump: await migratedPgliteDump() });
    await migrateDatabase(database); // a no-op on the dump; keeps the test honest if the dump is stale
    return { database, [Symbol.asyncDispose]: () => database.close() };
  }
  const template = `kura_template_${migrationsFingerprint()}`;
  const name = `kura_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // One lock for template creation and cloning: CREATE DATABASE … TEMPLATE needs the template idle.
    await admin.query("SELECT pg_advisory_lock(7302452)");
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${template}`);
      const seed = await openDatabase({ url: urlFor(serverUrl, template), poolSize: 1 });
      await migrateDatabase(seed);
      await seed.close();
    }
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.query("SELECT pg_advisory_unlock(7302452)").catch(() => {});
    await admin.end();
  }
  const url = urlFor(serverUrl, name);
  const database = await openDatabase({ url, poolSize: 20 });
  return {
    database,
    url,
    async [Symbol.asyncDispose]() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/** A test file's (or describe block's) own database, created before its tests and dropped after them. */
export function useTestDatabase(onReady: (env: { db: Db; database: Database }) => void): void {
  let testDb: TestDatabase | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    onReady({ db: testDb.database.db, database: testDb.database });
  });
  afterAll(async () => testDb?.[Symbol.asyncDispose]());
}
