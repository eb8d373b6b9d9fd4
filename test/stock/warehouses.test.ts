// Several warehouses: the source warehouse chosen by prefecture, allocation oldest first within it,
// stock transfers between warehouses, and moving an allocation to a waiting order (引当振替).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { findStockDiscrepancies } from "../../src/db/repositories/stock.ts";
import { registerOrder } from "../../src/operations/register-order.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";
import { type Api, merchantClient, startApi } from "../api/support.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";

let testDb: TestDatabase;
let db: Db;
let api: Api;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.database.db;
  api = await startApi(testDb.database);
});
afterAll(async () => {
  await api.close();
  await testDb[Symbol.asyncDispose]();
});

const osaka = { name: "大阪 花子", prefecture: "大阪府", city: "大阪市北区", address1: "梅田1-1" };
const tokyo = { name: "山田 太郎", prefecture: "東京都", city: "渋谷区", address1: "神宮前1-2-3" };

/** A merchant with a second warehouse WH2 (Osaka) that ships orders to the Kansai prefectures. */
async function twoWarehouses() {
  const m = await givenMerchant(db);
  const client = merchantClient(api, m);
  await client.post("/warehouses", { code: "WH2", name: "大阪倉庫" });
  const rules = await client.put(`/stores/${m.storeId}/warehouse-rules`, {
    rules: [{ prefectures: ["大阪府", "京都府", "兵庫県"], warehouseCode: "WH2" }],
  });
  expect(rules.body).toMatchObject({ defaultWarehouseCode: "WH1", rules: [{ warehouseCode: "WH2" }] });
  const receive = (warehouseCode: string, quantity: number, productCode = "SKU-1") =>
    receiveStock(db, { organizationId: m.orgId, productCode, warehouseCode, quantity, actor: "test" });
  const order = (overrides: Parameters<typeof anOrder>[0]) =>
    client.post(`/stores/${m.storeId}/orders`, anOrder(overrides)).then((r) => r.body);
  const detail = (orderId: number) => client.get(`/orders/${orderId}`).then((r) => r.body);
  const level = async (warehouseCode: string) =>
    (await client.get(`/stock?productCode=SKU-1&warehouseCode=${warehouseCode}`)).body.data[0] ?? {
      onHand: 0,
      reserved: 0,
    };
  return { ...m, client, receive, order, detail, level };
}

describe("choosing the source warehouse", () => {
  it("ships an order from the warehouse its prefecture's rule names, others from the store's default", async () => {
    const m = await twoWarehouses();
    await m.product("SKU-1");
    await m.receive("WH1", 5);
    await m.receive("WH2", 5);

    const toOsaka = await m.order({ deliveryAddresses: [osaka] });
    const toTokyo = await m.order({ deliveryAddresses: [tokyo] });

    expect((await m.detail(toOsaka.orderId)).items).toEqual([
      expect.objectContaining({ warehouseCode: "WH2", allocated: true }),
    ]);
    expect((await m.detail(toTokyo.orderId)).items).toEqual([
      expect.objectContaining({ warehouseCode: "WH1", allocated: true }),
    ]);
    expect(await m.level("WH1")).toMatchObject({ reserved: 1 });
    expect(await m.level("WH2")).toMatchObject({ reserved: 1 });
    const shipments = (await m.client.get("/shipments")).body.data;
    expect(shipments.map((s: { warehouseCode: string }) => s.warehouseCode).sort()).toEqual(["WH1", "WH2"]);
  });

  it("allocates oldest first within the chosen warehouse: stock elsewhere does not help a waiting order", async () => {
    const m = await twoWarehouses();
    await m.product("SKU-1");
    await m.receive("WH1", 10);
    const older = await m.order({ deliveryAddresses: [osaka], orderedAt: "2026-11-01T00:00:00Z" });
    const newer = await m.order({ deliveryAddresses: [osaka], orderedAt: "2026-11-02T00:00:00Z" });
    expect([older.status, newer.status]).toEqual(["awaiting_allocation", "awaiting_allocation"]);

    const received = await m.receive("WH2", 1);

    expect(received.allocatedOrderIds).toEqual([older.orderId]);
    expect((await m.detail(newer.orderId)).status).toBe("awaiting_allocation");
    expect(await m.level("WH1")).toMatchObject({ onHand: 10, reserved: 0 });
  });

  it("keeps the bundle candidate of orders shipped from the second warehouse when the channel updates one", async () => {
    const m = await twoWarehouses();
    await m.product("SKU-1");
    await m.receive("WH2", 5);
    const first = anOrder({ deliveryAddresses: [osaka] });
    const one = await m.order(first);
    const two = await m.order({ deliveryAddresses: [osaka] });
    const candidates = async () =>
      (await m.client.get("/bundle-candidates")).body.data.map((c: { members: Array<{ orderId: number }> }) =>
        c.members.map((member) => member.orderId),
      );
    expect(await candidates()).toEqual([[one.orderId, two.orderId]]);

    // The channel sends the first order again with another quantity: same address, same method.
    const updated = await m.client.post(`/stores/${m.storeId}/orders`, {
      ...first,
      lines: [{ ...first.lines[0], quantity: 2 }],
    });

    expect(updated.body).toMatchObject({ outcome: "updated" });
    expect((await m.detail(one.orderId)).items).toEqual([
      expect.objectContaining({ warehouseCode: "WH2", allocated: true }),
    ]);
    expect(await candidates()).toEqual([[one.orderId, two.orderId]]);
  });
});

