// Kura's OAuth2 provider for carts (authorization-code flow, RFC 6749): the consent page where the
// merchant signs in and allows an app for one store, the token endpoint (code and refresh grants) and
// revocation (RFC 7009). Errors at the token endpoint are the standard `{ error, error_description }`.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import formbody from "@fastify/formbody";
import OAuth2Server from "@node-oauth/oauth2-server";
import { and, eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { cartChannel } from "../../channels/cart-api/connector.ts";
import type { Db } from "../../db/connection.ts";
import { getOrganization } from "../../db/repositories/queries/organizations.ts";
import { stores } from "../../db/schema.ts";
import { cartScopes } from "../../operations/apps.ts";
import { authenticateUser, findSessionUser, openSession, type SignedInUser } from "../../operations/users.ts";
import { createLoginThrottle } from "./login-throttle.ts";
import { createModel, findClient, type GrantUser, revokeClientToken } from "./model.ts";
import { type AuthorizeParams, consentPage, errorPage, loginPage } from "./pages.ts";

export interface OAuthOptions {
  /** Access token lifetime (default 1 hour: short-lived; the cart refreshes). */
  accessTokenLifetimeSeconds?: number;
  /** Refresh token lifetime (default 30 days, as LOGILESS). */
  refreshTokenLifetimeSeconds?: number;
  /** Authorization code lifetime (default 60 s; single use either way). */
  authorizationCodeLifetimeSeconds?: number;
}

const sessionCookie = "kura_session";
const loginCsrfCookie = "kura_login_csrf";

export async function oauthRoutes(app: FastifyInstance, options: OAuthOptions & { db: Db }) {
  const { db } = options;
  const server = new OAuth2Server({
    model: createModel(db),
    accessTokenLifetime: options.accessTokenLifetimeSeconds ?? 3600,
    refreshTokenLifetime: options.refreshTokenLifetimeSeconds ?? 30 * 86_400,
    authorizationCodeLifetime: options.authorizationCodeLifetimeSeconds ?? 60,
    allowEmptyState: true,
    requireClientAuthentication: { authorization_code: true, refresh_token: true },
  });

  const throttle = createLoginThrottle();

  await app.register(formbody);
  app.addHook("onSend", async (_request, reply) => {
    reply.header("cache-control", "no-store");
    reply.header("pragma", "no-cache");
    reply.header("x-frame-options", "DENY");
    reply.header(
      "content-security-policy",
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    );
    reply.header("referrer-policy", "no-referrer");
  });

  // ── Consent page ────────────────────────────────────────────────────────────────────────────────

  const page = { schema: { hide: true } };
  const oauthDoc = (summary: string, description: string) => ({
    schema: {
      tags: ["OAuth2 (carts)"],
      summary,
      description,
      consumes: ["application/x-www-form-urlencoded"],
    },
  });

  app.get("/oauth/authorize", page, async (request, reply) => {
    const params = authorizeParams(request.query);
    const checked = await checkAuthorizeRequest(db, params);
    if ("page" in checked) return html(reply, 400, checked.page);
    if ("redirect" in checked) return reply.redirect(checked.redirect, 302);
    const user = await sessionUser(db, request);
    if (!user) {
      return html(
        reply,
        200,
        loginPage({ appName: checked.client.name, params, csrf: loginCsrf(request, reply) }),
      );
    }
    return html(reply, 200, await renderConsent(db, user, checked.client, checked.scopes, params, request));
  });

  app.post("/oauth/login", page, async (request, reply) => {
    const body = formOf(request.body);
    const params = authorizeParams(body);
    const checked = await checkAuthorizeRequest(db, params);
    if ("page" in checked) return html(reply, 400, checked.page);
    if ("redirect" in checked) return reply.redirect(checked.redirect, 303);
    const expected = request.cookies[loginCsrfCookie];
    if (!expected || !sameSecret(body.csrf ?? "", expected)) {
      return html(
        reply,
        403,
        errorPage(
          "invalid_request",
          "フォームの有効期限が切れました。もう一度お試しください。",
          "The form expired (CSRF check failed); please try again.",
        ),
      );
    }
    const email = body.email ?? "";
    const waitMs = throttle.blockedFor(email);
    if (waitMs > 0) {
      reply.header("retry-after", String(Math.ceil(waitMs / 1000)));
      return html(
        reply,
        429,
        loginPage({
          appName: checked.client.name,
          params,
          csrf: expected,
          email,
          error: `ログインの失敗が続いたため、${Math.ceil(waitMs / 60_000)} 分後にお試しください。<br><span class="en">Too many failed sign-ins: try again in ${Math.ceil(waitMs / 60_000)} min.</span>`,
        }),
      );
    }
    const user = await authenticateUser(db, email, body.password ?? "");
    if (!user) {
      throttle.failed(email);
      return html(
        reply,
        401,
        loginPage({
          appName: checked.client.name,
          params,
          csrf: expected,
          email: body.email,
          error:
            'メールアドレスまたはパスワードが違います。<br><span class="en">Wrong e-mail or password.</span>',
        }),
      );
    }
    throttle.succeeded(email);
    const session = await openSession(db, user.id);
    reply.setCookie(sessionCookie, session.token, {
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: request.protocol === "https",
      expires: session.expiresAt,
    });
    return reply.redirect(`/oauth/authorize?${new URLSearchParams(withoutEmpty(params)).toString()}`, 303);
  });

  app.post("/oauth/authorize", page, async (request, reply) => {
    const body = formOf(request.body);
    const params = authorizeParams(body);
    const checked = await checkAuthorizeRequest(db, params);
    if ("page" in checked) return html(reply, 400, checked.page);
    if ("redirect" in checked) return reply.redirect(checked.redirect, 303);
    const token = request.cookies[sessionCookie];
    const user = token ? await findSessionUser(db, token) : null;
    if (!user || !token) {
      return html(reply, 401, errorPage("login_required", "ログインしてください。", "Please sign in first."));
    }
    if (!sameSecret(body.csrf ?? "", consentCsrf(token))) {
      return html(
        reply,
        403,
        errorPage(
          "invalid_request",
          "フォームの有効期限が切れました。もう一度お試しください。",
          "The form expired (CSRF check failed); please try again.",
        ),
      );
    }
    if (user.organizationId !== checked.client.organizationId)
      return html(reply, 403, otherOrganizationPage());
    if (user.role !== "admin") return html(reply, 403, adminOnlyPage());

    const deny = body.decision !== "allow";
    let storeId = 0;
    if (!deny) {
      storeId = Number(body.store_id);
      const choices = await cartStores(db, user.organizationId);
      if (!choices.some((s) => s.id === storeId)) {
        return html(
          reply,
          400,
          errorPage("invalid_request", "連携する店舗を選んでください。", "Choose a store to connect."),
        );
      }
    }
    const grantUser: GrantUser = { userId: user.id, organizationId: user.organizationId, storeId };
    const oauthRequest = new OAuth2Server.Request({
      method: "POST",
      headers: request.headers as Record<string, string>,
      query: {},
      body: { ...withoutEmpty(params), allowed: deny ? "false" : "true" },
    });
    const oauthResponse = new OAuth2Server.Response({ headers: {} });
    try {
      await server.authorize(oauthRequest, oauthResponse, {
        authenticateHandler: { handle: async () => grantUser },
      });
    } catch (error) {
      if (!oauthResponse.headers?.location) throw error;
    }
    return reply.redirect(oauthResponse.headers?.location as string, 303);
  });

  // ── Token and revocation ────────────────────────────────────────────────────────────────────────

  app.post(
    "/oauth/token",
    oauthDoc(
      "Token (authorization code or refresh)",
      "RFC 6749 form: `grant_type=authorization_code&code=&redirect_uri=` or `grant_type=refresh_token&refresh_token=`, " +
        "with `client_id` and `client_secret` in the form or HTTP Basic. Answers `{ access_token, token_type, expires_in, " +
        "refresh_token, scope }`; errors `{ error, error_description }`. The consent page is `GET /oauth/authorize`.",
    ),
    async (request, reply) => {
      const oauthRequest = new OAuth2Server.Request({
        method: request.method,
        headers: request.headers as Record<string, string>,
        query: request.query as Record<string, string>,
        body: formOf(request.body),
      });
      const oauthResponse = new OAuth2Server.Response({ headers: {} });
      try {
        await server.token(oauthRequest, oauthResponse);
        const body = { ...(oauthResponse.body as Record<string, unknown>) };
        if (Array.isArray(body.scope)) body.scope = body.scope.join(" ");
        return reply.status(200).send(body);
      } catch (error) {
        return sendOAuthError(reply, request, error);
      }
    },
  );

  app.post(
    "/oauth/revoke",
    oauthDoc(
      "Revoke a token",
      "RFC 7009 form: `token`, with the client's credentials. Ends the whole authorization the token belongs to.",
    ),
    async (request, reply) => {
      const body = formOf(request.body);
      const credentials = clientCredentials(request, body);
      const client = credentials ? await createModel(db).getClient(credentials.id, credentials.secret) : null;
      if (!client) {
        return sendOAuthError(
          reply,
          request,
          new OAuth2Server.InvalidClientError("Invalid client: client is invalid", { code: 401 }),
        );
      }
      if (!body.token) {
        return sendOAuthError(
          reply,
          request,
          new OAuth2Server.InvalidRequestError("Missing parameter: `token`"),
        );
      }
      await revokeClientToken(db, client, body.token);
      return reply.status(200).send({});
    },
  );
}

// ── helpers ───────────────────────────────────────────────────────────────────────────────────────

type FormBody = Record<string, string | undefined>;

function formOf(body: unknown): FormBody {
  if (!body || typeof body !== "object") return {};
  const form: FormBody = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === "string") form[key] = value;
  }
  return form;
}

