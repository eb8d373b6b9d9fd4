// Kura's OAuth2 provider for carts: the authorization-code flow through the real consent page, and the
// standard errors when something is wrong — in which case nothing is granted.
import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sessionCookie } from "../../src/api/session-auth.ts";
import type { Db } from "../../src/db/connection.ts";
import { oauthCodes, oauthTokens } from "../../src/db/schema.ts";
import { sha256 } from "../../src/operations/apps.ts";
import { createUser } from "../../src/operations/users.ts";
import { type Api, useApi } from "../api/support.ts";
import {
  authorizeUrl,
  Browser,
  consent,
  formFields,
  givenCartMerchant,
  registerApp,
  tokenRequest,
} from "./support.ts";

let db: Db;
let api: Api;
useApi((env) => {
  db = env.db;
  api = env.api;
});

const redirectUri = "http://127.0.0.1:9/callback";

async function givenApp() {
  const merchant = await givenCartMerchant(db);
  const app = await registerApp(api, merchant, redirectUri);
  return { merchant, app };
}

async function authorize(setup: Awaited<ReturnType<typeof givenApp>>, extra: Record<string, string> = {}) {
  const location = await consent(
    new Browser(api.url),
    authorizeUrl(api.url, {
      client_id: setup.app.clientId,
      redirect_uri: redirectUri,
      state: "xyz",
      ...extra,
    }),
    { email: setup.merchant.email, password: setup.merchant.password, storeId: setup.merchant.cartStoreId },
  );
  return new URL(location);
}

async function exchange(
  setup: Awaited<ReturnType<typeof givenApp>>,
  code: string,
  overrides: Record<string, string> = {},
) {
  return tokenRequest(api.url, {
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri,
    client_id: setup.app.clientId,
    client_secret: setup.app.clientSecret,
    ...overrides,
  });
}

const stockCall = (merchantId: number, accessToken: string) =>
  api.call("GET", `/api/v1/merchant/${merchantId}/logical_inventory_summaries?article_code=SKU-1`, {
    token: accessToken,
  });

describe("the authorization-code flow", () => {
  it("gives the cart an access token, a refresh token and the expiry after the merchant allows it", async () => {
    const setup = await givenApp();
    const back = await authorize(setup);
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get("state")).toBe("xyz");

    const token = await exchange(setup, back.searchParams.get("code") ?? "");

    expect(token.status).toBe(200);
    expect(token.body.token_type).toBe("Bearer");
    expect(token.body.expires_in).toBeGreaterThan(3500);
    expect(token.body.expires_in).toBeLessThanOrEqual(3600);
    expect(token.body.scope).toBe("orders:write stock:read shipments:read");
    expect(token.body.refresh_token).toEqual(expect.any(String));
    expect(token.headers.get("cache-control")).toBe("no-store");
    expect((await stockCall(setup.merchant.orgId, token.body.access_token)).status).toBe(200);
  });

  it("stores codes and tokens only as hashes", async () => {
    const setup = await givenApp();
    const code = (await authorize(setup)).searchParams.get("code") ?? "";
    const token = await exchange(setup, code);
    const [codeRow] = await db
      .select()
      .from(oauthCodes)
      .where(eq(oauthCodes.codeHash, sha256(code)));
    const [tokenRow] = await db
      .select()
      .from(oauthTokens)
      .where(eq(oauthTokens.accessTokenHash, sha256(token.body.access_token)));
    expect(codeRow).toBeDefined();
    expect(tokenRow?.refreshTokenHash).toBe(sha256(token.body.refresh_token));
    expect(JSON.stringify([codeRow, tokenRow])).not.toContain(token.body.access_token);
  });

  it("sends the merchant back with access_denied when the merchant denies, and grants nothing", async () => {
    const setup = await givenApp();
    const location = await consent(
      new Browser(api.url),
      authorizeUrl(api.url, { client_id: setup.app.clientId, redirect_uri: redirectUri, state: "s1" }),
      {
        email: setup.merchant.email,
        password: setup.merchant.password,
        storeId: setup.merchant.cartStoreId,
        decision: "deny",
      },
    );
    const back = new URL(location);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("s1");
    expect(back.searchParams.get("code")).toBeNull();
  });

  it("limits the token to the scopes the cart asked for", async () => {
    const setup = await givenApp();
    const code = (await authorize(setup, { scope: "orders:write" })).searchParams.get("code") ?? "";
    const token = await exchange(setup, code);
    expect(token.body.scope).toBe("orders:write");
    const refused = await stockCall(setup.merchant.orgId, token.body.access_token);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("insufficient_scope");
  });
});

