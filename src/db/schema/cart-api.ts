// Kura's own OAuth2 provider for carts (カート連携): apps a merchant registers, the authorizations
// (grants) a merchant gives an app for one store, authorization codes, and access / refresh tokens.
// Every secret (client secret, code, token) is stored as its SHA-256 only; the value is shown once.
import { sql } from "drizzle-orm";
import { bigint, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { organizations, stores } from "../schema.ts";
import { users } from "./users.ts";

const id = () => bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity();
const ref = (name: string) => bigint(name, { mode: "number" });
const at = (name: string) => timestamp(name, { withTimezone: true });

/** An app (a cart) registered by a merchant: its name, redirect URL, client id and hashed secret. */
export const oauthApps = pgTable(
  "oauth_apps",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    redirectUri: text("redirect_uri").notNull(),
    clientId: text("client_id").notNull(),
    clientSecretHash: text("client_secret_hash").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
    /** Deleting an app revokes it: its grants and tokens stop working at once; the row stays for history. */
    deletedAt: at("deleted_at"),
  },
  (t) => [uniqueIndex("oauth_apps_client_id").on(t.clientId), index("oauth_apps_org").on(t.organizationId)],
);

/** An authorization: a user of the organization allowed the app to act on one store with these scopes. */
export const oauthGrants = pgTable(
  "oauth_grants",
  {
    id: id(),
    appId: ref("app_id")
      .notNull()
      .references(() => oauthApps.id),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    userId: ref("user_id")
      .notNull()
      .references(() => users.id),
    scopes: text("scopes").array().notNull().default(sql`'{}'::text[]`),
    createdAt: at("created_at").notNull().defaultNow(),
    revokedAt: at("revoked_at"),
  },
  (t) => [index("oauth_grants_app").on(t.appId)],
);

/** Authorization codes: single use (`used_at`), short-lived; a reused code revokes the grant it made. */
export const oauthCodes = pgTable(
  "oauth_codes",
  {
    id: id(),
    codeHash: text("code_hash").notNull(),
    appId: ref("app_id")
      .notNull()
      .references(() => oauthApps.id),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    userId: ref("user_id")
      .notNull()
      .references(() => users.id),
    scopes: text("scopes").array().notNull().default(sql`'{}'::text[]`),
    redirectUri: text("redirect_uri").notNull(),
    /** PKCE (RFC 7636), when the cart sent a challenge: the token request must bring its verifier. */
    codeChallenge: text("code_challenge"),
    codeChallengeMethod: text("code_challenge_method"),
    expiresAt: at("expires_at").notNull(),
    usedAt: at("used_at"),
    /** The grant the exchange of this code created. */
    grantId: ref("grant_id").references(() => oauthGrants.id),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("oauth_codes_hash").on(t.codeHash)],
);

/** One issued pair: an access token and its refresh token. A refresh revokes the pair and issues a new one. */
export const oauthTokens = pgTable(
  "oauth_tokens",
  {
    id: id(),
    grantId: ref("grant_id")
      .notNull()
      .references(() => oauthGrants.id),
    accessTokenHash: text("access_token_hash").notNull(),
    accessTokenExpiresAt: at("access_token_expires_at").notNull(),
    refreshTokenHash: text("refresh_token_hash"),
    refreshTokenExpiresAt: at("refresh_token_expires_at"),
    createdAt: at("created_at").notNull().defaultNow(),
    revokedAt: at("revoked_at"),
  },
  (t) => [
    uniqueIndex("oauth_tokens_access").on(t.accessTokenHash),
    uniqueIndex("oauth_tokens_refresh").on(t.refreshTokenHash),
    index("oauth_tokens_grant").on(t.grantId),
  ],
);