function authorizeParams(source: unknown): AuthorizeParams {
  const form = formOf(source);
  return {
    client_id: form.client_id ?? "",
    redirect_uri: form.redirect_uri ?? "",
    response_type: form.response_type ?? "",
    scope: form.scope ?? "",
    state: form.state ?? "",
    code_challenge: form.code_challenge ?? "",
    code_challenge_method: form.code_challenge_method ?? "",
  };
}

/** The parameters that were sent (the library reads an empty PKCE method as an unsupported one). */
const withoutEmpty = (params: AuthorizeParams): Record<string, string> =>
  Object.fromEntries(Object.entries(params).filter(([, value]) => value !== ""));

type OAuthClient = OAuth2Server.Client & { name: string; organizationId: number };

type CheckedRequest = { page: string } | { redirect: string } | { client: OAuthClient; scopes: string[] };

/**
 * Checks an authorization request before anything is shown. An unknown client or a redirect URL that is
 * not the registered one is answered here (never redirected: the URL is not trusted); the other errors go
 * back to the registered redirect URL, as RFC 6749 §4.1.2.1 says.
 */
async function checkAuthorizeRequest(db: Db, params: AuthorizeParams): Promise<CheckedRequest> {
  if (!params.client_id) {
    return {
      page: errorPage("invalid_request", "client_id がありません。", "The request has no client_id."),
    };
  }
  const client = (await findClient(db, params.client_id)) as OAuthClient | null;
  if (!client) {
    return {
      page: errorPage(
        "invalid_client",
        "このアプリは登録されていないか、削除されています。",
        "This app is not registered, or was deleted.",
      ),
    };
  }
  const registered = (client.redirectUris as string[])[0] as string;
  if (params.redirect_uri && params.redirect_uri !== registered) {
    return {
      page: errorPage(
        "invalid_request",
        "redirect_uri がアプリに登録された URL と一致しません。",
        "redirect_uri does not match the URL registered for the app.",
      ),
    };
  }
  const back = (error: string, description: string) => {
    const url = new URL(registered);
    url.searchParams.set("error", error);
    url.searchParams.set("error_description", description);
    if (params.state) url.searchParams.set("state", params.state);
    return { redirect: url.toString() };
  };
  if (params.response_type !== "code") {
    return back("unsupported_response_type", "response_type must be code");
  }
  const requested = params.scope.split(" ").filter((s) => s !== "");
  if (requested.some((s) => !(cartScopes as readonly string[]).includes(s))) {
    return back("invalid_scope", `scope must be among: ${cartScopes.join(" ")}`);
  }
  return { client, scopes: requested.length > 0 ? requested : [...cartScopes] };
}

