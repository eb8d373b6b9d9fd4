// Paging for list queries: one page of rows and the total the filters match.
import { type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "../../connection.ts";

export interface PageRequest {
  /** 1-based. */
  page: number;
  limit: number;
}

export interface PageResult<T> {
  rows: T[];
  total: number;
}

export const offsetOf = (paging: PageRequest) => (paging.page - 1) * paging.limit;

export async function countWhere(db: Db, table: PgTable, where: SQL | undefined): Promise<number> {
  const [row] = await db.select({ total: sql<number>`count(*)::int` }).from(table).where(where);
  return row?.total ?? 0;
}
