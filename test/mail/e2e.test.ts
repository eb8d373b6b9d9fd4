// Mail-driven stock sync end to end (O5 + I5, zaikoRobot style): a cart without an API client forwards its
// order mails to Kura over SMTP and takes stock from Kura at its own endpoint; another store sells the same
// products on the test channel.
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CartEndpoint, startCartEndpoint } from "../../simulators/cart-endpoint/server.ts";
import type { TestChannel } from "../../simulators/test-channel/server.ts";
import type { Db } from "../../src/db/connection.ts";
import {
  channelItemStates,
  mailMessages,
  orders,
  outboxEvents,
  products,
  shipments,
  stockLevels,
  syncRuns,
} from "../../src/db/schema.ts";
import type { SyncEngine } from "../../src/jobs/engine.ts";
import { createTemplate, setInbox } from "../../src/mail/admin.ts";
import { type MailListener, startMailListener } from "../../src/mail/smtp.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import { createStore, setCorrespondence } from "../../src/operations/masters.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { eventually, givenChannelStore, pauseStore, secretBox, startEngine } from "../sync/support.ts";
import { buildMail, orderMailTemplate, orderMailText, sendRawMail } from "./messages.ts";

const smtpAuth = { user: "cart-forwarder", password: "forward-me-please" };
let testDb: TestDatabase;
let db: Db;
let engine: SyncEngine;
let listener: MailListener;
let cart: CartEndpoint;
let sim: TestChannel;
let orgId: number;
let cartStoreId: number;
let otherStoreId: number;
const inbox = "orders+cart@kura.example.jp";

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.database.db;
  engine = await startEngine(testDb.database);
  listener = await startMailListener({
    db,
    host: "127.0.0.1",
    port: 0,
    auth: smtpAuth,
    log: pino({ level: "silent" }),
  });

  // Another store: the test channel, selling the same products (stock 500 each).
  const other = await givenChannelStore(db);
  sim = other.sim;
  orgId = other.orgId;
  otherStoreId = other.storeId;

  // The cart: stock pushed to its endpoint, orders by forwarded mail, "stock only".
  cart = await startCartEndpoint();
  cart.seedItems([
    { code: "TEA-SENCHA-100", stock: 0 },
    { code: "TEA-HOJI-100", stock: 0 },
    { code: "GIFT-CARD", stock: 0, unlimited: true },
    { code: "TENUGUI", stock: 0, inventoryCode: "ZK-TENUGUI-KOI" },
  ]);
  const store = await createStore(db, orgId, {
    channel: "cart-endpoint",
    name: "カート店",
    warehouseCode: "WH1",
    settings: { endpoint: cart.url },
  });
  cartStoreId = store.id;
  for (const [itemCode, productCode, unlimitedStock] of [
    ["TEA-SENCHA-100", "TEA-SENCHA-100", false],
    ["TEA-HOJI-100", "TEA-HOJI-100", false],
    ["GIFT-CARD", "GIFT-CARD", true],
    ["TENUGUI", "TENUGUI-KOI", false],
  ] as const) {
    await setCorrespondence(db, orgId, cartStoreId, {
      itemCode,
      unlimitedStock,
      components: [{ productCode, quantity: 1 }],
    });
  }
  await setInbox(db, orgId, cartStoreId, {
    address: inbox,
    stockMode: "consume",
    defaultPaymentMethod: "credit_card",
    defaultDeliveryMethod: "takkyubin",
  });
  await createTemplate(db, orgId, cartStoreId, { name: "受注メール", body: orderMailTemplate });
  // Credentials start the cart store's schedules: its first full push gives the cart Kura's numbers.
  await setStoreCredentials(db, secretBox, orgId, cartStoreId, {
    values: { username: cart.username, password: cart.password },
  });
  await eventually(
    async () =>
      cart.stockOf("TEA-SENCHA-100") === 500 &&
      cart.stockOf("TEA-HOJI-100") === 500 &&
      sim.stockOf("TEA-SENCHA-100")?.quantity === 500,
  );
  await quiet();
}, 60_000);

/** No event waiting to be dispatched and no run of the cart store under way. */
async function quiet(): Promise<void> {
  await eventually(async () => {
    const pending = await db.select().from(outboxEvents).where(isNull(outboxEvents.processedAt));
    const running = await db
      .select()
      .from(syncRuns)
      .where(and(eq(syncRuns.storeId, cartStoreId), eq(syncRuns.outcome, "running")));
    return pending.length === 0 && running.length === 0;
  });
}

afterAll(async () => {
  await pauseStore(db, cartStoreId);
  await pauseStore(db, otherStoreId);
  await engine?.stop();
  await listener?.close();
  await cart?.close();
  await sim?.close();
  await testDb?.[Symbol.asyncDispose]();
});

async function onHand(code: string): Promise<number> {
  const [row] = await db
    .select({ onHand: stockLevels.onHand })
    .from(stockLevels)
    .innerJoin(products, eq(products.id, stockLevels.productId))
    .where(and(eq(products.organizationId, orgId), eq(products.code, code)));
  return row?.onHand ?? 0;
}

const mailFor = (orderCode: string) =>
  db
    .select()
    .from(mailMessages)
    .where(and(eq(mailMessages.storeId, cartStoreId), eq(mailMessages.orderCode, orderCode)))
    .orderBy(desc(mailMessages.id));

