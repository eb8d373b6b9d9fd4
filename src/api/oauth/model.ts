// The @node-oauth/oauth2-server model over Kura's tables: clients are cart apps, the "user" of a code or
// token is the authorization (organization + store + the user who consented). Codes and tokens are looked
// up by their SHA-256; the plain values exist only in the answers to the cart.
import type OAuth2Server from "@node-oauth/oauth2-server";
import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import { type Db, inTransaction } from "../../db/connection.ts";
import { oauthApps, oauthCodes, oauthGrants, oauthTokens } from "../../db/schema.ts";
import { cartScopes, sha256 } from "../../operations/apps.ts";

type Client = OAuth2Server.Client;

/** Who the authorization is for; the library passes it through untouched. */
export interface GrantUser {
  userId: number;
  organizationId: number;
  storeId: number;
  /** Set once the grant exists (refresh), or the code row being exchanged (authorization code). */
  grantId?: number;
  codeId?: number;
}

function clientOf(app: typeof oauthApps.$inferSelect): Client {
  return {
    id: app.clientId,
    appId: app.id,
    organizationId: app.organizationId,
    name: app.name,
    redirectUris: [app.redirectUri],
    grants: ["authorization_code", "refresh_token"],
  };
}

export async function findClient(db: Db, clientId: string): Promise<Client | null> {
  const [app] = await db
    .select()
    .from(oauthApps)
    .where(and(eq(oauthApps.clientId, clientId), isNull(oauthApps.deletedAt)));
  return app ? clientOf(app) : null;
}

export function createModel(db: Db): OAuth2Server.AuthorizationCodeModel & OAuth2Server.RefreshTokenModel {
  return {
    async getClient(clientId, clientSecret) {
      const [app] = await db
        .select()
        .from(oauthApps)
        .where(and(eq(oauthApps.clientId, clientId), isNull(oauthApps.deletedAt)));
      if (!app) return null;
      // The authorize step asks without a secret; the token step always with one.
      if (
        clientSecret !== null &&
        clientSecret !== undefined &&
        sha256(clientSecret) !== app.clientSecretHash
      )
        return null;
      return clientOf(app);
    },

    async validateScope(_user, _client, scope) {
      const requested = scope ?? [];
      if (requested.length === 0) return [...cartScopes];
      return requested.every((s) => (cartScopes as readonly string[]).includes(s)) ? requested : false;
    },

    async validateRedirectUri(redirectUri, client) {
      return (client.redirectUris as string[]).includes(redirectUri);
    },

    async saveAuthorizationCode(code, client, user) {
      const grantUser = user as GrantUser;
      const [row] = await db
        .insert(oauthCodes)
        .values({
          codeHash: sha256(code.authorizationCode),
          appId: client.appId as number,
          organizationId: grantUser.organizationId,
          storeId: grantUser.storeId,
          userId: grantUser.userId,
          scopes: code.scope ?? [],
          redirectUri: code.redirectUri,
          codeChallenge: code.codeChallenge ?? null,
          codeChallengeMethod: code.codeChallengeMethod ?? null,
          expiresAt: code.expiresAt,
        })
        .returning({ id: oauthCodes.id });
      return { ...code, scope: code.scope ?? [], client, user: { ...grantUser, codeId: row?.id } };
    },

    async getAuthorizationCode(authorizationCode) {
      const [row] = await db
        .select({ code: oauthCodes, app: oauthApps })
        .from(oauthCodes)
        .innerJoin(oauthApps, eq(oauthApps.id, oauthCodes.appId))
        .where(and(eq(oauthCodes.codeHash, sha256(authorizationCode)), isNull(oauthApps.deletedAt)));
      if (!row) return null;
      const { code, app } = row;
      if (code.usedAt) {
        // A code presented twice may have been stolen: what the first exchange granted is withdrawn
        // (RFC 6749 §4.1.2).
        if (code.grantId !== null) await revokeGrant(db, code.grantId);
        return null;
      }
      const user: GrantUser = {
        userId: code.userId,
        organizationId: code.organizationId,
        storeId: code.storeId,
        codeId: code.id,
      };
      return {
        authorizationCode,
        expiresAt: code.expiresAt,
        redirectUri: code.redirectUri,
        scope: code.scopes,
        client: clientOf(app),
        user,
        ...(code.codeChallenge
          ? { codeChallenge: code.codeChallenge, codeChallengeMethod: code.codeChallengeMethod ?? "S256" }
          : {}),
      };
    },

    async revokeAuthorizationCode(code) {
      // One guarded statement: of two exchanges of the same code at once, exactly one wins.
      const used = await db
        .update(oauthCodes)
        .set({ usedAt: sql`now()` })
        .where(and(eq(oauthCodes.codeHash, sha256(code.authorizationCode)), isNull(oauthCodes.usedAt)))
        .returning({ id: oauthCodes.id });
      return used.length === 1;
    },

    async saveToken(token, client, user) {
      const grantUser = user as GrantUser;
      const grantId = await inTransaction(db, async (tx) => {
        let id = grantUser.grantId;
        if (id === undefined) {
          const [grant] = await tx
            .insert(oauthGrants)
            .values({
              appId: client.appId as number,
              organizationId: grantUser.organizationId,
              storeId: grantUser.storeId,
              userId: grantUser.userId,
              scopes: token.scope ?? [],
            })
            .returning({ id: oauthGrants.id });
          if (!grant) throw new Error("grant insert returned nothing");
          id = grant.id;
          if (grantUser.codeId !== undefined)
            await tx.update(oauthCodes).set({ grantId: id }).where(eq(oauthCodes.id, grantUser.codeId));
        }
        await tx.insert(oauthTokens).values({
          grantId: id,
          accessTokenHash: sha256(token.accessToken),
          accessTokenExpiresAt: token.accessTokenExpiresAt as Date,
          refreshTokenHash: token.refreshToken ? sha256(token.refreshToken) : null,
          refreshTokenExpiresAt: token.refreshTokenExpiresAt ?? null,
        });
        return id;
      });
      return { ...token, client, user: { ...grantUser, grantId } };
    },

    async getAccessToken(accessToken) {
      const row = await tokenRow(db, eq(oauthTokens.accessTokenHash, sha256(accessToken)));
      if (!row) return null;
      return {
        accessToken,
        accessTokenExpiresAt: row.token.accessTokenExpiresAt,
        scope: row.grant.scopes,
        client: clientOf(row.app),
        user: userOf(row.grant),
      };
    },

    async getRefreshToken(refreshToken) {
      const row = await tokenRow(db, eq(oauthTokens.refreshTokenHash, sha256(refreshToken)));
      if (!row) return null;
      return {
        refreshToken,
        refreshTokenExpiresAt: row.token.refreshTokenExpiresAt ?? undefined,
        scope: row.grant.scopes,
        client: clientOf(row.app),
        user: userOf(row.grant),
      };
    },

    async revokeToken(token) {
      // Rotation: the used refresh token and its access token end here, in one guarded statement.
      const revoked = await db
        .update(oauthTokens)
        .set({ revokedAt: sql`now()` })
        .where(
          and(eq(oauthTokens.refreshTokenHash, sha256(token.refreshToken)), isNull(oauthTokens.revokedAt)),
        )
        .returning({ id: oauthTokens.id });
      return revoked.length === 1;
    },
  };
}

