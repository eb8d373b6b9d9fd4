import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { orders, shipments, stockLevels } from "../../src/db/schema.ts";
import { cancelOrder } from "../../src/operations/cancel-order.ts";
import { setCorrespondence, setStoreMapping } from "../../src/operations/masters.ts";
import { registerOrder } from "../../src/operations/register-order.ts";
import { useTestDatabase } from "../support/database.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";

let db: Db;
useTestDatabase((env) => ({ db } = env));

const level = async (productId: number) =>
  (await db.select().from(stockLevels).where(eq(stockLevels.productId, productId)))[0];
const orderRow = async (id: number) => (await db.select().from(orders).where(eq(orders.id, id)))[0];

describe("registering an order", () => {
  it("reserves the stock and creates a shipment slip when everything maps", async () => {
    const m = await givenMerchant(db);
    const sku = await m.product("SKU-1", 5);

    const result = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: anOrder({ lines: [{ itemCode: "SKU-1", name: "T", quantity: 2, unitPrice: 500 }] }),
      actor: "test",
    });

    expect(result).toMatchObject({ outcome: "created", status: "awaiting_shipment", held: false });
    expect(await level(sku.id)).toMatchObject({ onHand: 5, reserved: 2 });
    const order = await orderRow(result.orderId);
    const [shipment] = await db
      .select()
      .from(shipments)
      .where(eq(shipments.id, order?.shipmentId ?? -1));
    expect(shipment?.status).toBe("allocated");
    expect(shipment?.code).toMatch(/^S\d{9}$/);
  });

  it("registers an order code once: the same payload again changes nothing", async () => {
    const m = await givenMerchant(db);
    const sku = await m.product("SKU-1", 5);
    const order = anOrder();

    const first = await registerOrder(db, { organizationId: m.orgId, storeId: m.storeId, order, actor: "t" });
    const again = await registerOrder(db, { organizationId: m.orgId, storeId: m.storeId, order, actor: "t" });

    expect(again).toMatchObject({ orderId: first.orderId, outcome: "unchanged" });
    expect(await level(sku.id)).toMatchObject({ reserved: 1 });
  });

  it("explodes a set through the correspondence table and reserves only its parts", async () => {
    const m = await givenMerchant(db);
    const cup = await m.product("CUP", 10);
    const saucer = await m.product("SAUCER", 10);
    await setCorrespondence(db, m.orgId, m.storeId, {
      itemCode: "tea-set",
      components: [
        { productCode: "CUP", quantity: 2 },
        { productCode: "SAUCER", quantity: 2 },
      ],
    });

    await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: anOrder({
        lines: [{ itemCode: "tea-set", name: "ティーセット", quantity: 3, unitPrice: 3000 }],
      }),
      actor: "t",
    });

    expect(await level(cup.id)).toMatchObject({ reserved: 6 });
    expect(await level(saucer.id)).toMatchObject({ reserved: 6 });
  });

  it("keeps an order it cannot map and holds it with every reason", async () => {
    const m = await givenMerchant(db);
    await m.product("SKU-1", 5);

    const result = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: anOrder({
        paymentMethod: "代引き",
        timeSlot: "12時～14時",
        lines: [
          { itemCode: "NOPE-1", name: "unknown", quantity: 1, unitPrice: 1 },
          { itemCode: "ＳＫＵ－１", name: "full width", quantity: 1, unitPrice: 1 },
          { name: "おまけ", quantity: 1, unitPrice: 0 },
        ],
      }),
      actor: "t",
    });

    expect(result).toMatchObject({ outcome: "created", status: "held", held: true });
    const order = await orderRow(result.orderId);
    expect(order?.holdReasons.map((r) => r.code)).toEqual([
      "unknown_product_code",
      "invalid_product_code",
      "bundled_extra_without_code",
      "unmapped_payment_method",
      "invalid_time_slot",
    ]);
    const slot = order?.holdReasons.find((r) => r.code === "invalid_time_slot");
    expect(slot?.validValues).toContain("14時～16時");
    expect(order?.shipmentId).toBeNull();
  });

  it("maps a channel's payment string and time-slot code through the store's mappings", async () => {
    const m = await givenMerchant(db);
    await m.product("SKU-1", 5);
    await setStoreMapping(db, m.orgId, m.storeId, {
      kind: "payment_method",
      channelValue: "カード決済",
      target: "credit_card",
    });
    await setStoreMapping(db, m.orgId, m.storeId, {
      kind: "time_slot",
      channelValue: "1416",
      target: "14時~16時",
    });

    const result = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: anOrder({ paymentMethod: "カード決済", timeSlot: "1416" }),
      actor: "t",
    });

    expect(result.held).toBe(false);
    expect((await orderRow(result.orderId))?.timeSlot).toBe("14時～16時");
  });

  it("lets an order wait for allocation and allocates it when stock arrives", async () => {
    const m = await givenMerchant(db);
    const sku = await m.product("SKU-1", 1);
    const first = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: anOrder(),
      actor: "t",
    });
    const second = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: anOrder(),
      actor: "t",
    });
    expect(first.status).toBe("awaiting_shipment");
    expect(second.status).toBe("awaiting_allocation");

    await m.product("SKU-1", 1);

    expect((await orderRow(second.orderId))?.status).toBe("awaiting_shipment");
    expect(await level(sku.id)).toMatchObject({ onHand: 2, reserved: 2 });
  });

  it("gives arriving stock to a newer order that fits when the oldest waiting one needs more", async () => {
    const m = await givenMerchant(db);
    await m.product("SKU-1", 0);
    const line = (quantity: number) => [{ itemCode: "SKU-1", name: "T", quantity, unitPrice: 1 }];
    const big = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: anOrder({ lines: line(5) }),
      actor: "t",
    });
    const bigger = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: anOrder({ lines: line(6) }),
      actor: "t",
    });
    const small = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: anOrder({ lines: line(2) }),
      actor: "t",
    });

    await m.product("SKU-1", 3);

    expect((await orderRow(big.orderId))?.status).toBe("awaiting_allocation");
    expect((await orderRow(bigger.orderId))?.status).toBe("awaiting_allocation");
    expect((await orderRow(small.orderId))?.status).toBe("awaiting_shipment");
  });

  it("reserves stock for an order not yet in the target status but makes no shipment slip", async () => {
    const m = await givenMerchant(db, { targetStatuses: ["300"] });
    const sku = await m.product("SKU-1", 3);
    const order = anOrder({ channelStatus: "100" });

    const early = await registerOrder(db, { organizationId: m.orgId, storeId: m.storeId, order, actor: "t" });
    expect(early.status).toBe("not_yet_shippable");
    expect((await orderRow(early.orderId))?.shipmentId).toBeNull();
    expect(await level(sku.id)).toMatchObject({ reserved: 1 });

    const ready = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: { ...order, channelStatus: "300" },
      actor: "t",
    });
    expect(ready).toMatchObject({ orderId: early.orderId, outcome: "updated", status: "awaiting_shipment" });
    expect((await orderRow(early.orderId))?.shipmentId).not.toBeNull();
    expect(await level(sku.id)).toMatchObject({ reserved: 1 });
  });

  it("waits for payment on a prepaid method before making a shipment slip", async () => {
    const m = await givenMerchant(db);
    await m.product("SKU-1", 3);
    const order = anOrder({ paymentMethod: "bank_transfer" });
    const unpaid = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order,
      actor: "t",
    });
    expect(unpaid.status).toBe("awaiting_payment");

    const paid = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: { ...order, paymentConfirmed: true },
      actor: "t",
    });
    expect(paid.status).toBe("awaiting_shipment");
  });

  it("refuses a bad order with the field and the reason, storing nothing", async () => {
    const m = await givenMerchant(db);
    const attempt = registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: anOrder({ lines: [{ itemCode: "SKU-1", name: "x", quantity: 0, unitPrice: 1 }] }),
      actor: "t",
    });
    await expect(attempt).rejects.toMatchObject({ code: "validation_failed", field: "lines[0].quantity" });
    const rows = await db.select().from(orders).where(eq(orders.organizationId, m.orgId));
    expect(rows).toHaveLength(0);
  });
});

