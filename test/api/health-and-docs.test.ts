import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { givenMerchant } from "../support/fixtures.ts";
import { type Api, startApi } from "./support.ts";

let testDb: TestDatabase;
let api: Api;
beforeAll(async () => {
  testDb = await createTestDatabase();
  api = await startApi(testDb.database);
});
afterAll(async () => {
  await api.close();
  await testDb[Symbol.asyncDispose]();
});

describe("health and documentation", () => {
  it("answers /health with the database kind after a round trip to it", async () => {
    const answer = await api.call("GET", "/health");

    expect(answer).toMatchObject({ status: 200, body: { status: "ok", database: testDb.database.kind } });
  });

  it("reports an unreachable database as 503 on /health and 500 internal_error elsewhere, without details", async () => {
    const doomed = await createTestDatabase();
    const doomedApi = await startApi(doomed.database);
    const m = await givenMerchant(doomed.database.db);
    await doomed[Symbol.asyncDispose]();
    try {
      const health = await doomedApi.call("GET", "/health");
      const orders = await doomedApi.call("GET", `/api/v1/merchant/${m.orgId}/orders`, { token: m.token });

      expect(health).toMatchObject({ status: 503, body: { error: { code: "database_unavailable" } } });
      expect(orders).toMatchObject({
        status: 500,
        body: { error: { code: "internal_error", message: "an unexpected error occurred" } },
      });
    } finally {
      await doomedApi.close();
    }
  });

  it("serves Swagger UI at /docs", async () => {
    const answer = await api.call("GET", "/docs");

    expect(answer.status).toBe(200);
    expect(answer.body).toContain("swagger-ui");
  });

  it("documents every route with its schemas in /docs/json", async () => {
    const { body: doc } = await api.call("GET", "/docs/json");

    const m = "/api/v1/merchant/{merchantId}";
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/health",
        "/api/v1/organizations",
        m,
        `${m}/api-keys`,
        `${m}/warehouses`,
        `${m}/stores`,
        `${m}/stores/{storeId}`,
        `${m}/products`,
        `${m}/products/{code}`,
        `${m}/stores/{storeId}/correspondences`,
        `${m}/stores/{storeId}/correspondences.csv`,
        `${m}/stores/{storeId}/correspondences/import`,
        `${m}/payment-methods`,
        `${m}/delivery-services`,
        `${m}/delivery-methods`,
        `${m}/stores/{storeId}/mappings`,
        `${m}/stores/{storeId}/orders`,
        `${m}/orders`,
        `${m}/orders/{orderId}`,
        `${m}/orders/{orderId}/cancel`,
        `${m}/shipments`,
        `${m}/shipments/{shipmentId}`,
        `${m}/shipments/{shipmentId}/start`,
        `${m}/shipments/{shipmentId}/return`,
        `${m}/shipments/{shipmentId}/ship`,
        `${m}/stock`,
        `${m}/stock/ledger`,
        `${m}/stock/receipts`,
        `${m}/stock/stocktakes`,
        `${m}/availability`,
        `${m}/stores/{storeId}/availability`,
      ]),
    );
    const register = doc.paths[`${m}/stores/{storeId}/orders`].post;
    const orderBody = register.requestBody.content["application/json"].schema;
    expect(orderBody.required).toEqual(expect.arrayContaining(["orderCode", "lines", "amounts"]));
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(["201", "400", "401", "404"]));
    expect(register.security).toEqual([{ apiKey: [] }]);
  });

  it("answers an unknown route with the error shape", async () => {
    const answer = await api.call("GET", "/api/v1/nothing-here");

    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ code: "not_found" });
  });
});
