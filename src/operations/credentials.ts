// Store credentials: sealed at rest, shown masked, with expiry dates tracked for warnings (C1).
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { expiringSecrets } from "../channels/registry.ts";
import type { Db } from "../db/connection.ts";
import { getStore } from "../db/repositories/scope.ts";
import { storeCredentials } from "../db/schema.ts";
import { parseInput } from "../domain/parse.ts";
import { startSchedules } from "../jobs/store-functions.ts";
import { maskSecret, type SecretBox } from "../lib/secrets.ts";

export const credentialsInput = z.object({
  values: z.record(z.string().min(1), z.string().min(1, "must not be empty")),
  expiresAt: z.coerce.date().optional(),
});

export async function setStoreCredentials(
  db: Db,
  box: SecretBox,
  organizationId: number,
  storeId: number,
  input: z.input<typeof credentialsInput>,
) {
  const data = parseInput(credentialsInput, input);
  const store = await getStore(db, organizationId, storeId);
  const expiring = expiringSecrets[store.channel];
  const expiryOf = (name: string) => (!expiring || expiring.includes(name) ? (data.expiresAt ?? null) : null);
  const [existing] = await db
    .select({ name: storeCredentials.name })
    .from(storeCredentials)
    .where(eq(storeCredentials.storeId, storeId))
    .limit(1);
  for (const [name, value] of Object.entries(data.values)) {
    await db
      .insert(storeCredentials)
      .values({ storeId, name, sealedValue: box.seal(value), expiresAt: expiryOf(name) })
      .onConflictDoUpdate({
        target: [storeCredentials.storeId, storeCredentials.name],
        set: { sealedValue: box.seal(value), expiresAt: expiryOf(name), updatedAt: sql`now()` },
      });
  }
  if (!existing) await startSchedules(db, storeId); // a store starts syncing once it can reach its channel
  return listStoreCredentials(db, box, organizationId, storeId);
}

/** Names, masked values and expiry; `expiresSoon` when fewer than `warnDays` days are left. */
export async function listStoreCredentials(
  db: Db,
  box: SecretBox,
  organizationId: number,
  storeId: number,
  warnDays = 14,
) {
  await getStore(db, organizationId, storeId);
  const rows = await db.select().from(storeCredentials).where(eq(storeCredentials.storeId, storeId));
  const warnAt = Date.now() + warnDays * 86_400_000;
  return rows.map((row) => ({
    name: row.name,
    masked: maskSecret(box.open(row.sealedValue)),
    expiresAt: row.expiresAt,
    expired: row.expiresAt !== null && row.expiresAt.getTime() <= Date.now(),
    expiresSoon: row.expiresAt !== null && row.expiresAt.getTime() <= warnAt,
    updatedAt: row.updatedAt,
  }));
}

/** The decrypted secrets a connector needs; for the engine only, never for an API answer. */
export async function openStoreSecrets(
  db: Db,
  box: SecretBox,
  storeId: number,
): Promise<Record<string, string>> {
  const rows = await db
    .select()
    .from(storeCredentials)
    .where(and(eq(storeCredentials.storeId, storeId)));
  return Object.fromEntries(rows.map((row) => [row.name, box.open(row.sealedValue)]));
}

/** When each of the store's secrets expires, for those recorded with an expiry. */
export async function storeSecretsExpiry(db: Db, storeId: number): Promise<Record<string, Date>> {
  const rows = await db
    .select({ name: storeCredentials.name, expiresAt: storeCredentials.expiresAt })
    .from(storeCredentials)
    .where(eq(storeCredentials.storeId, storeId));
  return Object.fromEntries(rows.flatMap((row) => (row.expiresAt ? [[row.name, row.expiresAt]] : [])));
}
