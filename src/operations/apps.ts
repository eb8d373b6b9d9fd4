// Cart apps (カート連携アプリ): a merchant registers an app (name + redirect URL) and gets a client id and a
// secret shown once; the merchant authorizes it for one store on the consent page; deleting the app
// revokes every authorization and token at once. Also: resolving a cart's access token on every call.
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/connection.ts";
import { oauthApps, oauthGrants, oauthTokens, stores, users } from "../db/schema.ts";
import { notFound } from "../domain/errors.ts";
import { parseInput } from "../domain/parse.ts";

/** What a cart may be allowed to do. */
export const cartScopes = ["orders:write", "stock:read", "shipments:read"] as const;
export type CartScope = (typeof cartScopes)[number];

export const scopeLabels: Record<CartScope, { ja: string; en: string }> = {
  "orders:write": { ja: "受注の登録", en: "Register orders" },
  "stock:read": { ja: "在庫数の参照", en: "Read stock" },
  "shipments:read": { ja: "出荷・送り状番号の参照", en: "Read shipments and tracking numbers" },
};

export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

const redirectUri = z
  .string()
  .trim()
  .url("must be an absolute URL")
  .refine((value) => {
    const url = new URL(value);
    if (url.hash) return false;
    if (url.protocol === "https:") return true;
    // Plain http only for this machine (a cart under development, the test simulator).
    return url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  }, "must be https (http only for localhost / 127.0.0.1), without a #fragment");

export const appInput = z.object({
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
  redirectUri,
});

export interface AppView {
  id: number;
  name: string;
  redirectUri: string;
  clientId: string;
  createdAt: Date;
  authorizations: Array<{
    id: number;
    storeId: number;
    storeName: string;
    scopes: string[];
    authorizedBy: string;
    createdAt: Date;
  }>;
}

export async function registerApp(
  db: Db,
  organizationId: number,
  raw: z.input<typeof appInput>,
): Promise<AppView & { clientSecret: string }> {
  const input = parseInput(appInput, raw);
  const clientId = `kura_${randomBytes(12).toString("hex")}`;
  const clientSecret = randomBytes(32).toString("base64url");
  const [app] = await db
    .insert(oauthApps)
    .values({ organizationId, ...input, clientId, clientSecretHash: sha256(clientSecret) })
    .returning();
  if (!app) throw new Error("app insert returned nothing");
  return { ...viewOf(app), authorizations: [], clientSecret };
}

const viewOf = (app: typeof oauthApps.$inferSelect) => ({
  id: app.id,
  name: app.name,
  redirectUri: app.redirectUri,
  clientId: app.clientId,
  createdAt: app.createdAt,
});

export async function listApps(db: Db, organizationId: number): Promise<AppView[]> {
  const apps = await db
    .select()
    .from(oauthApps)
    .where(and(eq(oauthApps.organizationId, organizationId), isNull(oauthApps.deletedAt)))
    .orderBy(oauthApps.id);
  const grants = await db
    .select({
      id: oauthGrants.id,
      appId: oauthGrants.appId,
      storeId: oauthGrants.storeId,
      storeName: stores.name,
      scopes: oauthGrants.scopes,
      authorizedBy: users.email,
      createdAt: oauthGrants.createdAt,
    })
    .from(oauthGrants)
    .innerJoin(stores, eq(stores.id, oauthGrants.storeId))
    .innerJoin(users, eq(users.id, oauthGrants.userId))
    .where(and(eq(oauthGrants.organizationId, organizationId), isNull(oauthGrants.revokedAt)))
    .orderBy(desc(oauthGrants.id));
  return apps.map((app) => ({
    ...viewOf(app),
    authorizations: grants.filter((g) => g.appId === app.id).map(({ appId: _, ...grant }) => grant),
  }));
}

export async function getApp(db: Db, organizationId: number, appId: number): Promise<AppView> {
  const app = (await listApps(db, organizationId)).find((a) => a.id === appId);
  if (!app) throw notFound(`app ${appId}`, "appId");
  return app;
}

/** Deletes (revokes) the app: its grants and tokens are refused from now on. */
export async function deleteApp(db: Db, organizationId: number, appId: number): Promise<void> {
  const [app] = await db
    .update(oauthApps)
    .set({ deletedAt: sql`now()` })
    .where(
      and(eq(oauthApps.id, appId), eq(oauthApps.organizationId, organizationId), isNull(oauthApps.deletedAt)),
    )
    .returning({ id: oauthApps.id });
  if (!app) throw notFound(`app ${appId}`, "appId");
  await db
    .update(oauthGrants)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(oauthGrants.appId, appId), isNull(oauthGrants.revokedAt)));
}

/** Withdraws one authorization (one store) of an app; the app stays registered. */
export async function revokeAuthorization(
  db: Db,
  organizationId: number,
  appId: number,
  grantId: number,
): Promise<void> {
  const [grant] = await db
    .update(oauthGrants)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(oauthGrants.id, grantId),
        eq(oauthGrants.appId, appId),
        eq(oauthGrants.organizationId, organizationId),
        isNull(oauthGrants.revokedAt),
      ),
    )
    .returning({ id: oauthGrants.id });
  if (!grant) throw notFound(`authorization ${grantId} of app ${appId}`, "grantId");
}

/** Who a cart's call acts for: the organization and store its token was granted for, with the scopes. */
export interface CartCaller {
  appId: number;
  grantId: number;
  organizationId: number;
  storeId: number;
  scopes: string[];
}

export type AccessTokenCheck =
  | { ok: true; caller: CartCaller }
  | { ok: false; reason: "unknown" | "expired" | "revoked" };

export async function checkAccessToken(db: Db, token: string): Promise<AccessTokenCheck> {
  const [row] = await db
    .select({
      expiresAt: oauthTokens.accessTokenExpiresAt,
      tokenRevokedAt: oauthTokens.revokedAt,
      grantRevokedAt: oauthGrants.revokedAt,
      appDeletedAt: oauthApps.deletedAt,
      appId: oauthApps.id,
      grantId: oauthGrants.id,
      organizationId: oauthGrants.organizationId,
      storeId: oauthGrants.storeId,
      scopes: oauthGrants.scopes,
    })
    .from(oauthTokens)
    .innerJoin(oauthGrants, eq(oauthGrants.id, oauthTokens.grantId))
    .innerJoin(oauthApps, eq(oauthApps.id, oauthGrants.appId))
    .where(eq(oauthTokens.accessTokenHash, sha256(token)));
  if (!row) return { ok: false, reason: "unknown" };
  if (row.tokenRevokedAt || row.grantRevokedAt || row.appDeletedAt) return { ok: false, reason: "revoked" };
  if (row.expiresAt.getTime() <= Date.now()) return { ok: false, reason: "expired" };
  const { appId, grantId, organizationId, storeId, scopes } = row;
  return { ok: true, caller: { appId, grantId, organizationId, storeId, scopes } };
}
