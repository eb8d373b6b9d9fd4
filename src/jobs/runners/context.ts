// What a runner gets: the store, its connector, the journal of the run, and its resumable cursor.
import type { Connector } from "../../channels/types.ts";
import type { Db } from "../../db/connection.ts";
import type { stores } from "../../db/schema.ts";
import type { RunJournal } from "../run-journal.ts";

export type StoreRow = typeof stores.$inferSelect;

export interface RunContext {
  db: Db;
  store: StoreRow;
  connector: Connector;
  journal: RunJournal;
  runId: number;
  /** Where the last run of this store × function stopped (null for none). */
  cursor: Record<string, unknown> | null;
  /** Commits the cursor and the counts so far: a crash after this resumes here. */
  checkpoint(cursor: Record<string, unknown> | null): Promise<void>;
  now(): Date;
  /** Asks for another run of this function after `delayMs` (e.g. to poll an async result). */
  followUpAfter(delayMs: number): void;
}

export type Runner = (context: RunContext) => Promise<void>;