async function renderConsent(
  db: Db,
  user: SignedInUser,
  client: OAuthClient,
  scopes: string[],
  params: AuthorizeParams,
  request: FastifyRequest,
): Promise<string> {
  if (user.organizationId !== client.organizationId) return otherOrganizationPage();
  if (user.role !== "admin") return adminOnlyPage();
  const organization = await getOrganization(db, user.organizationId);
  return consentPage({
    appName: client.name,
    userEmail: user.email,
    organizationName: organization.name,
    stores: await cartStores(db, user.organizationId),
    scopes,
    params,
    csrf: consentCsrf(request.cookies[sessionCookie] as string),
  });
}

/** An app acts for the whole organization, as an API key does: only an admin may let one in. */
const adminOnlyPage = () =>
  errorPage(
    "access_denied",
    "アプリの連携を許可できるのは組織の管理者だけです。管理者のユーザーでログインしてください。",
    "Only an admin of the organization may connect an app; sign in as an admin.",
  );

const otherOrganizationPage = () =>
  errorPage(
    "access_denied",
    "このアプリは別の組織に登録されています。その組織のユーザーでログインしてください。",
    "This app is registered by another organization; sign in as a user of that organization.",
  );

/** The stores an app may be authorized for: the organization's stores of the cart channel. */
async function cartStores(db: Db, organizationId: number) {
  return db
    .select({ id: stores.id, name: stores.name })
    .from(stores)
    .where(and(eq(stores.organizationId, organizationId), eq(stores.channel, cartChannel)))
    .orderBy(stores.id);
}

