// API keys as the HTTP API needs them.
import { and, eq, isNull } from "drizzle-orm";
import { hashToken } from "../../../operations/masters.ts";
import type { Db } from "../../connection.ts";
import { apiKeys } from "../../schema.ts";

/** The id of a live API key, to name the actor of changes made with it. */
export async function apiKeyIdForToken(db: Db, token: string): Promise<number | null> {
  const [row] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.tokenHash, hashToken(token)), isNull(apiKeys.revokedAt)));
  return row?.id ?? null;
}