describe("the consent page", () => {
  it("refuses a wrong password and shows the login form again", async () => {
    const setup = await givenApp();
    const browser = new Browser(api.url);
    const page = await browser.request("GET", authorizeUrl(api.url, { client_id: setup.app.clientId }));
    const login = await browser.request("POST", "/oauth/login", {
      ...formFields(page.html),
      email: setup.merchant.email,
      password: "wrong password!",
    });
    expect(login.status).toBe(401);
    expect(login.html).toContain("Wrong e-mail or password");
    expect(browser.cookies.has("kura_session")).toBe(false);
  });

  it("refuses further sign-ins of an address after five wrong passwords, even with the right one", async () => {
    const setup = await givenApp();
    const browser = new Browser(api.url);
    const page = await browser.request("GET", authorizeUrl(api.url, { client_id: setup.app.clientId }));
    const signIn = (password: string) =>
      browser.request("POST", "/oauth/login", {
        ...formFields(page.html),
        email: setup.merchant.email,
        password,
      });
    for (let i = 0; i < 5; i++) expect((await signIn("wrong password!")).status).toBe(401);

    const blocked = await signIn(setup.merchant.password);

    expect(blocked.status).toBe(429);
    expect(blocked.html).toContain("Too many failed sign-ins");
    expect(browser.cookies.has("kura_session")).toBe(false);
  });

  it("refuses a consent form posted without the page's CSRF token", async () => {
    const setup = await givenApp();
    const browser = new Browser(api.url);
    const url = authorizeUrl(api.url, { client_id: setup.app.clientId, redirect_uri: redirectUri });
    const page = await browser.request("GET", url);
    const login = await browser.request("POST", "/oauth/login", {
      ...formFields(page.html),
      email: setup.merchant.email,
      password: setup.merchant.password,
    });
    const consentPage = await browser.request("GET", login.location ?? "");
    const forged = await browser.request("POST", "/oauth/authorize", {
      ...formFields(consentPage.html),
      csrf: "forged",
      store_id: String(setup.merchant.cartStoreId),
      decision: "allow",
    });
    expect(forged.status).toBe(403);
    expect(forged.location).toBeNull();
    expect((await db.select().from(oauthCodes)).filter((c) => c.appId === setup.app.id)).toHaveLength(0);
  });

  it("lets only an admin connect an app: an operator gets no consent form and a posted one grants nothing", async () => {
    const setup = await givenApp();
    const operator = { email: `operator-${Date.now()}@example.jp`, password: "operator horse battery" };
    await createUser(db, setup.merchant.orgId, { ...operator, name: "担当者", role: "operator" });
    const browser = new Browser(api.url);
    const url = authorizeUrl(api.url, { client_id: setup.app.clientId, redirect_uri: redirectUri });
    const page = await browser.request("GET", url);
    const login = await browser.request("POST", "/oauth/login", { ...formFields(page.html), ...operator });

    const consentPage = await browser.request("GET", login.location ?? "");
    expect(consentPage.html).toContain("Only an admin of the organization may connect an app");
    expect(consentPage.html).not.toContain('action="/oauth/authorize"');

    // The form the operator cannot see, posted with the token their own session would have given it.
    const session = browser.cookies.get(sessionCookie) ?? "";
    const posted = await browser.request("POST", "/oauth/authorize", {
      ...formFields(page.html),
      csrf: createHash("sha256").update(`kura-consent:${session}`).digest("base64url"),
      store_id: String(setup.merchant.cartStoreId),
      decision: "allow",
    });
    expect(posted.status).toBe(403);
    expect(posted.location).toBeNull();
    expect((await db.select().from(oauthCodes)).filter((c) => c.appId === setup.app.id)).toHaveLength(0);
  });

  it("never redirects to a redirect URL other than the registered one", async () => {
    const setup = await givenApp();
    const page = await new Browser(api.url).request(
      "GET",
      authorizeUrl(api.url, { client_id: setup.app.clientId, redirect_uri: "https://attacker.example/cb" }),
    );
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(page.html).toContain("redirect_uri");
  });

  it("answers an unknown client with an error page", async () => {
    const page = await new Browser(api.url).request("GET", authorizeUrl(api.url, { client_id: "kura_nope" }));
    expect(page.status).toBe(400);
    expect(page.html).toContain("invalid_client");
  });

  it("sends an unknown scope back to the app as invalid_scope", async () => {
    const setup = await givenApp();
    const page = await new Browser(api.url).request(
      "GET",
      authorizeUrl(api.url, { client_id: setup.app.clientId, scope: "orders:delete", state: "s" }),
    );
    expect(page.status).toBe(302);
    expect(new URL(page.location ?? "").searchParams.get("error")).toBe("invalid_scope");
  });
});

