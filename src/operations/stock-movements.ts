// Receipts (入荷) and stocktake adjustments (棚卸). Freed or added stock goes to waiting orders at once.
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { type Db, inTransaction } from "../db/connection.ts";
import { emit } from "../db/repositories/outbox.ts";
import { getProductByCode, getWarehouseByCode } from "../db/repositories/scope.ts";
import { changeOnHand, lockLevel } from "../db/repositories/stock.ts";
import { orderHistory, orderItems, orders, shipments } from "../db/schema.ts";
import { conflict, invalid } from "../domain/errors.ts";
import { allocateWaitingOrders, releaseOrder } from "./allocation.ts";
import { settleOrder } from "./settle-order.ts";

export interface StockCommand {
  organizationId: number;
  productCode: string;
  warehouseCode: string;
  actor: string;
  reason?: string;
}

export async function receiveStock(db: Db, command: StockCommand & { quantity: number }) {
  if (!Number.isInteger(command.quantity) || command.quantity <= 0) {
    throw invalid("validation_failed", "quantity must be a whole number of at least 1", "quantity");
  }
  return inTransaction(db, async (tx) => {
    const { product, warehouse } = await resolve(tx, command);
    await changeOnHand(tx, "receipt", product.id, command.quantity, movementOf(command, warehouse.id));
    const allocatedOrderIds = await allocateWaitingOrders(
      tx,
      command.organizationId,
      [product.id],
      command.actor,
    );
    await emit(tx, command.organizationId, { type: "stock.changed", payload: { productIds: [product.id] } });
    return {
      productId: product.id,
      warehouseId: warehouse.id,
      ...(await lockLevel(tx, product.id, warehouse.id)),
      allocatedOrderIds,
    };
  });
}

/**
 * Stocktake (棚卸): sets on hand to the counted quantity. When fewer units are counted than are
 * reserved, the newest allocations not yet in picking are undone (those orders wait again); if picking
 * already holds more than was counted, the count is refused.
 */
export async function stocktake(db: Db, command: StockCommand & { countedQuantity: number }) {
  const counted = command.countedQuantity;
  if (!Number.isInteger(counted) || counted < 0) {
    throw invalid(
      "validation_failed",
      "countedQuantity must be a whole number of at least 0",
      "countedQuantity",
    );
  }
  return inTransaction(db, async (tx) => {
    const { product, warehouse } = await resolve(tx, command);
    let level = await lockLevel(tx, product.id, warehouse.id);
    const deallocatedOrderIds: number[] = [];
    // Every product whose free stock may grow: the counted one, and the other SKUs undone orders held.
    const freed = new Set<number>([product.id]);
    if (counted < level.reserved) {
      for (const orderId of await newestAllocatedOrders(tx, product.id, warehouse.id)) {
        const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for("update");
        if (!order) continue;
        const released = await releaseOrder(tx, order, command.actor, `stocktake counted ${counted}`);
        for (const productId of released) freed.add(productId);
        await settleOrder(tx, order.id);
        await tx.insert(orderHistory).values({
          orderId,
          action: "deallocated",
          actor: command.actor,
          detail: { reason: "stocktake", productCode: product.code, counted },
        });
        deallocatedOrderIds.push(orderId);
        level = await lockLevel(tx, product.id, warehouse.id);
        if (counted >= level.reserved) break;
      }
      if (counted < level.reserved) {
        throw conflict(
          "counted_below_picking",
          `${level.reserved} units of ${product.code} are in picking (出荷作業中); the count ${counted} cannot be lower`,
          "countedQuantity",
        );
      }
    }
    const delta = counted - level.onHand;
    if (delta !== 0)
      await changeOnHand(tx, "adjustment", product.id, delta, movementOf(command, warehouse.id));
    const productIds = [...freed].sort((a, b) => a - b);
    const allocatedOrderIds =
      delta > 0 || deallocatedOrderIds.length > 0
        ? await allocateWaitingOrders(tx, command.organizationId, productIds, command.actor)
        : [];
    await emit(tx, command.organizationId, { type: "stock.changed", payload: { productIds } });
    return {
      productId: product.id,
      warehouseId: warehouse.id,
      ...(await lockLevel(tx, product.id, warehouse.id)),
      delta,
      deallocatedOrderIds,
      allocatedOrderIds,
    };
  });
}

async function resolve(tx: Db, command: StockCommand) {
  const product = await getProductByCode(tx, command.organizationId, command.productCode);
  const warehouse = await getWarehouseByCode(tx, command.organizationId, command.warehouseCode);
  return { product, warehouse };
}

const movementOf = (command: StockCommand, warehouseId: number) => ({
  organizationId: command.organizationId,
  warehouseId,
  actor: command.actor,
  reason: command.reason,
});

/** Allocated, unshipped orders holding this SKU whose shipment is not in picking, newest first. */
async function newestAllocatedOrders(tx: Db, productId: number, warehouseId: number): Promise<number[]> {
  const rows = await tx
    .selectDistinct({ id: orders.id, orderedAt: orders.orderedAt })
    .from(orders)
    .innerJoin(orderItems, eq(orderItems.orderId, orders.id))
    .leftJoin(shipments, eq(shipments.id, orders.shipmentId))
    .where(
      and(
        eq(orderItems.productId, productId),
        eq(orderItems.warehouseId, warehouseId),
        eq(orderItems.allocated, true),
        isNull(orders.shippedAt),
        sql`coalesce(${shipments.status}, 'waiting') <> 'in_progress'`,
      ),
    )
    .orderBy(desc(orders.orderedAt), desc(orders.id));
  return rows.map((r) => r.id);
}
