// A merchant ready for a cart: a store of channel cart-api, a user who can sign in on the consent page, and
// a browser-like client (cookies, manual redirects) that walks the real consent page over HTTP.
import type { Db } from "../../src/db/connection.ts";
import { createStore, setStoreMapping } from "../../src/operations/masters.ts";
import { createUser } from "../../src/operations/users.ts";
import type { Api } from "../api/support.ts";
import { givenMerchant } from "../support/fixtures.ts";

let counter = 0;

export async function givenCartMerchant(db: Db) {
  counter += 1;
  const merchant = await givenMerchant(db);
  const store = await createStore(db, merchant.orgId, {
    channel: "cart-api",
    name: "Craft Cart 店",
    warehouseCode: "WH1",
  });
  await setStoreMapping(db, merchant.orgId, store.id, {
    kind: "payment_method",
    channelValue: "クレジットカード",
    target: "credit_card",
  });
  await setStoreMapping(db, merchant.orgId, store.id, {
    kind: "delivery_method",
    channelValue: "ヤマト宅急便",
    target: "takkyubin",
  });
  const email = `owner${counter}-${Date.now()}@example.jp`;
  const password = "correct horse battery";
  await createUser(db, merchant.orgId, { email, name: "店長", password, role: "admin" });
  return { ...merchant, cartStoreId: store.id, email, password };
}

/** A browser: keeps cookies per name, never follows redirects by itself. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly baseUrl: string) {}

  async request(method: string, pathOrUrl: string, form?: Record<string, string>) {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : this.baseUrl + pathOrUrl;
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (form) headers["content-type"] = "application/x-www-form-urlencoded";
    const response = await fetch(url, {
      method,
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: "manual",
    });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(";");
      const [name, ...value] = (pair ?? "").split("=");
      if (name) this.cookies.set(name.trim(), value.join("="));
    }
    return {
      status: response.status,
      location: response.headers.get("location"),
      html: await response.text(),
    };
  }
}

/** The hidden fields of the page's form, as the browser would post them. */
export function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[decode(match[1] ?? "")] = decode(match[2] ?? "");
  }
  return fields;
}

const decode = (value: string) => value.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));

export interface ConsentOptions {
  email: string;
  password: string;
  storeId: number;
  decision?: "allow" | "deny";
}

/**
 * Opens an authorization URL as the merchant: signs in on the login form, allows (or denies) on the consent
 * page, and answers where Kura redirects the browser (the app's redirect URL with code or error).
 */
export async function consent(
  browser: Browser,
  authorizeUrl: string,
  options: ConsentOptions,
): Promise<string> {
  let page = await browser.request("GET", authorizeUrl);
  if (page.status !== 200) throw new Error(`authorize answered ${page.status}: ${page.html.slice(0, 300)}`);
  if (page.html.includes('action="/oauth/login"')) {
    const login = await browser.request("POST", "/oauth/login", {
      ...formFields(page.html),
      email: options.email,
      password: options.password,
    });
    if (login.status !== 303 || !login.location) throw new Error(`login answered ${login.status}`);
    page = await browser.request("GET", login.location);
  }
  if (!page.html.includes('action="/oauth/authorize"'))
    throw new Error(`no consent form: ${page.html.slice(0, 300)}`);
  const answer = await browser.request("POST", "/oauth/authorize", {
    ...formFields(page.html),
    store_id: String(options.storeId),
    decision: options.decision ?? "allow",
  });
  if (answer.status !== 303 || !answer.location)
    throw new Error(`consent answered ${answer.status}: ${answer.html.slice(0, 300)}`);
  return answer.location;
}

/** Registers an app through the merchant API. */
export async function registerApp(api: Api, merchant: { orgId: number; token: string }, redirectUri: string) {
  const answer = await api.call("POST", `/api/v1/merchant/${merchant.orgId}/apps`, {
    token: merchant.token,
    body: { name: "Craft Cart", redirectUri },
  });
  if (answer.status !== 201)
    throw new Error(`register app answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as { id: number; clientId: string; clientSecret: string };
}

export function authorizeUrl(baseUrl: string, params: Record<string, string>): string {
  return `${baseUrl}/oauth/authorize?${new URLSearchParams({ response_type: "code", ...params }).toString()}`;
}

/** POST /oauth/token with a form, as a cart does. */
export async function tokenRequest(baseUrl: string, form: Record<string, string>) {
  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  // biome-ignore lint/suspicious/noExplicitAny: answers are read by shape in the tests
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

/** Registers an app and authorizes it for the merchant's cart store: the cart's access token. */
export async function connectCart(
  api: Api,
  merchant: Awaited<ReturnType<typeof givenCartMerchant>>,
  scope?: string,
): Promise<{ accessToken: string; refreshToken: string; appId: number }> {
  const redirectUri = "http://127.0.0.1:9/callback";
  const app = await registerApp(api, merchant, redirectUri);
  const location = await consent(
    new Browser(api.url),
    authorizeUrl(api.url, {
      client_id: app.clientId,
      redirect_uri: redirectUri,
      ...(scope ? { scope } : {}),
    }),
    { email: merchant.email, password: merchant.password, storeId: merchant.cartStoreId },
  );
  const code = new URL(location).searchParams.get("code") ?? "";
  const token = await tokenRequest(api.url, {
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri,
    client_id: app.clientId,
    client_secret: app.clientSecret,
  });
  if (token.status !== 200) throw new Error(`token answered ${token.status}: ${JSON.stringify(token.body)}`);
  return { accessToken: token.body.access_token, refreshToken: token.body.refresh_token, appId: app.id };
}
