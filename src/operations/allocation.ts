// 引当: reserving an order's SKUs, releasing them, and handing freed stock to waiting orders, oldest first.
import { and, asc, eq, inArray, notInArray, sql } from "drizzle-orm";
import { type Db, queryRows } from "../db/connection.ts";
import { releaseAll, reserveAll } from "../db/repositories/stock.ts";
import { orderItems, orders } from "../db/schema.ts";
import type { Component } from "../domain/order-mapping.ts";
import { settleOrder } from "./settle-order.ts";

interface OrderRef {
  id: number;
  organizationId: number;
}

async function itemsByWarehouse(tx: Db, orderId: number, allocated: boolean) {
  const rows = await tx
    .select({
      productId: orderItems.productId,
      warehouseId: orderItems.warehouseId,
      quantity: sql<number>`sum(${orderItems.quantity})::int`,
    })
    .from(orderItems)
    .where(and(eq(orderItems.orderId, orderId), eq(orderItems.allocated, allocated)))
    .groupBy(orderItems.productId, orderItems.warehouseId)
    // Warehouses, then products, in id order: every transaction locks stock rows in the same order.
    .orderBy(asc(orderItems.warehouseId), asc(orderItems.productId));
  const byWarehouse = new Map<number, Component[]>();
  for (const r of rows) {
    const list = byWarehouse.get(r.warehouseId) ?? [];
    list.push({ productId: r.productId, quantity: r.quantity });
    byWarehouse.set(r.warehouseId, list);
  }
  return byWarehouse;
}

/**
 * Reserves all of an order's SKUs, or none. The caller holds the order's row lock.
 * Returns the product that was short, or null when the order is now allocated.
 */
export async function allocateOrder(tx: Db, order: OrderRef, actor: string): Promise<number | null> {
  const pending = await itemsByWarehouse(tx, order.id, false);
  for (const [warehouseId, components] of pending) {
    const short = await reserveAll(tx, components, {
      organizationId: order.organizationId,
      warehouseId,
      orderId: order.id,
      actor,
    });
    if (short !== null) return short; // the savepoint undid this warehouse; earlier ones roll back with the caller
  }
  await markAllocated(tx, order.id);
  return null;
}

async function markAllocated(tx: Db, orderId: number): Promise<void> {
  await tx.update(orderItems).set({ allocated: true }).where(eq(orderItems.orderId, orderId));
  await tx.update(orders).set({ allocated: true }).where(eq(orders.id, orderId));
}

/** SKUs a new order reserves when its transaction is about to commit (see allocateAtCommit). */
export type ReservationAtCommit = Map<number, Component[]>;

/**
 * Allocates a new order whose SKUs all look free, read without locking a stock row, and answers what
 * `reserveAtCommit` must then reserve; answers null (and does nothing) when something looks short. The
 * registration locks the stock rows only as it ends, so orders of one popular SKU wait for each other
 * while they commit, not for the whole registration before them. It takes them after its delivery
 * key's lock (the bundle look-up's), the other way round from reserving first: two such transactions on
 * one address and one SKU may deadlock, which PostgreSQL breaks and inTransaction runs again.
 */
export async function allocateAtCommit(tx: Db, order: OrderRef): Promise<ReservationAtCommit | null> {
  const pending = await itemsByWarehouse(tx, order.id, false);
  const wanted = [...pending].flatMap(([warehouseId, components]) =>
    components.map((c) => ({ product_id: c.productId, warehouse_id: warehouseId, quantity: c.quantity })),
  );
  if (wanted.length === 0) return null;
  const [short] = await queryRows<{ product_id: number }>(
    tx,
    sql`SELECT w.product_id FROM json_to_recordset(${JSON.stringify(wanted)}::json)
          AS w(product_id bigint, warehouse_id bigint, quantity int)
        LEFT JOIN stock_levels s ON s.product_id = w.product_id AND s.warehouse_id = w.warehouse_id
        WHERE coalesce(s.on_hand - s.reserved, 0) < w.quantity
        LIMIT 1`,
  );
  if (short) return null;
  await markAllocated(tx, order.id);
  return pending;
}

/**
 * Reserves what allocateAtCommit promised, the last thing before the commit; false when another
 * transaction took the units meanwhile (the caller rolls back and registers again, reserving first).
 */
