// The web admin signs in with a user of the organization and then calls the merchant routes with its
// session cookie; API keys keep working beside it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Database, Db } from "../../src/db/connection.ts";
import { createUser } from "../../src/operations/users.ts";
import { type Api, merchantClient, startApi, useApi } from "../api/support.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";

let db: Db;
let api: Api;
let database: Database;
useApi((env) => ({ db, api, database } = env));

let userCounter = 0;
async function givenUser(role: "admin" | "operator" = "admin") {
  const m = await givenMerchant(db);
  userCounter += 1;
  const email = `user${userCounter}@example.jp`;
  await createUser(db, m.orgId, { email, name: "山田 花子", password: "correct horse battery", role });
  return { ...m, email, password: "correct horse battery" };
}

async function signIn(email: string, password: string) {
  const answer = await api.call("POST", "/api/v1/session", { body: { email, password } });
  const cookie = (answer.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return { answer, cookie };
}

describe("signing in to the web admin", () => {
  it("sets an HttpOnly, SameSite=Strict session cookie and says who is signed in", async () => {
    const u = await givenUser();

    const { answer, cookie } = await signIn(u.email, u.password);

    expect(answer.status).toBe(200);
    expect(answer.body.user).toMatchObject({ email: u.email, role: "admin" });
    expect(answer.body.organization.id).toBe(u.orgId);
    const setCookie = answer.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const me = await api.call("GET", "/api/v1/session", { headers: { cookie } });
    expect(me.body.user.email).toBe(u.email);
  });

  it("refuses a wrong password without saying whether the e-mail exists", async () => {
    const u = await givenUser();

    const wrong = await signIn(u.email, "not the password");
    const unknown = await signIn("nobody@example.jp", "not the password");

    expect(wrong.answer.status).toBe(401);
    expect(unknown.answer.status).toBe(401);
    expect(wrong.answer.body.error.message).toBe(unknown.answer.body.error.message);
  });

  it("calls the merchant's routes with the session, and not another organization's", async () => {
    const u = await givenUser();
    const other = await givenMerchant(db);
    const { cookie } = await signIn(u.email, u.password);

    const mine = await api.call("GET", `/api/v1/merchant/${u.orgId}/stores`, { headers: { cookie } });
    const theirs = await api.call("GET", `/api/v1/merchant/${other.orgId}/stores`, { headers: { cookie } });

    expect(mine.status).toBe(200);
    expect(mine.body.data[0].name).toBe("テスト店");
    expect(theirs.status).toBe(404);
  });

  it("refuses a write made with the session but neither the admin header nor JSON (CSRF)", async () => {
    const u = await givenUser();
    const { cookie } = await signIn(u.email, u.password);
    const path = `/api/v1/merchant/${u.orgId}/stores/${u.storeId}/correspondences/import`;
    const csv = "item_code,option_code,product_code,quantity,unlimited_stock\r\n";

    const forged = await api.call("POST", path, {
      raw: csv,
      headers: { cookie, "content-type": "text/csv" },
    });
    const fromAdmin = await api.call("POST", path, {
      raw: csv,
      headers: { cookie, "content-type": "text/csv", "x-kura-admin": "1" },
    });

    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe("csrf_header_missing");
    expect(fromAdmin.status).not.toBe(403);
  });

  it("keeps API keys working beside sessions", async () => {
    const u = await givenUser();

    const answer = await api.call("GET", `/api/v1/merchant/${u.orgId}/stores`, { token: u.token });

    expect(answer.status).toBe(200);
  });

  it("ends the session on sign-out: the cookie no longer opens anything", async () => {
    const u = await givenUser();
    const { cookie } = await signIn(u.email, u.password);

    const out = await api.call("DELETE", "/api/v1/session", { headers: { cookie, "x-kura-admin": "1" } });
    const after = await api.call("GET", `/api/v1/merchant/${u.orgId}/stores`, { headers: { cookie } });

    expect(out.status).toBe(204);
    expect(after.status).toBe(401);
  });

  it("lets an operator work but not manage users, API keys or cart apps", async () => {
    const u = await givenUser("operator");
    const { cookie } = await signIn(u.email, u.password);
    const headers = { cookie, "x-kura-admin": "1" };
    const base = `/api/v1/merchant/${u.orgId}`;

    const orders = await api.call("GET", `${base}/orders`, { headers });
    const addUser = await api.call("POST", `${base}/users`, {
      headers,
      body: { email: "new@example.jp", name: "新人", password: "long enough pw", role: "admin" },
    });
    const issueKey = await api.call("POST", `${base}/api-keys`, { headers, body: { name: "mine" } });
    const registerApp = await api.call("POST", `${base}/apps`, {
      headers,
      body: { name: "my cart", redirectUri: "https://cart.example.jp/callback" },
    });

    expect(orders.status).toBe(200);
    expect([addUser.status, issueKey.status, registerApp.status]).toEqual([403, 403, 403]);
    expect(issueKey.body).toMatchObject({ error: { code: "admin_only" } });
  });

  it("slows down guessing: the 11th sign-in attempt within a minute answers 429", async () => {
    const u = await givenUser();
    const statuses: number[] = [];

    for (let i = 0; i < 11; i++) statuses.push((await signIn(u.email, `guess ${i}`)).answer.status);

    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});

describe("serving the built admin", () => {
  it("serves the app at / and its routes, while the API and the docs keep their own answers", async () => {
    const root = mkdtempSync(join(tmpdir(), "kura-web-"));
    writeFileSync(join(root, "index.html"), "<!doctype html><title>Kura</title>");
    const withApp = await startApi(database, { webRoot: root });
    try {
      const home = await withApp.call("GET", "/");
      const deep = await withApp.call("GET", "/orders/12");
      const api404 = await withApp.call("GET", "/api/v1/nothing-here");
      const docs = await withApp.call("GET", "/docs/json");

      expect(home.status).toBe(200);
      expect(home.body).toContain("<title>Kura</title>");
      expect(deep.body).toContain("<title>Kura</title>");
      expect(api404.status).toBe(404);
      expect(api404.body.error.code).toBe("not_found");
      expect(docs.body.openapi).toMatch(/^3\./);
    } finally {
      await withApp.close();
    }
  });
});

describe("fixing a held order", () => {
  it("maps the order again once the missing correspondence exists, and allocates it (no remap needed)", async () => {
    const u = await givenUser();
    await u.product("TEA-1", 5);
    const client = merchantClient(api, u);
    const registered = await client.post(
      `/stores/${u.storeId}/orders`,
      anOrder({ lines: [{ itemCode: "tea-gift", name: "お茶ギフト", quantity: 1, unitPrice: 1000 }] }),
    );
    expect(registered.body.holdReasons[0].code).toBe("unknown_product_code");
    await client.put(`/stores/${u.storeId}/correspondences`, {
      itemCode: "tea-gift",
      components: [{ productCode: "TEA-1", quantity: 2 }],
    });

    // Registering the correspondence releases the orders held for that item itself; a remap is then refused.
    const order = await client.get(`/orders/${registered.body.orderId}`);
    const remapped = await client.post(`/orders/${registered.body.orderId}/remap`);

    expect(remapped.status).toBe(409);
    expect(remapped.body.error.code).toBe("order_not_held");
    expect(order.body.held).toBe(false);
    expect(order.body.allocated).toBe(true);
    expect(order.body.items).toEqual([expect.objectContaining({ productCode: "TEA-1", quantity: 2 })]);
  });
});

describe("what the admin reads and manages", () => {
  it("shows on the dashboard the held orders and the orders per day of each store", async () => {
    const u = await givenUser();
    const client = merchantClient(api, u);
    await client.post(
      `/stores/${u.storeId}/orders`,
      anOrder({
        orderedAt: new Date().toISOString(),
        lines: [{ itemCode: "nothing-like-it", name: "不明", quantity: 1, unitPrice: 500 }],
      }),
    );

    const dashboard = await client.get("/dashboard");

    expect(dashboard.status).toBe(200);
    expect(dashboard.body.heldOrders).toHaveLength(1);
    expect(dashboard.body.ordersPerDay).toEqual([expect.objectContaining({ storeId: u.storeId, count: 1 })]);
    expect(dashboard.body.stores[0].functions.map((f: { function: string }) => f.function)).toContain(
      "orders.import",
    );
  });

  it("lists API keys without their tokens, and a revoked key stops working", async () => {
    const u = await givenUser();
    const { cookie } = await signIn(u.email, u.password);
    const headers = { cookie, "x-kura-admin": "1" };
    const base = `/api/v1/merchant/${u.orgId}`;
    const keys = await api.call("GET", `${base}/api-keys`, { headers });

    const revoked = await api.call("DELETE", `${base}/api-keys/${keys.body.data[0].id}`, { headers });
    const withRevokedKey = await api.call("GET", `${base}/stores`, { token: u.token });

    expect(JSON.stringify(keys.body)).not.toContain(u.token);
    expect(revoked.status).toBe(204);
    expect(withRevokedKey.status).toBe(401);
  });

  it("lets an admin add a user, and a disabled user's session ends", async () => {
    const u = await givenUser();
    const admin = await signIn(u.email, u.password);
    const headers = { cookie: admin.cookie, "x-kura-admin": "1" };
    const base = `/api/v1/merchant/${u.orgId}`;
    const added = await api.call("POST", `${base}/users`, {
      headers,
      body: {
        email: `op${u.orgId}@example.jp`,
        name: "倉庫 担当",
        password: "a long password",
        role: "operator",
      },
    });
    const operator = await signIn(`op${u.orgId}@example.jp`, "a long password");

    await api.call("DELETE", `${base}/users/${added.body.id}`, { headers });
    const after = await api.call("GET", `${base}/orders`, { headers: { cookie: operator.cookie } });

    expect(added.status).toBe(201);
    expect(operator.answer.status).toBe(200);
    expect(after.status).toBe(401);
  });
});
