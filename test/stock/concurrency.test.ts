// Stock under concurrency: many transactions at once on the PostgreSQL server never oversell, never leave
// the books unbalanced, and never surface a deadlock. PGlite has one connection, so these run on a server.
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { type Db, pgErrorCode, queryRows } from "../../src/db/connection.ts";
import { findStockDiscrepancies } from "../../src/db/repositories/stock.ts";
import { orders, stockLevels } from "../../src/db/schema.ts";
import { sweepWaitingAllocations } from "../../src/jobs/allocation-sweep.ts";
import { cancelOrder } from "../../src/operations/cancel-order.ts";
import { setCorrespondence } from "../../src/operations/masters.ts";
import { type RegisterOrderResult, registerOrder } from "../../src/operations/register-order.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";
import { onServer, useTestDatabase } from "../support/database.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";
import { stockInvariantViolations } from "./stock-invariants.ts";

type Merchant = Awaited<ReturnType<typeof givenMerchant>>;
type Line = { itemCode: string; quantity: number };

describe.runIf(onServer)("stock under concurrent transactions (PostgreSQL server)", () => {
  let db: Db;
  useTestDatabase((env) => ({ db } = env));

  const register = (m: Merchant, lines: Line[], overrides: Parameters<typeof anOrder>[0] = {}) =>
    registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: anOrder({
        lines: lines.map((l) => ({
          itemCode: l.itemCode,
          name: l.itemCode,
          quantity: l.quantity,
          unitPrice: 100,
        })),
        ...overrides,
      }),
      actor: "t",
    });
  const receive = (m: Merchant, productCode: string, quantity: number) =>
    receiveStock(db, { organizationId: m.orgId, productCode, warehouseCode: "WH1", quantity, actor: "t" });
  const level = async (productId: number) =>
    (await db.select().from(stockLevels).where(eq(stockLevels.productId, productId)))[0];
  const orderRow = async (id: number) => (await db.select().from(orders).where(eq(orders.id, id)))[0];

  /** Everything that did not succeed, with its SQLSTATE: none is expected, least of all 40P01 (deadlock). */
  const failuresOf = (results: PromiseSettledResult<unknown>[]) =>
    results.flatMap((r) =>
      r.status === "rejected"
        ? [`${pgErrorCode(r.reason) ?? "-"} ${String(r.reason?.message ?? r.reason)}`]
        : [],
    );

  it("gives the last unit to exactly one of two orders registered at once, and the next unit to the other", async () => {
    const m = await givenMerchant(db);
    const sku = await m.product("SKU-1", 1);

    const [first, second] = await Promise.all([
      register(m, [{ itemCode: "SKU-1", quantity: 1 }]),
      register(m, [{ itemCode: "SKU-1", quantity: 1 }]),
    ]);

    expect([first?.status, second?.status].sort()).toEqual(["awaiting_allocation", "awaiting_shipment"]);
    expect(await level(sku.id)).toMatchObject({ onHand: 1, reserved: 1 });
    const waiting = [first, second].find((r) => r?.status === "awaiting_allocation") as RegisterOrderResult;

    const receipt = await receive(m, "SKU-1", 1);

    expect(receipt.allocatedOrderIds).toEqual([waiting.orderId]);
    expect(await orderRow(waiting.orderId)).toMatchObject({ status: "awaiting_shipment", allocated: true });
    expect(await level(sku.id)).toMatchObject({ onHand: 2, reserved: 2 });
    expect((await stockInvariantViolations(db, m.orgId)).join("\n")).toBe("");
  });

  it("allocates exactly the units on hand when forty orders stampede for ten", async () => {
    const m = await givenMerchant(db);
    const sku = await m.product("SKU-1", 10);
    // Watch the level from another connection while the stampede runs.
    const seen: { onHand: number; reserved: number }[] = [];
    let stampeding = true;
    const watcher = (async () => {
      while (stampeding) {
        const row = await level(sku.id);
        if (row) seen.push(row);
      }
    })();

    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => register(m, [{ itemCode: "SKU-1", quantity: 1 }])),
    );
    stampeding = false;
    await watcher;

    expect(failuresOf(results).join("\n")).toBe("");
    const statuses = results.map((r) => (r.status === "fulfilled" ? r.value.status : "failed"));
    expect(statuses.filter((s) => s === "awaiting_shipment")).toHaveLength(10);
    expect(statuses.filter((s) => s === "awaiting_allocation")).toHaveLength(30);
    expect(await level(sku.id)).toMatchObject({ onHand: 10, reserved: 10 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((l) => l.onHand < 0 || l.reserved > l.onHand)).toEqual([]);
    expect(await findStockDiscrepancies(db, m.orgId)).toEqual([]);
    expect((await stockInvariantViolations(db, m.orgId)).join("\n")).toBe("");
  });

  it("keeps the books balanced through cancellations, receipts, updates and registrations all at once", async () => {
    const m = await givenMerchant(db);
    await m.product("CUP", 6);
    await m.product("SAUCER", 6);
    await setCorrespondence(db, m.orgId, m.storeId, {
      itemCode: "tea-set",
      components: [
        { productCode: "CUP", quantity: 1 },
        { productCode: "SAUCER", quantity: 1 },
      ],
    });
    // Lines in both orders, so transactions want the two rows in different orders (a deadlock recipe).
    const shapes: Line[][] = [
      [{ itemCode: "CUP", quantity: 1 }],
      [{ itemCode: "SAUCER", quantity: 1 }],
      [{ itemCode: "tea-set", quantity: 1 }],
      [
        { itemCode: "SAUCER", quantity: 1 },
        { itemCode: "CUP", quantity: 2 },
      ],
      [
        { itemCode: "CUP", quantity: 1 },
        { itemCode: "tea-set", quantity: 1 },
      ],
    ];
    const shape = (i: number) => shapes[i % shapes.length] as Line[];

    for (let round = 0; round < 3; round++) {
      const existing: { orderId: number; order: ReturnType<typeof anOrder> }[] = [];
      for (let i = 0; i < 12; i++) {
        const order = anOrder({
          lines: shape(i).map((l) => ({
            itemCode: l.itemCode,
            name: l.itemCode,
            quantity: l.quantity,
            unitPrice: 1,
          })),
        });
        const { orderId } = await registerOrder(db, {
          organizationId: m.orgId,
          storeId: m.storeId,
          order,
          actor: "t",
        });
        existing.push({ orderId, order });
      }

      const work: Promise<unknown>[] = [
        // cancel the first six, update the next three (more of everything), leave the rest alone
        ...existing.slice(0, 6).map(({ orderId }, i) =>
          cancelOrder(db, {
            organizationId: m.orgId,
            orderId,
            actor: "t",
            reason: "race",
            allowSameCode: i % 2 === 0,
          }),
        ),
        ...existing.slice(6, 9).map(({ order }) =>
          registerOrder(db, {
            organizationId: m.orgId,
            storeId: m.storeId,
            order: { ...order, lines: order.lines.map((l) => ({ ...l, quantity: l.quantity + 1 })) },
            actor: "t",
          }),
        ),
        ...Array.from({ length: 6 }, (_, i) => receive(m, i % 2 === 0 ? "CUP" : "SAUCER", 1 + (i % 3))),
        ...Array.from({ length: 16 }, (_, i) => register(m, shape(i + round))),
      ];
      const results = await Promise.allSettled(work);

      expect(failuresOf(results).join("\n"), `round ${round}`).toBe("");
      expect(await findStockDiscrepancies(db, m.orgId), `round ${round}`).toEqual([]);
      expect((await stockInvariantViolations(db, m.orgId)).join("\n"), `round ${round}`).toBe("");
    }
  });

  it("leaves no order waiting beside free stock once the sweep has run after registrations raced receipts", async () => {
    // A registration that finds no stock, racing a receipt that does not yet see that order, can leave the
    // order waiting beside a free unit (it happens in several of these twenty races); the sweep is the safety net.
    const m = await givenMerchant(db);
    const codes = Array.from({ length: 20 }, (_, i) => `SKU-${i}`);
    for (const code of codes) await m.product(code, 0);

    const raced = await Promise.all(
      codes.map(async (code) => {
        const [registered] = await Promise.all([
          register(m, [{ itemCode: code, quantity: 1 }]),
          receive(m, code, 1),
        ]);
        return registered.orderId;
      }),
    );
    await sweepWaitingAllocations(db, "t");

    for (const orderId of raced) expect(await orderRow(orderId)).toMatchObject({ allocated: true });
    expect((await stockInvariantViolations(db, m.orgId)).join("\n")).toBe("");
  });

  it("creates one order when the same order code is registered ten times at once", async () => {
    const m = await givenMerchant(db);
    const sku = await m.product("SKU-1", 5);
    const order = anOrder({ lines: [{ itemCode: "SKU-1", name: "x", quantity: 2, unitPrice: 100 }] });

    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        registerOrder(db, { organizationId: m.orgId, storeId: m.storeId, order, actor: "t" }),
      ),
    );

    const rows = await db
      .select()
      .from(orders)
      .where(and(eq(orders.organizationId, m.orgId), eq(orders.orderCode, order.orderCode)));
    expect(rows).toHaveLength(1);
    expect(new Set(results.map((r) => r.orderId))).toEqual(new Set([rows[0]?.id]));
    expect(results.filter((r) => r.outcome === "created")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "unchanged")).toHaveLength(9);
    expect(await level(sku.id)).toMatchObject({ onHand: 5, reserved: 2 });
    expect((await stockInvariantViolations(db, m.orgId)).join("\n")).toBe("");
  });

  describe("a registration takes its stock rows only as it commits", () => {
    const address = (street: string) => ({
      name: "佐藤 花子",
      postalCode: "530-0001",
      prefecture: "大阪府",
      city: "大阪市北区",
      address1: street,
      phone: "06-1234-5678",
    });

    /**
     * Registers one order to `street` while another connection holds the advisory lock of that address's
     * delivery key, so the registration stops at its bundle look-up (同梱), after it has been allocated,
     * until `release` is called.
     */
    async function registrationStoppedAtItsBundleLookUp(m: Merchant, street: string) {
      const first = await register(m, [{ itemCode: "SKU-1", quantity: 1 }], {
        deliveryAddresses: [address(street)],
      });
      const key = (await orderRow(first.orderId))?.deliveryKey;
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let taken = () => {};
      const lockTaken = new Promise<void>((resolve) => (taken = resolve));
      const holder = db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, ${m.orgId}))`);
        taken();
        await held;
      });
      await lockTaken;
      const stopped = register(m, [{ itemCode: "SKU-1", quantity: 1 }], {
        deliveryAddresses: [address(street)],
      });
      // Until it waits for that lock: an advisory lock not granted in this test file's own database.
      for (let waiting = false; !waiting; ) {
        const [row] = await queryRows<{ n: number }>(
          db,
          sql`SELECT count(*)::int AS n FROM pg_locks
              WHERE locktype = 'advisory' AND NOT granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        );
        waiting = (row?.n ?? 0) > 0;
        if (!waiting) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return {
        stopped,
        release: async () => {
          release();
          await holder;
        },
      };
    }

    /** What `work` answers, or "still waiting" if it has not answered within five seconds. */
    const unlessStuck = <T>(work: Promise<T>) =>
      Promise.race([
        work,
        new Promise<"still waiting">((resolve) => setTimeout(() => resolve("still waiting"), 5_000)),
      ]);

    it("lets an order of the same SKU through while the one before it waits on something else", async () => {
      const m = await givenMerchant(db);
      const sku = await m.product("SKU-1", 10);
      const registration = await registrationStoppedAtItsBundleLookUp(m, "梅田1-1-1");

      // Before, the stopped registration held SKU-1's stock row from its allocation on: this one waited.
      const other = await unlessStuck(register(m, [{ itemCode: "SKU-1", quantity: 1 }]));
      await registration.release();
      const stopped = await registration.stopped;

      expect(other).toMatchObject({ outcome: "created", status: "awaiting_shipment" });
      expect(stopped).toMatchObject({ outcome: "created", status: "awaiting_shipment" });
      expect(await level(sku.id)).toMatchObject({ onHand: 10, reserved: 3 });
      expect((await stockInvariantViolations(db, m.orgId)).join("\n")).toBe("");
    });

    it("leaves an order waiting for stock when another took the last unit before it committed", async () => {
      const m = await givenMerchant(db);
      const sku = await m.product("SKU-1", 2); // one for the first order to the address, one left
      const registration = await registrationStoppedAtItsBundleLookUp(m, "梅田2-2-2");

      const other = await unlessStuck(register(m, [{ itemCode: "SKU-1", quantity: 1 }])); // the last unit
      await registration.release();
      const stopped = await registration.stopped;

      expect(other).toMatchObject({ status: "awaiting_shipment" });
      // It had looked free when the stopped order was allocated: registered again, it waits for stock.
      expect(stopped).toMatchObject({ outcome: "created", status: "awaiting_allocation" });
      expect(await orderRow(stopped.orderId)).toMatchObject({ allocated: false });
      expect(await level(sku.id)).toMatchObject({ onHand: 2, reserved: 2 });
      expect((await stockInvariantViolations(db, m.orgId)).join("\n")).toBe("");
    });
  });
});