describe("stock transfers between warehouses (在庫移動)", () => {
  it("moves free units, and the receiving warehouse's waiting orders take them at once", async () => {
    const m = await twoWarehouses();
    await m.product("SKU-1");
    await m.receive("WH1", 5);
    const waiting = await m.order({
      deliveryAddresses: [osaka],
      lines: [{ itemCode: "SKU-1", name: "x", quantity: 2, unitPrice: 100 }],
    });

    const moved = await m.client.post("/stock/transfers", {
      productCode: "SKU-1",
      fromWarehouseCode: "WH1",
      toWarehouseCode: "WH2",
      quantity: 3,
      reason: "関西の在庫補充",
    });

    expect(moved.status).toBe(201);
    expect(moved.body).toMatchObject({
      from: { onHand: 2, reserved: 0 },
      to: { onHand: 3, reserved: 2 },
      allocatedOrderIds: [waiting.orderId],
    });
    expect((await m.client.get("/stock/transfers")).body.data[0]).toMatchObject({
      fromWarehouseCode: "WH1",
      toWarehouseCode: "WH2",
      quantity: 3,
    });
    const ledger = (await m.client.get("/stock/ledger?productCode=SKU-1")).body.data;
    expect(ledger.filter((l: { kind: string }) => l.kind === "transfer")).toHaveLength(2);
    expect(await findStockDiscrepancies(db, m.orgId)).toEqual([]);
  });

  it("refuses to move reserved units, saying how many are free", async () => {
    const m = await twoWarehouses();
    await m.product("SKU-1");
    await m.receive("WH1", 3);
    await m.order({
      deliveryAddresses: [tokyo],
      lines: [{ itemCode: "SKU-1", name: "x", quantity: 2, unitPrice: 100 }],
    });

    const refused = await m.client.post("/stock/transfers", {
      productCode: "SKU-1",
      fromWarehouseCode: "WH1",
      toWarehouseCode: "WH2",
      quantity: 2,
    });

    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "not_enough_free_stock", field: "quantity" });
    expect(refused.body.error.message).toContain("1 free");
    expect(await m.level("WH1")).toMatchObject({ onHand: 3, reserved: 2 });
  });
});

