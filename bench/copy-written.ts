// The second baseline of the order import: every row the import wrote, bulk-loaded again with COPY into
// tables shaped as Kura's (the same columns, indexes, checks and foreign keys). It is the storage limit of
// what an imported order is in Kura (its lines, SKUs, slip, reservations, history and events), where the
// first baseline (two plain tables) is the limit of the order as the channel sent it.
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql } from "drizzle-orm";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { type Database, queryRows } from "../src/db/connection.ts";
import { busySince, machineBusySeconds } from "./support.ts";

/** What the import wrote, table by table, parents first; `$S` is the store, `$E` the last event before it. */
const written: Array<[table: string, rows: string]> = [
  ["shipments", "store_id = $S"],
  ["orders", "store_id = $S"],
  ["order_lines", "order_id IN (SELECT id FROM orders WHERE store_id = $S)"],
  ["order_items", "order_id IN (SELECT id FROM orders WHERE store_id = $S)"],
  ["stock_ledger", "order_id IN (SELECT id FROM orders WHERE store_id = $S)"],
  ["shipment_lines", "order_id IN (SELECT id FROM orders WHERE store_id = $S)"],
  ["order_history", "order_id IN (SELECT id FROM orders WHERE store_id = $S)"],
  ["shipment_history", "shipment_id IN (SELECT id FROM shipments WHERE store_id = $S)"],
  ["order_rule_applications", "order_id IN (SELECT id FROM orders WHERE store_id = $S)"],
  ["outbox_events", "id > $E"],
];

const clone = (table: string) => `bench_written_${table}`;

/** The newest outbox event before the import, read before it starts (events have no store column). */
export async function lastEventId(database: Database): Promise<number> {
  const [row] = await queryRows<{ id: string }>(
    database.db,
    sql`SELECT coalesce(max(id), 0) AS id FROM outbox_events`,
  );
  return Number(row?.id ?? 0);
}

export interface WrittenCopy {
  seconds: number;
  machineCpuSeconds: number | null;
  rows: number;
  /** Per table: its rows and the seconds its COPY took. */
  tables: Array<{ table: string; rows: number; seconds: number }>;
}

/** Reads what the import wrote for `storeId`, then times COPY of it into the clones (made and dropped here). */
export async function copyWritten(
  database: Database,
  storeId: number,
  eventsAfter: number,
): Promise<WrittenCopy> {
  const exports: Array<{ table: string; data: Buffer }> = [];
  for (const [table, where] of written) {
    const filter = where.replaceAll("$S", String(storeId)).replaceAll("$E", String(eventsAfter));
    exports.push({
      table,
      data: await copyOut(database, `COPY (SELECT * FROM ${table} WHERE ${filter}) TO STDOUT`),
    });
  }
  await makeClones(database);
  try {
    const machineBefore = machineBusySeconds();
    const tables: WrittenCopy["tables"] = [];
    for (const { table, data } of exports) {
      const started = performance.now();
      await copyIn(database, `COPY ${clone(table)} FROM STDIN`, data);
      tables.push({ table, rows: countLines(data), seconds: (performance.now() - started) / 1000 });
    }
    const machineCpuSeconds = busySince(machineBefore);
    const seconds = tables.reduce((sum, t) => sum + t.seconds, 0);
    const rows = tables.reduce((sum, t) => sum + t.rows, 0);
    return { seconds, machineCpuSeconds, rows, tables };
  } finally {
    await dropClones(database);
  }
}

/** Each clone with the columns, defaults, identity, indexes and checks of its table, and its foreign keys. */
async function makeClones(database: Database): Promise<void> {
  const tables = written.map(([table]) => table);
  await dropClones(database);
  for (const table of tables) {
    await database.db.execute(sql.raw(`CREATE TABLE ${clone(table)} (LIKE ${table} INCLUDING ALL)`));
  }
  for (const table of tables) {
    const keys = await queryRows<{ definition: string }>(
      database.db,
      sql`SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
          WHERE conrelid = ${table}::regclass AND contype = 'f' ORDER BY conname`,
    );
    for (const { definition } of keys) {
      // A key to another cloned table points at its clone, so the rows meet the same checks as Kura's.
      const pointed = definition.replace(/REFERENCES (\w+)\(/, (whole, target: string) =>
        tables.includes(target) ? `REFERENCES ${clone(target)}(` : whole,
      );
      await database.db.execute(sql.raw(`ALTER TABLE ${clone(table)} ADD ${pointed}`));
    }
  }
}

async function dropClones(database: Database): Promise<void> {
  const names = written.map(([table]) => clone(table)).join(", ");
  await database.db.execute(sql.raw(`DROP TABLE IF EXISTS ${names} CASCADE`));
}

const countLines = (data: Buffer) => {
  let n = 0;
  for (const byte of data) if (byte === 10) n++;
  return n;
};

/** COPY … TO STDOUT of the statement, as text. */
async function copyOut(database: Database, statement: string): Promise<Buffer> {
  if (database.kind === "pglite") {
    const result = await database.pglite.query(statement.replace("STDOUT", "'/dev/blob'"));
    return Buffer.from(await (result.blob ?? new Blob([])).arrayBuffer());
  }
  const client = await database.pool.connect();
  try {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    await pipeline(client.query(copyTo(statement)), sink);
    return Buffer.concat(chunks);
  } finally {
    client.release();
  }
}

/** COPY … FROM STDIN of the data (CSV or text, as the statement says). */
export async function copyIn(database: Database, statement: string, data: string | Buffer): Promise<void> {
  if (database.kind === "pglite") {
    await database.pglite.query(statement.replace("STDIN", "'/dev/blob'"), [], { blob: new Blob([data]) });
    return;
  }
  const client = await database.pool.connect();
  try {
    await pipeline(Readable.from([data]), client.query(copyFrom(statement)));
  } finally {
    client.release();
  }
}