function sendOrderMail(orderCode: string, items: Array<{ code: string; quantity: number }>) {
  const text = orderMailText({
    orderCode,
    items: items.map((i) => ({ ...i, name: `商品 ${i.code}`, price: 1080 })),
  });
  return sendRawMail({
    port: listener.port,
    to: inbox,
    auth: { user: smtpAuth.user, pass: smtpAuth.password },
    raw: buildMail({
      charset: "ISO-2022-JP",
      subject: `【カート店】ご注文ありがとうございます（${orderCode}）`,
      to: inbox,
      text,
    }),
  });
}

async function pushRunsOfCartSince(id: number) {
  return db
    .select()
    .from(syncRuns)
    .where(and(eq(syncRuns.storeId, cartStoreId), eq(syncRuns.function, "stock.push"), gt(syncRuns.id, id)));
}

async function lastRunId(): Promise<number> {
  const [row] = await db.select({ id: syncRuns.id }).from(syncRuns).orderBy(desc(syncRuns.id)).limit(1);
  return row?.id ?? 0;
}

describe("mail-driven stock sync with a cart endpoint", () => {
  it("an ISO-2022-JP order mail lowers Kura's stock, reaches the other store, and is not echoed to the cart", async () => {
    const pushesToCart = cart.updates.filter((u) => u.code === "TEA-SENCHA-100").length;
    await quiet();
    const runsBefore = await lastRunId();
    cart.sell("TEA-SENCHA-100", 2); // the buyer ordered on the cart, which lowered its own number

    await sendOrderMail("CART-20261123-001", [{ code: "TEA-SENCHA-100", quantity: 2 }]);

    const [mail] = await mailFor("CART-20261123-001");
    expect(mail).toMatchObject({ status: "registered", reason: null });
    expect(await onHand("TEA-SENCHA-100")).toBe(498);
    const [order] = await db
      .select()
      .from(orders)
      .where(eq(orders.id, mail?.orderId as number));
    expect(order).toMatchObject({ status: "shipped", shipmentId: null }); // stock only: no shipment slip
    expect(await db.select().from(shipments).where(eq(shipments.storeId, cartStoreId))).toEqual([]);
    await eventually(async () => sim.stockOf("TEA-SENCHA-100")?.quantity === 498);

    // The cart's own push after the event ran, found nothing new for it, and sent nothing.
    const [run] = await eventually(async () => {
      const runs = await pushRunsOfCartSince(runsBefore);
      return runs.some((r) => r.outcome === "succeeded") && runs;
    });
    expect(run?.counts).toMatchObject({ pushed: 0 });
    expect(cart.updates.filter((u) => u.code === "TEA-SENCHA-100")).toHaveLength(pushesToCart);
    expect(cart.stockOf("TEA-SENCHA-100")).toBe(498);
  });

  it("the same mail received twice counts once", async () => {
    await sendOrderMail("CART-20261123-002", [{ code: "TEA-HOJI-100", quantity: 3 }]);
    await sendOrderMail("CART-20261123-002", [{ code: "TEA-HOJI-100", quantity: 3 }]);

    const mails = await mailFor("CART-20261123-002");
    expect(mails.map((m) => m.status).sort()).toEqual(["duplicate", "registered"]);
    expect(await onHand("TEA-HOJI-100")).toBe(497);
  });

  it("a stock receipt in Kura reaches the cart endpoint and the other store", async () => {
    await receiveStock(db, {
      organizationId: orgId,
      productCode: "TEA-SENCHA-100",
      warehouseCode: "WH1",
      quantity: 10,
      actor: "test",
    });

    await eventually(async () => cart.stockOf("TEA-SENCHA-100") === 508);
    await eventually(async () => sim.stockOf("TEA-SENCHA-100")?.quantity === 508);
  });

  it("the scheduled resync sends the cart only what it does not have yet", async () => {
    await quiet();
    const updates = cart.updates.length;
    const runsBefore = await lastRunId();

    await engine.trigger(cartStoreId, "stock.resync", "manual");

    const run = await eventually(async () => {
      const [row] = await db
        .select()
        .from(syncRuns)
        .where(
          and(
            eq(syncRuns.storeId, cartStoreId),
            eq(syncRuns.function, "stock.resync"),
            gt(syncRuns.id, runsBefore),
            eq(syncRuns.outcome, "succeeded"),
          ),
        );
      return row;
    });
    expect(run.counts).toMatchObject({ pushed: 0 });
    expect(cart.updates).toHaveLength(updates);
  });

  it("a mail for an unknown product code is held with the reason and the mail line", async () => {
    await sendOrderMail("CART-20261123-003", [{ code: "NO-SUCH-TEA", quantity: 1 }]);

    const [mail] = await mailFor("CART-20261123-003");
    expect(mail?.status).toBe("held");
    expect(mail?.reasonCode).toBe("unknown_product_code");
    expect(mail?.reason).toMatch(/NO-SUCH-TEA/);
    const line = mail?.text.split("\n").findIndex((l) => l.includes("NO-SUCH-TEA"));
    expect(mail?.reasonLine).toBe((line ?? -2) + 1);
    const [order] = await db
      .select()
      .from(orders)
      .where(eq(orders.id, mail?.orderId as number));
    expect(order?.status).toBe("held");
  });

  it("an item the cart keeps under an inventory-management code is reported as unsupported, never set", async () => {
    const [state] = await eventually(async () => {
      const rows = await db
        .select()
        .from(channelItemStates)
        .where(and(eq(channelItemStates.storeId, cartStoreId), eq(channelItemStates.itemCode, "TENUGUI")));
      return rows[0]?.lastError ? rows : undefined;
    });

    expect(state?.lastError).toMatch(/separate inventory-management code/);
    expect(cart.stockOf("TENUGUI")).toBe(0);
    expect(cart.updates.some((u) => u.code === "GIFT-CARD")).toBe(false); // unlimited: skipped
  });
});