describe("allocation transfers (引当振替)", () => {
  it("moves the allocation of an order awaiting payment to an order waiting for stock", async () => {
    const m = await twoWarehouses();
    await m.product("SKU-1");
    await m.receive("WH1", 1);
    const unpaid = await m.order({ paymentMethod: "bank_transfer", deliveryAddresses: [tokyo] });
    const waiting = await m.order({ deliveryAddresses: [tokyo] });
    expect([unpaid.status, waiting.status]).toEqual(["awaiting_payment", "awaiting_allocation"]);

    const moved = await m.client.post("/allocation-transfers", {
      fromOrderId: unpaid.orderId,
      toOrderId: waiting.orderId,
      reason: "先に入金済みの注文を出荷",
    });

    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      from: { orderId: unpaid.orderId, status: "awaiting_payment" },
      to: { orderId: waiting.orderId, status: "awaiting_shipment" },
    });
    expect((await m.detail(unpaid.orderId)).allocated).toBe(false);
    expect((await m.detail(waiting.orderId)).history.map((h: { action: string }) => h.action)).toContain(
      "allocation_taken",
    );
    expect(await findStockDiscrepancies(db, m.orgId)).toEqual([]);
  });

  it("changes nothing when the units do not cover the waiting order", async () => {
    const m = await twoWarehouses();
    await m.product("SKU-1");
    await m.receive("WH1", 1);
    const unpaid = await m.order({ paymentMethod: "bank_transfer", deliveryAddresses: [tokyo] });
    const big = await m.order({
      deliveryAddresses: [tokyo],
      lines: [{ itemCode: "SKU-1", name: "x", quantity: 3, unitPrice: 100 }],
    });

    const refused = await m.client.post("/allocation-transfers", {
      fromOrderId: unpaid.orderId,
      toOrderId: big.orderId,
    });

    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "not_enough_stock", field: "toOrderId" });
    expect((await m.detail(unpaid.orderId)).allocated).toBe(true);
  });

  it("refuses a target that is not waiting for allocation", async () => {
    const m = await twoWarehouses();
    await m.product("SKU-1");
    await m.receive("WH1", 2);
    const a = await m.order({ paymentMethod: "bank_transfer", deliveryAddresses: [tokyo] });
    const b = await m.order({ deliveryAddresses: [tokyo] });

    const refused = await m.client.post("/allocation-transfers", {
      fromOrderId: a.orderId,
      toOrderId: b.orderId,
    });

    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "target_not_waiting" });
  });
});

describe("allocation order, for any orders and receipts", () => {
  it("gives received units to the oldest waiting orders of the warehouse that fit, as a greedy pass would", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            quantity: fc.integer({ min: 1, max: 3 }),
            day: fc.integer({ min: 1, max: 28 }),
            osaka: fc.boolean(),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.integer({ min: 0, max: 8 }),
        async (wanted, received) => {
          const m = await twoWarehouses();
          await m.product("SKU-1");
          const placed = [];
          for (const [index, w] of wanted.entries()) {
            const orderedAt = new Date(Date.UTC(2026, 9, w.day, 0, 0, index)).toISOString();
            const result = await registerOrder(db, {
              organizationId: m.orgId,
              storeId: m.storeId,
              order: anOrder({
                orderedAt,
                deliveryAddresses: [w.osaka ? osaka : tokyo],
                lines: [{ itemCode: "SKU-1", name: "x", quantity: w.quantity, unitPrice: 100 }],
              }),
              actor: "test",
            });
            placed.push({ ...w, orderedAt, orderId: result.orderId });
          }

          const result = await receiveStock(db, {
            organizationId: m.orgId,
            productCode: "SKU-1",
            warehouseCode: "WH2",
            quantity: Math.max(received, 1),
            actor: "test",
          });

          // The model: Osaka orders, oldest first, each taken when it fits in what is left.
          let left = Math.max(received, 1);
          const expected = [];
          for (const p of placed
            .filter((o) => o.osaka)
            .sort((a, b) => a.orderedAt.localeCompare(b.orderedAt))) {
            if (p.quantity > left) continue;
            left -= p.quantity;
            expected.push(p.orderId);
          }
          expect(result.allocatedOrderIds).toEqual(expected);
          expect(await findStockDiscrepancies(db, m.orgId)).toEqual([]);
        },
      ),
      { numRuns: 12 },
    );
  });
});
