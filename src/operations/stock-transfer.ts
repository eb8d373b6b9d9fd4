// 在庫移動: moves free units of a SKU from one warehouse to another. Reserved units stay where their
// orders ship from; units arriving go at once to orders waiting in the receiving warehouse, oldest first.
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type Db, inTransaction } from "../db/connection.ts";
import { emit } from "../db/repositories/outbox.ts";
import { getProductByCode, getWarehouseByCode } from "../db/repositories/scope.ts";
import { lockLevel } from "../db/repositories/stock.ts";
import { products, stockLedger, stockLevels, stockTransfers, warehouses } from "../db/schema.ts";
import { conflict, invalid } from "../domain/errors.ts";
import { parseInput } from "../domain/parse.ts";
import { allocateWaitingOrders } from "./allocation.ts";

export const stockTransferInput = z.object({
  productCode: z.string().trim().min(1, "is required"),
  fromWarehouseCode: z.string().trim().min(1, "is required"),
  toWarehouseCode: z.string().trim().min(1, "is required"),
  quantity: z.number().int("must be a whole number").positive("must be at least 1"),
  reason: z.string().trim().max(500).optional(),
});

export async function transferStock(
  db: Db,
  organizationId: number,
  input: z.input<typeof stockTransferInput>,
  actor: string,
) {
  const data = parseInput(stockTransferInput, input);
  if (data.fromWarehouseCode === data.toWarehouseCode) {
    throw invalid("same_warehouse", "the units must go to another warehouse", "toWarehouseCode");
  }
  return inTransaction(db, async (tx) => {
    const product = await getProductByCode(tx, organizationId, data.productCode);
    const from = await getWarehouseByCode(tx, organizationId, data.fromWarehouseCode);
    const to = await getWarehouseByCode(tx, organizationId, data.toWarehouseCode);
    // One guarded statement: only free units move, so a reservation is never left without stock.
    const taken = await tx
      .update(stockLevels)
      .set({ onHand: sql`${stockLevels.onHand} - ${data.quantity}`, updatedAt: sql`now()` })
      .where(
        and(
          eq(stockLevels.productId, product.id),
          eq(stockLevels.warehouseId, from.id),
          sql`${stockLevels.onHand} - ${stockLevels.reserved} >= ${data.quantity}`,
        ),
      )
      .returning({ onHand: stockLevels.onHand });
    if (taken.length === 0) {
      const level = await lockLevel(tx, product.id, from.id);
      throw conflict(
        "not_enough_free_stock",
        `${from.code} has ${level.onHand - level.reserved} free units of ${product.code}; cannot move ${data.quantity}`,
        "quantity",
      );
    }
    await tx
      .insert(stockLevels)
      .values({ organizationId, productId: product.id, warehouseId: to.id, onHand: data.quantity })
      .onConflictDoUpdate({
        target: [stockLevels.productId, stockLevels.warehouseId],
        set: { onHand: sql`${stockLevels.onHand} + ${data.quantity}`, updatedAt: sql`now()` },
      });
    const [transfer] = await tx
      .insert(stockTransfers)
      .values({
        organizationId,
        productId: product.id,
        fromWarehouseId: from.id,
        toWarehouseId: to.id,
        quantity: data.quantity,
        reason: data.reason ?? null,
        actor,
      })
      .returning();
    const reason = `transfer ${transfer?.id}: ${from.code} → ${to.code}${data.reason ? ` (${data.reason})` : ""}`;
    await tx.insert(stockLedger).values([
      {
        organizationId,
        productId: product.id,
        warehouseId: from.id,
        kind: "transfer",
        onHandDelta: -data.quantity,
        reservedDelta: 0,
        reason,
        actor,
      },
      {
        organizationId,
        productId: product.id,
        warehouseId: to.id,
        kind: "transfer",
        onHandDelta: data.quantity,
        reservedDelta: 0,
        reason,
        actor,
      },
    ]);
    const allocatedOrderIds = await allocateWaitingOrders(tx, organizationId, [product.id], actor);
    await emit(tx, organizationId, { type: "stock.changed", payload: { productIds: [product.id] } });
    return {
      id: transfer?.id ?? 0,
      productCode: product.code,
      fromWarehouseCode: from.code,
      toWarehouseCode: to.code,
      quantity: data.quantity,
      from: await lockLevel(tx, product.id, from.id),
      to: await lockLevel(tx, product.id, to.id),
      allocatedOrderIds,
    };
  });
}

export async function listStockTransfers(db: Db, organizationId: number, limit = 50) {
  const fromWarehouse = sql<string>`(select code from ${warehouses} w where w.id = ${stockTransfers.fromWarehouseId})`;
  const toWarehouse = sql<string>`(select code from ${warehouses} w where w.id = ${stockTransfers.toWarehouseId})`;
  return db
    .select({
      id: stockTransfers.id,
      productCode: products.code,
      fromWarehouseCode: fromWarehouse,
      toWarehouseCode: toWarehouse,
      quantity: stockTransfers.quantity,
      reason: stockTransfers.reason,
      actor: stockTransfers.actor,
      createdAt: stockTransfers.createdAt,
    })
    .from(stockTransfers)
    .innerJoin(products, eq(products.id, stockTransfers.productId))
    .where(eq(stockTransfers.organizationId, organizationId))
    .orderBy(desc(stockTransfers.id))
    .limit(limit);
}
