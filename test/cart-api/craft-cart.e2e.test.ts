// The seed scenario end to end (O4, S2, I4, C2): a Craft Cart-style cart connects to Kura as an OAuth2 app
// through the real consent page, pushes an order when the merchant moves it to 受注情報送信, Kura registers
// and allocates it, it is shipped in Kura, the cart picks up the tracking number, and the cart's stock
// follows Kura's — except unlimited items, items beyond the plan's limit, and while the shop is closed.
// Then the failures: an expired access token is refreshed by the cart; a deleted app is refused.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CraftCart, startCraftCart } from "../../simulators/craft-cart/server.ts";
import type { Db } from "../../src/db/connection.ts";
import { oauthGrants, oauthTokens, shipments } from "../../src/db/schema.ts";
import type { SyncEngine } from "../../src/jobs/engine.ts";
import { listStoreFunctions } from "../../src/operations/sync-admin.ts";
import { type Api, type Json, merchantClient, useApi } from "../api/support.ts";
import { eventually, startEngine } from "../sync/support.ts";
import { Browser, consent, givenCartMerchant, registerApp } from "./support.ts";

let db: Db;
let api: Api;
let database: Parameters<typeof startEngine>[0];
useApi((env) => {
  db = env.db;
  api = env.api;
  database = env.database;
});

let engine: SyncEngine;

let cart: CraftCart;
let merchant: Awaited<ReturnType<typeof givenCartMerchant>>;
let kura: ReturnType<typeof merchantClient>;
let appId: number;