describe("token errors", () => {
  it("refuses a wrong client secret with invalid_client", async () => {
    const setup = await givenApp();
    const code = (await authorize(setup)).searchParams.get("code") ?? "";
    const answer = await exchange(setup, code, { client_secret: "not-the-secret" });
    // RFC 6749 §5.2: 400 for credentials in the form (401 when they came in an Authorization header).
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe("invalid_client");
    // The code was not spent by the failed attempt, and nothing was granted.
    expect((await exchange(setup, code)).status).toBe(200);
  });

  it("refuses a redirect URL other than the authorization's with invalid_grant", async () => {
    const setup = await givenApp();
    const code = (await authorize(setup)).searchParams.get("code") ?? "";
    const answer = await exchange(setup, code, { redirect_uri: "http://127.0.0.1:9/other" });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe("invalid_grant");
  });

  it("refuses a code used twice, and withdraws what the first use granted", async () => {
    const setup = await givenApp();
    const code = (await authorize(setup)).searchParams.get("code") ?? "";
    const first = await exchange(setup, code);
    const second = await exchange(setup, code);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe("invalid_grant");
    expect((await stockCall(setup.merchant.orgId, first.body.access_token)).status).toBe(401);
  });

  it("refuses an expired code with invalid_grant", async () => {
    const setup = await givenApp();
    const code = (await authorize(setup)).searchParams.get("code") ?? "";
    await db
      .update(oauthCodes)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(oauthCodes.codeHash, sha256(code)));
    const answer = await exchange(setup, code);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: "invalid_grant",
      error_description: expect.stringContaining("expired"),
    });
  });

  it("checks the PKCE verifier when the cart sent a challenge", async () => {
    const setup = await givenApp();
    const verifier = "a-long-random-verifier-of-the-cart-0123456789-abcdefghij";
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const pkce = { code_challenge: challenge, code_challenge_method: "S256" };
    const first = (await authorize(setup, pkce)).searchParams.get("code") ?? "";
    const second = (await authorize(setup, pkce)).searchParams.get("code") ?? "";

    const withoutVerifier = await exchange(setup, first);
    const withVerifier = await exchange(setup, second, { code_verifier: verifier });

    expect(withoutVerifier.status).toBe(400);
    expect(withoutVerifier.body.error).toBe("invalid_grant");
    expect(withVerifier.status).toBe(200);
  });

  it("refuses an unknown grant type with unsupported_grant_type", async () => {
    const setup = await givenApp();
    const answer = await tokenRequest(api.url, {
      grant_type: "password",
      client_id: setup.app.clientId,
      client_secret: setup.app.clientSecret,
    });
    expect(answer.status).toBe(400);
    expect(["unsupported_grant_type", "unauthorized_client"]).toContain(answer.body.error);
  });
});

