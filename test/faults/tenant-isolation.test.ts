// Tenant isolation: every merchant route of the API, tried by one organization with another's ids,
// answers 404 — whatever the method and the body — and changes nothing of the other organization.
// Routes come from the OpenAPI document, so a route added later is tried too.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { scopedParams, unscopedParams } from "../../src/api/tenant-scope.ts";
import type { Db } from "../../src/db/connection.ts";
import { orders, shipments, stores } from "../../src/db/schema.ts";
import { registerOrder } from "../../src/operations/register-order.ts";
import { type Api, type Json, useApi } from "../api/support.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";

let db: Db;
let api: Api;
useApi((env) => ({ db, api } = env));

type Merchant = Awaited<ReturnType<typeof givenMerchant>> & { orderId: number; shipmentId: number };

async function merchantWithAShipment(): Promise<Merchant> {
  const merchant = await givenMerchant(db);
  await merchant.product("SKU-1", 5);
  const { orderId } = await registerOrder(db, {
    organizationId: merchant.orgId,
    storeId: merchant.storeId,
    order: anOrder(),
    actor: "test",
  });
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!order?.shipmentId) throw new Error("the fixture order has no shipment slip");
  return { ...merchant, orderId, shipmentId: order.shipmentId };
}

let owner: Merchant;
let intruder: Merchant;
let routes: Array<{ method: string; path: string }>;

beforeAll(async () => {
  owner = await merchantWithAShipment();
  intruder = await merchantWithAShipment();
  const document = api.app.swagger() as { paths: Record<string, Record<string, unknown>> };
  routes = Object.entries(document.paths)
    .filter(([path]) => path.startsWith("/api/v1/merchant/{merchantId}"))
    .flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([method]) => ["get", "post", "put", "patch", "delete"].includes(method))
        // The cart API takes OAuth2 tokens, not API keys: its tenant checks are in test/cart-api/.
        .filter(
          ([, operation]) =>
            !JSON.stringify((operation as { security?: unknown }).security ?? []).includes("cartOAuth2"),
        )
        .map(([method]) => ({ method: method.toUpperCase(), path })),
    );
});

const paramsOf = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);

/** The owner's ids for every scoped parameter; plain words for the others. */
function ownersPath(path: string, merchantId: number): string {
  const ids: Record<string, number> = {
    storeId: owner.storeId,
    orderId: owner.orderId,
    shipmentId: owner.shipmentId,
  };
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (name === "merchantId") return String(merchantId);
    if (name === "function") return "orders.import";
    if (name === "code") return "SKU-1";
    return String(ids[name] ?? "0");
  });
}

const tryRoute = (method: string, path: string) =>
  api.call(method, path, {
    token: intruder.token,
    // A body that would pass most schemas' shape checks is beside the point: the ids are refused first.
    ...(method === "GET" || method === "DELETE" ? {} : { body: {} }),
  });

describe("tenant isolation", () => {
  it("knows what every path parameter of every merchant route names", () => {
    const unknown = routes
      .flatMap(({ path }) => paramsOf(path))
      .filter((name) => !(name in scopedParams) && !unscopedParams.has(name));
    expect(routes.length).toBeGreaterThan(20);
    expect([...new Set(unknown)]).toEqual([]);
  });

  it("answers 404 to another organization's merchant id on every route", async () => {
    const answers: Array<{ route: string; status: number }> = [];
    for (const { method, path } of routes) {
      const { status } = await tryRoute(method, ownersPath(path, owner.orgId));
      answers.push({ route: `${method} ${path}`, status });
    }
    expect(answers.filter((a) => a.status !== 404)).toEqual([]);
  });

  it("answers 404 to another organization's store, order and shipment ids under one's own merchant id", async () => {
    const answers: Array<{ route: string; status: number; body: Json }> = [];
    for (const { method, path } of routes) {
      if (!paramsOf(path).some((name) => name in scopedParams)) continue;
      const { status, body } = await tryRoute(method, ownersPath(path, intruder.orgId));
      answers.push({ route: `${method} ${path}`, status, body });
    }
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((a) => a.status !== 404)).toEqual([]);
  });

  it("left the other organization's store, order and shipment as they were", async () => {
    const [store] = await db.select().from(stores).where(eq(stores.id, owner.storeId));
    const [order] = await db.select().from(orders).where(eq(orders.id, owner.orderId));
    const [shipment] = await db.select().from(shipments).where(eq(shipments.id, owner.shipmentId));
    expect(store).toMatchObject({ organizationId: owner.orgId, name: "テスト店", status: "open" });
    expect(order).toMatchObject({ organizationId: owner.orgId, cancelledAt: null });
    expect(shipment).toMatchObject({ organizationId: owner.orgId, status: "allocated" });
  });
});