/** The cart's admin API. */
async function admin(method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(cart.url + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const cartState = async (): Promise<Json> => (await admin("GET", "/admin/state")).body;
const cartProduct = async (code: string) =>
  ((await cartState()).products as Json[]).find((p) => p.code === code);
const cartOrder = async (code: string) => ((await cartState()).orders as Json[]).find((o) => o.code === code);

function aSalesOrder(code: string, lines: Array<{ article_code: string; quantity: number }>) {
  return {
    code,
    ordered_at: "2026-11-20 10:15:00",
    buyer_name1: "山田",
    buyer_name2: "太郎",
    buyer_email: "taro@example.jp",
    recipient_name1: "山田",
    recipient_name2: "太郎",
    recipient_post_code: "150-0001",
    recipient_prefecture: "東京都",
    recipient_address1: "渋谷区",
    recipient_address2: "神宮前1-2-3",
    recipient_phone: "03-1234-5678",
    payment_method: "クレジットカード",
    delivery_method: "ヤマト宅急便",
    delivery_preferred_time_zone: "14時~16時",
    subtotal: 3000,
    delivery_fee: 500,
    total: 3800,
    lines: lines.map((l) => ({ ...l, article_name: `商品 ${l.article_code}`, price: 1500 })),
  };
}

async function receive(productCode: string, quantity: number) {
  const answer = await kura.post("/stock/receipts", { productCode, warehouseCode: "WH1", quantity });
  expect(answer.status).toBe(201);
}

beforeAll(async () => {
  engine = await startEngine(database); // the hub's worker runs alongside, as in production
  merchant = await givenCartMerchant(db);
  kura = merchantClient(api, merchant);
  await merchant.product("CC-1", 10);
  await merchant.product("CC-2", 3);
  await merchant.product("CC-UNL", 50);
  await merchant.product("CC-OVER", 20);

  cart = await startCraftCart({ kuraUrl: api.url, trackingIntervalMs: 200, stockIntervalMs: 200 });
  // The cart's catalogue, in registration order: the light plan links 100 items to stock.
  await admin("PUT", "/admin/products/CC-1", { name: "商品1", stock: 0 });
  await admin("PUT", "/admin/products/CC-2", { name: "商品2", stock: 0 });
  await admin("PUT", "/admin/products/CC-UNL", { name: "無制限商品", stock: 0, unlimited: true });
  for (let i = 3; i <= 100; i++) {
    await admin("PUT", `/admin/products/FILL-${String(i).padStart(3, "0")}`, { name: `その他 ${i}` });
  }
  await admin("PUT", "/admin/products/CC-OVER", { name: "101番目の商品", stock: 7 });
});

afterAll(async () => {
  await cart?.close();
  await engine?.stop();
});

describe("a Craft Cart-style cart connected to Kura", () => {
  it("is authorized through the consent page and holds tokens", async () => {
    const app = await registerApp(api, merchant, `${cart.url}/oauth/callback`);
    appId = app.id;
    const connect = await admin("POST", "/admin/connect", {
      merchantId: merchant.orgId,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
    });
    const browser = new Browser(api.url);
    const callback = await consent(browser, connect.body.authorizeUrl, {
      email: merchant.email,
      password: merchant.password,
      storeId: merchant.cartStoreId,
    });
    expect(callback.startsWith(`${cart.url}/oauth/callback?`)).toBe(true);

    const landed = await browser.request("GET", callback);

    expect(landed.status).toBe(200);
    expect((await cartState()).connected).toBe(true);
  });

  it("pushes an order only when the merchant moves it to 受注情報送信, and Kura registers and allocates it", async () => {
    await admin("POST", "/admin/orders", aSalesOrder("CC-0001", [{ article_code: "CC-1", quantity: 2 }]));
    const notYet = await admin("POST", "/admin/orders/CC-0001/status", { status: "入金待ち" });
    expect(notYet.body.sent).toBeNull();

    const sent = await admin("POST", "/admin/orders/CC-0001/status", { status: "受注情報送信" });

    expect(sent.body.sent).toMatchObject({
      status: 201,
      body: { sales_order: { code: "CC-0001", held: false, status: "awaiting_shipment" } },
    });
    const order = await kura.get(`/orders/${sent.body.sent.body.sales_order.id}`);
    expect(order.body.shipment).toMatchObject({ status: "allocated" });
    expect(order.body.timeSlot).toBe("14時～16時");
  });

  it("picks up the tracking number once the order is shipped in Kura", async () => {
    const sent = (await cartOrder("CC-0001")).sent.body.sales_order;
    const order = await kura.get(`/orders/${sent.id}`);
    const shipped = await kura.post(`/shipments/${order.body.shipment.id}/ship`, {
      carrier: "ヤマト運輸",
      trackingNumber: "123456789012",
      shippedOn: "2026-11-21",
    });
    expect(shipped.status).toBe(200);

    const picked = await eventually(async () => {
      const o = await cartOrder("CC-0001");
      return o.trackingNumbers.length > 0 && o;
    });
    expect(picked).toMatchObject({
      status: "発送済み",
      trackingNumbers: ["123456789012"],
      carrier: "ヤマト運輸",
      shippedOn: "2026-11-21",
    });
    // Kura itself sends no notice to a cart that pulls: the worker marks it so, and nothing fails.
    await eventually(async () => {
      const [slip] = await db.select().from(shipments).where(eq(shipments.id, order.body.shipment.id));
      return slip?.noticeStatus === "not_supported";
    });
    const functions = await listStoreFunctions(db, merchant.orgId, merchant.cartStoreId);
    expect(functions.filter((f) => f.failing)).toEqual([]);
  });

  it("follows Kura's stock, but leaves unlimited items and items beyond the plan's limit alone", async () => {
    await receive("CC-1", 5); // 10 − 2 shipped + 5

    await eventually(async () => (await cartProduct("CC-1")).stock === 13);
    expect((await cartProduct("CC-2")).stock).toBe(3);
    expect((await cartProduct("CC-UNL")).stock).toBe(0);
    expect((await cartProduct("CC-OVER")).stock).toBe(7);
    const [run] = (await cartState()).stockRuns.slice(-1);
    expect(run.overCap).toEqual(["CC-OVER"]);
    expect(run.unlimited).toEqual(["CC-UNL"]);
  });

  it("does not change its stock while the shop is closed; 'get stock now' fetches one item", async () => {
    const closedRuns = async (): Promise<number> =>
      (await cartState()).stockRunCounts.skipped_shop_closed ?? 0;
    await admin("PATCH", "/admin/settings", { shopOpen: false });
    // Runs never overlap: once one run saw the shop closed, no run that began while it was open is left.
    await eventually(async () => (await closedRuns()) >= 1);
    await receive("CC-2", 4);
    const seen = await closedRuns();
    await eventually(async () => (await closedRuns()) > seen);
    expect((await cartProduct("CC-2")).stock).toBe(3);

    const now = await admin("POST", "/admin/products/CC-2/fetch-stock");
    expect(now.body.stock).toBe(7);

    await admin("PATCH", "/admin/settings", { shopOpen: true });
    await receive("CC-2", 1);
    await eventually(async () => (await cartProduct("CC-2")).stock === 8);
  });

  it("refreshes an expired access token by itself and carries on", async () => {
    const before = (await cartState()).calls.refreshes;
    await db
      .update(oauthTokens)
      .set({ accessTokenExpiresAt: sql`now() - interval '1 second'` })
      .where(sql`${oauthTokens.revokedAt} IS NULL`);
    await receive("CC-1", 1);

    await eventually(async () => (await cartProduct("CC-1")).stock === 14);
    const state = await cartState();
    expect(state.calls.refreshes).toBeGreaterThan(before);
    expect(state.connected).toBe(true);
  });

  it("is refused once the merchant deletes the app: no order goes in, no stock comes out", async () => {
    const deleted = await kura.delete(`/apps/${appId}`);
    expect(deleted.status).toBe(204);
    const [grant] = await db.select().from(oauthGrants).where(eq(oauthGrants.appId, appId));
    expect(grant?.revokedAt).not.toBeNull();

    await admin("POST", "/admin/orders", aSalesOrder("CC-0002", [{ article_code: "CC-1", quantity: 1 }]));
    const sent = await admin("POST", "/admin/orders/CC-0002/status", { status: "受注情報送信" });

    expect(sent.body.sent.status).toBe(400);
    expect(sent.body.sent.body.error).toBe("invalid_client");
    const state = await cartState();
    expect(state.connected).toBe(false);
    expect(state.connectionError).toContain("invalid_client");
    const orders = await kura.get(`/orders?storeId=${merchant.cartStoreId}`);
    expect(orders.body.data.map((o: Json) => o.orderCode)).toEqual(["CC-0001"]);
  });
});
