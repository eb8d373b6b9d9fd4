// Dead rows and transaction-id age, where no autovacuum runs. Every update or delete leaves a dead row
// version behind (the job queue, stock levels, run history and processed events churn all day), and
// every table's oldest unfrozen transaction id ages with each write. On a server autovacuum cleans both;
// embedded PGlite has no autovacuum worker, and a server may run with it off. Left alone, such a
// database grows with every stock change, and after about two billion transactions PostgreSQL stops
// accepting writes to protect itself from wraparound. So Kura vacuums itself there, with autovacuum's
// own rules: dead rows beyond a base plus a share of the live ones, or an age past a threshold.
import { sql } from "drizzle-orm";
import { type Database, type Db, queryRows } from "./connection.ts";

export interface VacuumThresholds {
  /** A table is vacuumed once it has more dead rows than this base… */
  deadRows: number;
  /** …plus this share of its live rows (autovacuum's scale factor, 0.2 by default there too). */
  deadShare: number;
  /**
   * A table whose oldest unfrozen transaction id is this old is vacuumed with FREEZE. Well below
   * autovacuum_freeze_max_age (200 million), the age at which a server would force it.
   */
  freezeAge: number;
}

export const defaultVacuumThresholds: VacuumThresholds = {
  deadRows: 1_000,
  deadShare: 0.2,
  freezeAge: 100_000_000,
};

/** Whether Kura must vacuum this database itself: always on PGlite, on a server only with autovacuum off. */
export async function needsOwnVacuum(database: Database): Promise<boolean> {
  if (database.kind === "pglite") return true;
  const [row] = await queryRows<{ on: boolean }>(
    database.db,
    sql`SELECT current_setting('autovacuum') = 'on' AND current_setting('track_counts') = 'on' AS on`,
  );
  return !row?.on;
}

export interface TableToVacuum {
  name: string;
  /** Old enough to be frozen (its age passed freezeAge), not only cleaned. */
  freeze: boolean;
}

/** The tables past either threshold, system catalogues included (a database is only as young as its oldest table). */
export async function tablesToVacuum(
  db: Db,
  thresholds: VacuumThresholds = defaultVacuumThresholds,
): Promise<TableToVacuum[]> {
  const { deadRows, deadShare, freezeAge } = thresholds;
  return queryRows<TableToVacuum>(
    db,
    sql`SELECT format('%I.%I', n.nspname, c.relname) AS name, age(c.relfrozenxid) >= ${freezeAge}::int AS freeze
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
        WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't' -- another session's temporary table is not ours
          AND n.nspname NOT LIKE 'pg_toast%' -- vacuumed with its table
          AND (coalesce(s.n_dead_tup, 0) > ${deadRows}::int + ${deadShare}::float8 * coalesce(s.n_live_tup, 0)
            OR age(c.relfrozenxid) >= ${freezeAge}::int)
        ORDER BY 1`,
  );
}

/** Vacuums the tables past a threshold, one at a time; answers their names. One catalogue read when none is. */
export async function vacuumTables(
  db: Db,
  thresholds: VacuumThresholds = defaultVacuumThresholds,
): Promise<string[]> {
  const tables = await tablesToVacuum(db, thresholds);
  // One at a time: on PGlite each holds the only connection for as long as it takes.
  for (const { name, freeze } of tables) {
    await db.execute(sql.raw(`VACUUM ${freeze ? "(FREEZE) " : ""}${name}`));
  }
  return tables.map((t) => t.name);
}
