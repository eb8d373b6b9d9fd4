// API keys as the HTTP API needs them.
import { and, eq, isNull } from "drizzle-orm";
import { hashToken } from "../../../operations/masters.ts";
import type { Db } from "../../connection.ts";
import { apiKeys } from "../../schema.ts";

/** A live API key: its id (to name the actor of changes made with it) and its organization. */
export async function apiKeyForToken(
  db: Db,
  token: string,
): Promise<{ id: number; organizationId: number } | null> {
  const [row] = await db
    .select({ id: apiKeys.id, organizationId: apiKeys.organizationId })
    .from(apiKeys)
    .where(and(eq(apiKeys.tokenHash, hashToken(token)), isNull(apiKeys.revokedAt)));
  return row ?? null;
}
