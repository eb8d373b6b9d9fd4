// Checks the store's credentials with the channel: a refusal fails the function with the channel's reason.
// Credentials the connector renews itself (OAuth2) are renewed here when they expire within a day, so a
// daily check keeps a store whose runs are rare (or paused) from letting its refresh token lapse.
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/connection.ts";
import { storeCredentials } from "../../db/schema.ts";
import type { RunContext } from "./context.ts";

const renewWithinMs = 86_400_000;

export async function checkCredentials(context: RunContext): Promise<void> {
  const { connector, journal } = context;
  const refresh = connector.capabilities.credentials.refresh === "automatic" && connector.refreshCredentials;
  if (refresh) {
    const expiresAt = await accessTokenExpiry(context.db, context.store.id);
    if (!expiresAt || expiresAt.getTime() - context.now().getTime() <= renewWithinMs) {
      await journal.call("refresh credentials", () => refresh.call(connector));
      journal.count("updated");
      return;
    }
  }
  const checked = await journal.call("check credentials", () => connector.checkCredentials());
  journal.count("fetched");
  if (checked.expiresAt && checked.credentialName)
    await recordExpiry(context, checked.credentialName, checked.expiresAt);
}

const warnWithinMs = 14 * 86_400_000;

/** Keeps the expiry the channel reports with the secret (the credentials list warns from it), and says so in the run when it is near. */
async function recordExpiry(context: RunContext, name: string, expiresAt: Date): Promise<void> {
  await context.db
    .update(storeCredentials)
    .set({ expiresAt })
    .where(and(eq(storeCredentials.storeId, context.store.id), eq(storeCredentials.name, name)));
  if (expiresAt.getTime() - context.now().getTime() > warnWithinMs) return;
  const day = new Date(expiresAt.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
  context.journal.error({
    message: `${name} expires on ${day} (Japan time): reissue it on the channel and enter the new one before then`,
    kind: "expires_soon",
  });
}

/** When the store's OAuth2 access token expires, as last stored; null when unknown (or none is stored). */
export async function accessTokenExpiry(db: Db, storeId: number): Promise<Date | null> {
  const [row] = await db
    .select({ expiresAt: storeCredentials.expiresAt })
    .from(storeCredentials)
    .where(and(eq(storeCredentials.storeId, storeId), eq(storeCredentials.name, "accessToken")));
  return row?.expiresAt ?? null;
}