export async function reserveAtCommit(
  tx: Db,
  order: OrderRef,
  reservation: ReservationAtCommit,
  actor: string,
): Promise<boolean> {
  for (const [warehouseId, components] of reservation) {
    const movement = { organizationId: order.organizationId, warehouseId, orderId: order.id, actor };
    if ((await reserveAll(tx, components, movement)) !== null) return false;
  }
  return true;
}

/** Releases an order's reserved SKUs. Returns the products whose free stock grew. */
export async function releaseOrder(
  tx: Db,
  order: OrderRef,
  actor: string,
  reason: string,
): Promise<number[]> {
  const reserved = await itemsByWarehouse(tx, order.id, true);
  const released: number[] = [];
  for (const [warehouseId, components] of reserved) {
    await releaseAll(tx, components, {
      organizationId: order.organizationId,
      warehouseId,
      orderId: order.id,
      actor,
      reason,
    });
    released.push(...components.map((c) => c.productId));
  }
  await tx.update(orderItems).set({ allocated: false }).where(eq(orderItems.orderId, order.id));
  await tx.update(orders).set({ allocated: false }).where(eq(orders.id, order.id));
  return released;
}

/**
 * Offers freed stock of `productIds` to orders waiting for allocation (引当待ち), oldest first. An order
 * that still cannot be fully allocated is passed over, and a newer one that needs less may take the
 * units. Within one pass free stock only shrinks, so once an order needing q of a product in a warehouse
 * fell short, any later order needing q or more of it there is skipped without a try. Returns the allocated orders' ids.
 */
export async function allocateWaitingOrders(
  tx: Db,
  organizationId: number,
  productIds: number[],
  actor: string,
): Promise<number[]> {
  if (productIds.length === 0) return [];
  const candidates = await tx
    .selectDistinct({ id: orders.id, orderedAt: orders.orderedAt })
    .from(orders)
    .innerJoin(orderItems, eq(orderItems.orderId, orders.id))
    .where(
      and(
        eq(orders.organizationId, organizationId),
        eq(orders.allocated, false),
        notInArray(orders.status, ["held", "cancelled", "shipped"]),
        inArray(orderItems.productId, productIds),
        eq(orderItems.allocated, false),
      ),
    )
    .orderBy(asc(orders.orderedAt), asc(orders.id));

  /** Per product × warehouse, the smallest quantity that was already short in this pass. */
  const shortAt = new Map<string, number>();
  const at = (productId: number, warehouseId: number) => `${productId}:${warehouseId}`;
  const allocated: number[] = [];
  for (const candidate of candidates) {
    const [locked] = await tx
      .select({ id: orders.id, status: orders.status, allocated: orders.allocated })
      .from(orders)
      .where(eq(orders.id, candidate.id))
      // An order locked by another transaction is being registered, updated or cancelled right now; waiting
      // for it while holding freed stock rows is how two transactions deadlock. Its own transaction sees
      // the freed stock when it reserves; if it had already fallen short, the allocation sweep takes it.
      .for("update", { skipLocked: true });
    if (!locked || locked.allocated || ["held", "cancelled", "shipped"].includes(locked.status)) continue;
    const needs = await tx
      .select({
        productId: orderItems.productId,
        warehouseId: orderItems.warehouseId,
        quantity: sql<number>`sum(${orderItems.quantity})::int`,
      })
      .from(orderItems)
      .where(eq(orderItems.orderId, candidate.id))
      .groupBy(orderItems.productId, orderItems.warehouseId);
    // Stock is per warehouse: a shortage in one says nothing about orders shipping from another.
    const alreadyShort = (n: (typeof needs)[number]) =>
      n.quantity >= (shortAt.get(at(n.productId, n.warehouseId)) ?? Number.POSITIVE_INFINITY);
    if (needs.some(alreadyShort)) continue;
    const shortProduct = await allocateOrder(tx, { id: candidate.id, organizationId }, actor);
    if (shortProduct !== null) {
      const need = needs.find((n) => n.productId === shortProduct);
      if (need) {
        const key = at(need.productId, need.warehouseId);
        shortAt.set(key, Math.min(need.quantity, shortAt.get(key) ?? need.quantity));
      }
      continue;
    }
    await settleOrder(tx, candidate.id);
    allocated.push(candidate.id);
  }
  return allocated;
}
