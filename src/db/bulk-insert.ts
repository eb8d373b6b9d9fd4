// Inserts many rows of one table in one statement with one parameter: the rows as a JSON array, read back
// by json_to_recordset with each column's own SQL type. Building a multi-row VALUES list through the
// query builder costs more than the database spends on the insert (a page of an import is thousands of
// parameters); one JSON text costs a JSON.stringify. Columns given in no row take their defaults; a column
// given in some rows is NULL in the others.
import { getTableColumns, getTableName, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { type Db, queryRows } from "./connection.ts";

export interface InsertRowsOptions<Table extends PgTable> {
  /** Columns to answer for each inserted row (JavaScript names), in no promised order: match by a key. */
  returning?: Array<keyof Table["$inferSelect"] & string>;
  /** For rows that bring their own identity ids (taken from the sequence beforehand). */
  overridingSystemValue?: boolean;
}

export async function insertRows<Table extends PgTable>(
  tx: Db,
  table: Table,
  rows: Array<Table["$inferInsert"]>,
  options: InsertRowsOptions<Table> = {},
): Promise<Array<Partial<Table["$inferSelect"]>>> {
  if (rows.length === 0) return [];
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((key) => key in columns);
  const used = keys.map((key) => columns[key] as PgColumn);
  const wire = rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [i, key] of keys.entries()) {
      const value = (row as Record<string, unknown>)[key];
      out[(used[i] as PgColumn).name] = value === undefined ? null : value;
    }
    return out;
  });
  const names = sql.join(
    used.map((c) => sql.identifier(c.name)),
    sql`, `,
  );
  const types = sql.raw(used.map((c) => `"${c.name}" ${c.getSQLType()}`).join(", "));
  const returning = (options.returning ?? []).map((key) => columns[key] as PgColumn);
  const returningSql: SQL = returning.length
    ? sql` RETURNING ${sql.join(
        returning.map((c) => sql.identifier(c.name)),
        sql`, `,
      )}`
    : sql``;
  const overriding = options.overridingSystemValue ? sql` OVERRIDING SYSTEM VALUE` : sql``;
  const answered = await queryRows<Record<string, unknown>>(
    tx,
    sql`INSERT INTO ${sql.identifier(getTableName(table))} (${names})${overriding}
        SELECT ${names} FROM json_to_recordset(${JSON.stringify(wire)}::json) AS r(${types})${returningSql}`,
  );
  return answered.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [i, key] of (options.returning ?? []).entries()) {
      const column = returning[i] as PgColumn;
      const value = row[column.name];
      out[key] = value === null || value === undefined ? value : column.mapFromDriverValue(value);
    }
    return out as Partial<Table["$inferSelect"]>;
  });
}
