import { describe, expect, it } from "vitest";
import type { Database, Db } from "../../src/db/connection.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";
import { type Api, merchantClient, startApi, useApi } from "./support.ts";

let db: Db;
let api: Api;
let database: Database;
useApi((env) => ({ db, api, database } = env), { adminToken: "admin-secret" });

describe("API keys", () => {
  it("refuses a merchant route without an API key", async () => {
    const m = await givenMerchant(db);

    const answer = await api.call("GET", `/api/v1/merchant/${m.orgId}/orders`);

    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe("unauthorized");
    expect(answer.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("refuses an unknown API key", async () => {
    const m = await givenMerchant(db);

    const answer = await api.call("GET", `/api/v1/merchant/${m.orgId}/orders`, { token: "kura_not-a-key" });

    expect(answer.status).toBe(401);
  });

  it("answers 404 when a valid key asks for another organization's merchant id", async () => {
    const mine = await givenMerchant(db);
    const theirs = await givenMerchant(db);

    const answer = await api.call("GET", `/api/v1/merchant/${theirs.orgId}/products`, { token: mine.token });

    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe("not_found");
  });

  it("shows the merchant its own organization", async () => {
    const m = await givenMerchant(db);

    const answer = await merchantClient(api, m).get("");

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: m.orgId, name: expect.stringMatching(/^Merchant/) });
  });

  it("issues another API key that works at once, showing its token once", async () => {
    const m = await givenMerchant(db);

    const issued = await merchantClient(api, m).post("/api-keys", { name: "warehouse tablet" });

    expect(issued.status).toBe(201);
    expect(issued.body.token).toMatch(/^kura_/);
    const withNewKey = await merchantClient(api, { orgId: m.orgId, token: issued.body.token }).get("/stores");
    expect(withNewKey.status).toBe(200);
  });
});

describe("isolation between organizations", () => {
  it("never shows one organization's orders, products, shipments or stock to another, even by id", async () => {
    const a = await givenMerchant(db);
    await a.product("SECRET-1", 5);
    const registered = await merchantClient(api, a).post(
      `/stores/${a.storeId}/orders`,
      anOrder({
        lines: [{ itemCode: "SECRET-1", name: "秘密", quantity: 1, unitPrice: 100 }],
      }),
    );
    const orderA = await merchantClient(api, a).get(`/orders/${registered.body.orderId}`);
    const b = merchantClient(api, await givenMerchant(db));

    expect((await b.get(`/orders/${registered.body.orderId}`)).status).toBe(404);
    expect((await b.post(`/orders/${registered.body.orderId}/cancel`, { reason: "x" })).status).toBe(404);
    expect((await b.get(`/shipments/${orderA.body.shipment.id}`)).status).toBe(404);
    expect((await b.post(`/shipments/${orderA.body.shipment.id}/start`)).status).toBe(404);
    expect((await b.get("/products/SECRET-1")).status).toBe(404);
    expect((await b.get(`/stores/${a.storeId}`)).status).toBe(404);
    expect((await b.get(`/stores/${a.storeId}/correspondences`)).status).toBe(404);
    expect((await b.get("/orders")).body.total_count).toBe(0);
    expect((await b.get("/products?q=SECRET")).body.total_count).toBe(0);
    expect((await b.get("/stock?productCode=SECRET-1")).body.data).toEqual([]);
    expect((await b.get("/stock/ledger?productCode=SECRET-1")).body.data).toEqual([]);
    expect((await b.get("/shipments")).body.data).toEqual([]);
  });

  it("does not let one organization register an order into another's store", async () => {
    const a = await givenMerchant(db);
    const b = merchantClient(api, await givenMerchant(db));

    const answer = await b.post(`/stores/${a.storeId}/orders`, anOrder());

    expect(answer.status).toBe(404);
    expect((await merchantClient(api, a).get("/orders")).body.total_count).toBe(0);
  });
});

describe("creating organizations", () => {
  it("creates an organization with its first API key for the admin token", async () => {
    const created = await api.call("POST", "/api/v1/organizations", {
      token: "admin-secret",
      body: { name: "新しい店" },
    });

    expect(created.status).toBe(201);
    expect(created.body.organization.name).toBe("新しい店");
    const own = await merchantClient(api, {
      orgId: created.body.organization.id,
      token: created.body.apiKey.token,
    }).get("");
    expect(own.body.name).toBe("新しい店");
  });

  it("refuses to create an organization without the admin token", async () => {
    const m = await givenMerchant(db);

    const answer = await api.call("POST", "/api/v1/organizations", { token: m.token, body: { name: "x" } });

    expect(answer.status).toBe(401);
  });

  it("hides organization creation when no admin token is configured", async () => {
    const closed = await startApi(database);
    try {
      const answer = await closed.call("POST", "/api/v1/organizations", {
        token: "anything",
        body: { name: "x" },
      });

      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe("not_found");
    } finally {
      await closed.close();
    }
  });
});
