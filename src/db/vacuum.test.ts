import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { onServer, useTestDatabase } from "../../test/support/database.ts";
import { type Database, type Db, queryRows } from "./connection.ts";
import { defaultVacuumThresholds, needsOwnVacuum, tablesToVacuum, vacuumTables } from "./vacuum.ts";

describe("vacuum where no autovacuum runs", () => {
  let db: Db;
  let database: Database;
  useTestDatabase((env) => ({ db, database } = env));

  /** The probe's dead rows and age, with this session's counts flushed to the statistics first. */
  const probe = async () => {
    await db.execute(sql`SELECT pg_stat_force_next_flush()`);
    const [row] = await queryRows<{ dead: string; age: number }>(
      db,
      sql`SELECT s.n_dead_tup AS dead, age(c.relfrozenxid) AS age
          FROM pg_class c JOIN pg_stat_all_tables s ON s.relid = c.oid WHERE c.relname = 'vacuum_probe'`,
    );
    return { dead: Number(row?.dead), age: Number(row?.age) };
  };

  it("vacuums a table once its dead rows pass the base and a fifth of the live ones, then leaves it alone", async () => {
    await db.execute(sql`CREATE TABLE vacuum_probe (id int PRIMARY KEY, note text NOT NULL)`);
    await db.execute(
      sql`INSERT INTO vacuum_probe SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g`,
    );
    await db.execute(sql`DELETE FROM vacuum_probe WHERE id <= 1000`); // 1,000 dead beside 19,000 live: under
    await probe();
    expect(await vacuumTables(db)).not.toContain("public.vacuum_probe");

    await db.execute(sql`UPDATE vacuum_probe SET note = 'y' WHERE id <= 8000`); // 8,000 dead: over 1,000 + 3,800
    expect((await probe()).dead).toBeGreaterThan(4_800);
    expect(await vacuumTables(db)).toContain("public.vacuum_probe");
    expect((await probe()).dead).toBe(0);
    expect(await vacuumTables(db)).not.toContain("public.vacuum_probe");
  });

  it("freezes a table whose oldest transaction id has grown old, so the database stays far from wraparound", async () => {
    for (let i = 0; i < 5; i++) await db.execute(sql`SELECT txid_current()`); // each its own transaction
    const { age } = await probe();
    expect(age).toBeGreaterThanOrEqual(5);
    const young = { ...defaultVacuumThresholds, freezeAge: age + 1_000_000 };
    expect((await tablesToVacuum(db, young)).map((t) => t.name)).not.toContain("public.vacuum_probe");

    const old = { ...defaultVacuumThresholds, freezeAge: age };
    expect(await tablesToVacuum(db, old)).toContainEqual({ name: "public.vacuum_probe", freeze: true });
    expect(await vacuumTables(db, old)).toContain("public.vacuum_probe");
    expect((await probe()).age).toBeLessThan(age);
  });

  it("is Kura's job on PGlite, and on a server only where autovacuum is off", async () => {
    const [row] = await queryRows<{ on: string }>(db, sql`SELECT current_setting('autovacuum') AS on`);
    expect(await needsOwnVacuum(database)).toBe(onServer ? row?.on !== "on" : true);
  });
});
