import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../test/support/database.ts";
import { type Db, queryRows } from "./connection.ts";
import { analyzeGrownTables } from "./statistics.ts";

describe("planner statistics of grown tables", () => {
  let db: Db;
  useTestDatabase((env) => ({ db } = env));

  const grow = (rows: number) =>
    db.execute(
      sql`INSERT INTO statistics_probe (note) SELECT repeat('x', 100) FROM generate_series(1, ${rows})`,
    );
  const knownRows = async () =>
    Number(
      (
        await queryRows<{ n: number }>(
          db,
          sql`SELECT reltuples AS n FROM pg_class WHERE relname = 'statistics_probe'`,
        )
      )[0]?.n,
    );

  it("analyzes a table once it is big enough, and again each time it has doubled", async () => {
    await db.execute(sql`CREATE TABLE statistics_probe (id serial PRIMARY KEY, note text NOT NULL)`);
    await grow(100);
    expect(await analyzeGrownTables(db)).not.toContain("public.statistics_probe"); // one page: read whole anyway
    expect(await knownRows()).toBeLessThan(0); // never analyzed

    await grow(20_000);
    expect(await analyzeGrownTables(db)).toContain("public.statistics_probe");
    expect(await knownRows()).toBe(20_100);

    await grow(5_000);
    expect(await analyzeGrownTables(db)).not.toContain("public.statistics_probe"); // a quarter more: left alone

    await grow(25_000);
    expect(await analyzeGrownTables(db)).toContain("public.statistics_probe");
    expect(await knownRows()).toBe(50_100);
  });
});