const userOf = (grant: typeof oauthGrants.$inferSelect): GrantUser => ({
  userId: grant.userId,
  organizationId: grant.organizationId,
  storeId: grant.storeId,
  grantId: grant.id,
});

/** A live token row (not revoked, its grant not revoked, its app not deleted) with its grant and app. */
async function tokenRow(db: Db, where: SQL) {
  const [row] = await db
    .select({ token: oauthTokens, grant: oauthGrants, app: oauthApps })
    .from(oauthTokens)
    .innerJoin(oauthGrants, eq(oauthGrants.id, oauthTokens.grantId))
    .innerJoin(oauthApps, eq(oauthApps.id, oauthGrants.appId))
    .where(
      and(where, isNull(oauthTokens.revokedAt), isNull(oauthGrants.revokedAt), isNull(oauthApps.deletedAt)),
    );
  return row ?? null;
}

export async function revokeGrant(db: Db, grantId: number): Promise<void> {
  await db
    .update(oauthGrants)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(oauthGrants.id, grantId), isNull(oauthGrants.revokedAt)));
}

/**
 * RFC 7009: the client revokes one of its tokens; the whole authorization it belongs to ends (its other
 * tokens too). A token that is unknown or of another client changes nothing, and the answer is the same.
 */
export async function revokeClientToken(db: Db, client: Client, token: string): Promise<void> {
  const hash = sha256(token);
  const [row] = await db
    .select({ grantId: oauthGrants.id })
    .from(oauthTokens)
    .innerJoin(oauthGrants, eq(oauthGrants.id, oauthTokens.grantId))
    .where(
      and(
        sql`(${oauthTokens.accessTokenHash} = ${hash} OR ${oauthTokens.refreshTokenHash} = ${hash})`,
        eq(oauthGrants.appId, client.appId as number),
      ),
    );
  if (row) await revokeGrant(db, row.grantId);
}