describe("cancelling an order", () => {
  it("releases its stock to the oldest waiting order", async () => {
    const m = await givenMerchant(db);
    const sku = await m.product("SKU-1", 1);
    const holder = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: anOrder(),
      actor: "t",
    });
    const waiting = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: anOrder(),
      actor: "t",
    });

    const result = await cancelOrder(db, {
      organizationId: m.orgId,
      orderId: holder.orderId,
      actor: "operator",
      reason: "buyer asked",
    });

    expect(result.reallocatedOrderIds).toEqual([waiting.orderId]);
    expect(await orderRow(holder.orderId)).toMatchObject({
      status: "cancelled",
      cancelledBy: "operator",
      cancelReason: "buyer asked",
    });
    expect(await level(sku.id)).toMatchObject({ onHand: 1, reserved: 1 });
  });

  it("refuses the cancelled code again unless the cancellation allowed the same code", async () => {
    const m = await givenMerchant(db);
    await m.product("SKU-1", 5);
    const order = anOrder();
    const first = await registerOrder(db, { organizationId: m.orgId, storeId: m.storeId, order, actor: "t" });
    await cancelOrder(db, { organizationId: m.orgId, orderId: first.orderId, actor: "op", reason: "x" });
    await expect(
      registerOrder(db, { organizationId: m.orgId, storeId: m.storeId, order, actor: "t" }),
    ).rejects.toMatchObject({ code: "order_code_cancelled", field: "orderCode" });

    const other = anOrder();
    const second = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: other,
      actor: "t",
    });
    await cancelOrder(db, {
      organizationId: m.orgId,
      orderId: second.orderId,
      actor: "op",
      reason: "x",
      allowSameCode: true,
    });
    const again = await registerOrder(db, {
      organizationId: m.orgId,
      storeId: m.storeId,
      order: other,
      actor: "t",
    });
    expect(again.outcome).toBe("created");
    expect(again.orderId).not.toBe(second.orderId);
    expect(await orderRow(second.orderId)).toMatchObject({ originalOrderCode: other.orderCode });
  });
});