describe("access tokens, refresh and revocation", () => {
  async function givenTokens() {
    const setup = await givenApp();
    const code = (await authorize(setup)).searchParams.get("code") ?? "";
    const token = await exchange(setup, code);
    return { ...setup, token: token.body };
  }

  /** The cart asks for a new token pair with its refresh token. */
  const refresh = (setup: Awaited<ReturnType<typeof givenTokens>>) =>
    tokenRequest(api.url, {
      grant_type: "refresh_token",
      refresh_token: setup.token.refresh_token,
      client_id: setup.app.clientId,
      client_secret: setup.app.clientSecret,
    });

  it("refuses an expired access token with 401 invalid_token, and the refresh token gives a new pair", async () => {
    const setup = await givenTokens();
    await db
      .update(oauthTokens)
      .set({ accessTokenExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(oauthTokens.accessTokenHash, sha256(setup.token.access_token)));

    const refused = await stockCall(setup.merchant.orgId, setup.token.access_token);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("invalid_token");
    expect(refused.headers.get("www-authenticate")).toContain('error="invalid_token"');

    const refreshed = await refresh(setup);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(setup.token.refresh_token);
    expect((await stockCall(setup.merchant.orgId, refreshed.body.access_token)).status).toBe(200);

    const reused = await refresh(setup);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe("invalid_grant");
  });

  it("refuses an expired refresh token with invalid_grant", async () => {
    const setup = await givenTokens();
    await db
      .update(oauthTokens)
      .set({ refreshTokenExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(oauthTokens.refreshTokenHash, sha256(setup.token.refresh_token)));
    const answer = await refresh(setup);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe("invalid_grant");
  });

  it("revokes the authorization when the cart revokes its token", async () => {
    const setup = await givenTokens();
    const revoke = await fetch(`${api.url}/oauth/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        token: setup.token.refresh_token,
        client_id: setup.app.clientId,
        client_secret: setup.app.clientSecret,
      }).toString(),
    });
    expect(revoke.status).toBe(200);
    expect((await stockCall(setup.merchant.orgId, setup.token.access_token)).status).toBe(401);
  });

  it("refuses every token of an app the merchant deleted, and its refresh too", async () => {
    const setup = await givenTokens();
    const deleted = await api.call(
      "DELETE",
      `/api/v1/merchant/${setup.merchant.orgId}/apps/${setup.app.id}`,
      {
        token: setup.merchant.token,
      },
    );
    expect(deleted.status).toBe(204);
    expect((await stockCall(setup.merchant.orgId, setup.token.access_token)).status).toBe(401);
    const refreshed = await refresh(setup);
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe("invalid_client");
  });

  it("answers another merchant's id as not found", async () => {
    const setup = await givenTokens();
    const other = await stockCall(setup.merchant.orgId + 1000, setup.token.access_token);
    expect(other.status).toBe(404);
  });
});

describe("merchant routes for apps", () => {
  it("lists the apps with the store each is authorized for, never the secret", async () => {
    const setup = await givenApp();
    await exchange(setup, (await authorize(setup)).searchParams.get("code") ?? "");
    const list = await api.call("GET", `/api/v1/merchant/${setup.merchant.orgId}/apps`, {
      token: setup.merchant.token,
    });
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      expect.objectContaining({
        clientId: setup.app.clientId,
        authorizations: [
          expect.objectContaining({
            storeId: setup.merchant.cartStoreId,
            authorizedBy: setup.merchant.email,
          }),
        ],
      }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(setup.app.clientSecret);
  });

  it("refuses a redirect URL that is not https, naming the field", async () => {
    const merchant = await givenCartMerchant(db);
    const answer = await api.call("POST", `/api/v1/merchant/${merchant.orgId}/apps`, {
      token: merchant.token,
      body: { name: "Cart", redirectUri: "http://cart.example/cb" },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe("redirectUri");
  });
});
