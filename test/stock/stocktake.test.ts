// 棚卸: a count sets on hand; counting fewer units than are reserved undoes the newest allocations.
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { type Db, queryRows } from "../../src/db/connection.ts";
import { findStockDiscrepancies } from "../../src/db/repositories/stock.ts";
import { orders, stockLevels } from "../../src/db/schema.ts";
import { setCorrespondence } from "../../src/operations/masters.ts";
import { registerOrder } from "../../src/operations/register-order.ts";
import { startShipmentWork } from "../../src/operations/shipping.ts";
import { stocktake } from "../../src/operations/stock-movements.ts";
import { useTestDatabase } from "../support/database.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";

let db: Db;
useTestDatabase((env) => ({ db } = env));

type Merchant = Awaited<ReturnType<typeof givenMerchant>>;

const level = async (productId: number) =>
  (await db.select().from(stockLevels).where(eq(stockLevels.productId, productId)))[0];
const orderRow = async (id: number) => (await db.select().from(orders).where(eq(orders.id, id)))[0];

const count = (m: Merchant, productCode: string, countedQuantity: number) =>
  stocktake(db, { organizationId: m.orgId, productCode, warehouseCode: "WH1", countedQuantity, actor: "t" });

const order = (m: Merchant, itemCode: string, quantity: number) =>
  registerOrder(db, {
    organizationId: m.orgId,
    storeId: m.storeId,
    order: anOrder({ lines: [{ itemCode, name: itemCode, quantity, unitPrice: 100 }] }),
    actor: "t",
  });

describe("a stocktake", () => {
  it("lowers on hand to the counted quantity and records the adjustment in the ledger", async () => {
    const m = await givenMerchant(db);
    const sku = await m.product("SKU-1", 5);

    const result = await count(m, "SKU-1", 3);

    expect(result).toMatchObject({ onHand: 3, reserved: 0, delta: -2 });
    expect(await level(sku.id)).toMatchObject({ onHand: 3, reserved: 0 });
    const [adjustment] = await queryRows<{ on_hand_delta: number }>(
      db,
      sql`SELECT on_hand_delta FROM stock_ledger WHERE product_id = ${sku.id} AND kind = 'adjustment'`,
    );
    expect(adjustment?.on_hand_delta).toBe(-2);
    expect(await findStockDiscrepancies(db, m.orgId)).toEqual([]);
  });

  it("undoes the newest allocations when fewer units are counted than are reserved", async () => {
    const m = await givenMerchant(db);
    const sku = await m.product("SKU-1", 4);
    const older = await order(m, "SKU-1", 2);
    const newer = await order(m, "SKU-1", 2);

    const result = await count(m, "SKU-1", 3);

    expect(result.deallocatedOrderIds).toEqual([newer.orderId]);
    expect(await orderRow(older.orderId)).toMatchObject({ status: "awaiting_shipment", allocated: true });
    expect(await orderRow(newer.orderId)).toMatchObject({ status: "awaiting_allocation", allocated: false });
    expect(await level(sku.id)).toMatchObject({ onHand: 3, reserved: 2 });
    expect(await findStockDiscrepancies(db, m.orgId)).toEqual([]);
  });

  it("refuses a count below the units already in picking and changes nothing", async () => {
    const m = await givenMerchant(db);
    const sku = await m.product("SKU-1", 3);
    const picked = await order(m, "SKU-1", 2);
    const shipmentId = (await orderRow(picked.orderId))?.shipmentId ?? -1;
    await startShipmentWork(db, m.orgId, shipmentId, "t");

    await expect(count(m, "SKU-1", 1)).rejects.toMatchObject({ code: "counted_below_picking" });

    expect(await level(sku.id)).toMatchObject({ onHand: 3, reserved: 2 });
  });

  it("offers the units freed by an undone allocation to the orders waiting for them", async () => {
    const m = await givenMerchant(db);
    await m.product("CUP", 1);
    const saucer = await m.product("SAUCER", 1);
    await setCorrespondence(db, m.orgId, m.storeId, {
      itemCode: "tea-set",
      components: [
        { productCode: "CUP", quantity: 1 },
        { productCode: "SAUCER", quantity: 1 },
      ],
    });
    const set = await order(m, "tea-set", 1);
    const waitingForSaucer = await order(m, "SAUCER", 1);
    expect(waitingForSaucer.status).toBe("awaiting_allocation");

    // The cup was broken: the set can no longer be allocated, and its saucer is free again.
    await count(m, "CUP", 0);

    expect(await orderRow(set.orderId)).toMatchObject({ status: "awaiting_allocation" });
    expect(await orderRow(waitingForSaucer.orderId)).toMatchObject({
      status: "awaiting_shipment",
      allocated: true,
    });
    expect(await level(saucer.id)).toMatchObject({ onHand: 1, reserved: 1 });
    expect(await findStockDiscrepancies(db, m.orgId)).toEqual([]);
  });
});
