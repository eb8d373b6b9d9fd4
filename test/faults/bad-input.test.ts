// Bad input on every inbound surface on main: API bodies (generated with fast-check), a huge body, and
// channel payloads with missing or wrong-typed fields. Each gets a clear error naming the field, or is
// kept for review; none crashes the process; none writes half a record.
import { count, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WireOrder } from "../../simulators/test-channel/wire.ts";
import type { Db } from "../../src/db/connection.ts";
import { inboundRejects, orderLines, orders } from "../../src/db/schema.ts";
import type { SyncEngine } from "../../src/jobs/engine.ts";
import { type Api, merchantClient, useApi } from "../api/support.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";
import {
  givenChannelStore,
  pauseStore,
  quietStore,
  recentOrders,
  startEngine,
  triggerUntil,
} from "../sync/support.ts";

let db: Db;
let api: Api;
let engine: SyncEngine;
let database: Parameters<typeof startEngine>[0];
useApi((env) => ({ db, api, database } = env));
beforeAll(async () => {
  engine = await startEngine(database);
});
afterAll(() => engine.stop());

const rowCount = async (table: typeof orders | typeof orderLines) =>
  (await db.select({ n: count() }).from(table))[0]?.n ?? 0;

/** Values of the wrong type for any field. */
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.string({ maxLength: 5 }),
  fc.constant("x".repeat(10_000)),
  fc.constant("2026-02-30"),
  fc.constant(-1),
);

/** A path into the order: a top-level field, a line field, an address field or an amount. */
const fieldPath = fc.oneof(
  fc
    .constantFrom(
      "orderCode",
      "orderedAt",
      "buyer",
      "deliveryAddresses",
      "lines",
      "amounts",
      "paymentConfirmed",
    )
    .map((f) => [f]),
  fc.constantFrom("itemCode", "quantity", "unitPrice", "taxRate", "name").map((f) => ["lines", 0, f]),
  fc
    .constantFrom("name", "postalCode", "prefecture", "city", "address1")
    .map((f) => ["deliveryAddresses", 0, f]),
  fc.constantFrom("subtotal", "total", "taxes").map((f) => ["amounts", f]),
);

function withValueAt(
  order: Record<string, unknown>,
  path: Array<string | number>,
  value: unknown,
  remove: boolean,
) {
  const copy = structuredClone(order);
  let target = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (remove) delete target[last];
  else target[last] = value;
  return copy;
}

describe("bad order bodies on the API", () => {
  it("answer 400 naming the field, or register the order whole — never 500, never half an order", async () => {
    const merchant = await givenMerchant(db);
    await merchant.product("SKU-1", 1000);
    const client = merchantClient(api, merchant);
    await fc.assert(
      fc.asyncProperty(fieldPath, wrongValue, fc.boolean(), async (path, value, remove) => {
        const body = withValueAt(anOrder() as Record<string, unknown>, path, value, remove);
        const ordersBefore = await rowCount(orders);
        const linesBefore = await rowCount(orderLines);

        const answer = await client.post(`/stores/${merchant.storeId}/orders`, body);

        expect([200, 201, 400, 422]).toContain(answer.status);
        if (answer.status >= 400) {
          expect(answer.body.error.message).toEqual(expect.any(String));
          expect(answer.body.error.field).toEqual(expect.any(String));
          expect(await rowCount(orders)).toBe(ordersBefore);
          expect(await rowCount(orderLines)).toBe(linesBefore);
        } else {
          const [order] = await db.select().from(orders).where(eq(orders.id, answer.body.orderId));
          const lines = await db.select().from(orderLines).where(eq(orderLines.orderId, answer.body.orderId));
          expect(order).toBeDefined();
          expect(lines.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 60, seed: 20261123 },
    );
  }, 120_000);

  it("refuses a body over the size limit with 413 before reading it, and keeps answering", async () => {
    const merchant = await givenMerchant(db);
    const client = merchantClient(api, merchant);
    const huge = anOrder({ raw: { padding: "あ".repeat(2_000_000) } });

    const answer = await client.post(`/stores/${merchant.storeId}/orders`, huge);

    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe("payload_too_large");
    expect((await client.get("/orders")).status).toBe(200);
  });

  it("refuses a body that is not JSON with invalid_json", async () => {
    const merchant = await givenMerchant(db);
    const answer = await api.call(
      "POST",
      `/api/v1/merchant/${merchant.orgId}/stores/${merchant.storeId}/orders`,
      {
        token: merchant.token,
        raw: '{"orderCode": "A-1", "lines": [',
        headers: { "content-type": "application/json" },
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("invalid_json");
  });
});

describe("channel orders with missing or wrong-typed fields", () => {
  it("keeps each unreadable order for review with the field and the payload, and imports the rest", async () => {
    const store = await givenChannelStore(db);
    await quietStore(db, store.storeId); // the run found below is the one triggered here
    const good = store.sim.seedOrders(recentOrders(20, 61));
    const broken = good.slice(0, 4).map((order, index): WireOrder => {
      const copy = structuredClone(order) as unknown as Record<string, unknown>;
      copy.order_no = `BROKEN-${index}`;
      if (index === 0) delete copy.ordered_at;
      if (index === 1) (copy.items as Array<Record<string, unknown>>)[0] = { sku: 42, qty: "two" };
      if (index === 2) copy.ship_to = "東京都";
      if (index === 3) copy.totals = null;
      return copy as unknown as WireOrder;
    });
    store.sim.seedOrders(broken);

    const run = await triggerUntil({ db, engine }, store.storeId, "orders.import", "succeeded", 60_000);
    await pauseStore(db, store.storeId);
    await store.sim.close();

    const kept = await db.select().from(inboundRejects).where(eq(inboundRejects.storeId, store.storeId));
    expect(kept.map((r) => r.orderCode).sort()).toEqual(["BROKEN-0", "BROKEN-1", "BROKEN-2", "BROKEN-3"]);
    expect(kept.find((r) => r.orderCode === "BROKEN-0")).toMatchObject({ field: "ordered_at" });
    expect(kept.find((r) => r.orderCode === "BROKEN-1")?.field).toMatch(/^items\.0\./);
    expect(kept.every((r) => r.payload !== null && r.message.length > 0)).toBe(true);
    const imported = await db.select().from(orders).where(eq(orders.storeId, store.storeId));
    expect(imported).toHaveLength(good.length);
    expect(run.counts).toMatchObject({ failed: 4 });
  }, 90_000);
});
