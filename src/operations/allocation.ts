// 引当: reserving an order's SKUs, releasing them, and handing freed stock to waiting orders, oldest first.
import { and, asc, eq, inArray, notInArray, sql } from "drizzle-orm";
import type { Db } from "../db/connection.ts";
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
  await tx.update(orderItems).set({ allocated: true }).where(eq(orderItems.orderId, order.id));
  await tx.update(orders).set({ allocated: true }).where(eq(orders.id, order.id));
  return null;
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
