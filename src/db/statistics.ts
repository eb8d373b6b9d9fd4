// Planner statistics for tables that grew. PostgreSQL plans each query from what ANALYZE last saw of a
// table; autovacuum refreshes that on a server where it is on, but embedded PGlite has no autovacuum
// worker, and some servers run with it off. A table never analyzed, or grown to twice its size since, is
// planned as if it were small: a look-up of 500 order codes then walks every order of the organization
// (measured at 100,000 orders: 234 ms a batch, 9.8 ms once analyzed). So Kura analyzes such tables itself.
import { sql } from "drizzle-orm";
import { type Db, queryRows } from "./connection.ts";

/** Below this many pages (8 KiB each) a table is read whole whatever the plan, so it is left alone. */
const minimumPages = 16;
/** A table is analyzed again once it has this many times the pages it had when last analyzed. */
const growthFactor = 2;

/**
 * Analyzes every table of Kura and its job queue that was never analyzed or has grown `growthFactor`
 * times since; answers their names. Cheap when nothing grew (one read of the catalogue).
 */
export async function analyzeGrownTables(db: Db): Promise<string[]> {
  const grown = await queryRows<{ name: string }>(
    db,
    sql`SELECT format('%I.%I', n.nspname, c.relname) AS name
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND c.relpersistence <> 't' -- another session's temporary table is not ours
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
          AND pg_relation_size(c.oid) / current_setting('block_size')::int >= ${minimumPages}
          AND (c.reltuples < 0
            OR pg_relation_size(c.oid) / current_setting('block_size')::int >= ${growthFactor} * greatest(c.relpages, 1))
        ORDER BY 1`,
  );
  // One at a time: on PGlite each holds the only connection for as long as it takes.
  for (const { name } of grown) await db.execute(sql.raw(`ANALYZE ${name}`));
  return grown.map((g) => g.name);
}