async function sessionUser(db: Db, request: FastifyRequest): Promise<SignedInUser | null> {
  const token = request.cookies[sessionCookie];
  return token ? findSessionUser(db, token) : null;
}

/** The consent form's token is derived from the session: a page of another site cannot know it. */
const consentCsrf = (sessionToken: string) =>
  createHash("sha256").update(`kura-consent:${sessionToken}`).digest("base64url");

/** Before sign-in there is no session: the login form uses a double-submit cookie. */
function loginCsrf(request: FastifyRequest, reply: FastifyReply): string {
  const existing = request.cookies[loginCsrfCookie];
  if (existing) return existing;
  const value = randomBytes(24).toString("base64url");
  reply.setCookie(loginCsrfCookie, value, {
    path: "/oauth",
    httpOnly: true,
    sameSite: "lax",
    secure: request.protocol === "https",
  });
  return value;
}

function sameSecret(a: string, b: string): boolean {
  const digest = (v: string) => createHash("sha256").update(v).digest();
  return a.length > 0 && timingSafeEqual(digest(a), digest(b));
}

const html = (reply: FastifyReply, status: number, body: string) =>
  reply.status(status).type("text/html; charset=utf-8").send(body);

/** Client id and secret from HTTP Basic or the form (RFC 6749 §2.3.1). */
function clientCredentials(request: FastifyRequest, body: FormBody): { id: string; secret: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? "");
  if (match?.[1]) {
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) {
      return {
        id: decodeURIComponent(decoded.slice(0, colon)),
        secret: decodeURIComponent(decoded.slice(colon + 1)),
      };
    }
  }
  if (body.client_id && body.client_secret) return { id: body.client_id, secret: body.client_secret };
  return null;
}

function sendOAuthError(reply: FastifyReply, request: FastifyRequest, error: unknown) {
  if (!(error instanceof OAuth2Server.OAuthError)) throw error;
  let name = error.name;
  // RFC 6749 §5.2: a redirect URL other than the one of the authorization request is invalid_grant.
  if (name === "invalid_request" && /`redirect_uri` is invalid/.test(error.message)) name = "invalid_grant";
  const status = error.code === 503 || error.code >= 500 ? 500 : error.code;
  if (status >= 500) request.log.error({ err: error }, "OAuth2 server error");
  if (status === 401) reply.header("www-authenticate", 'Basic realm="kura"');
  return reply.status(status).send({ error: name, error_description: error.message });
}
