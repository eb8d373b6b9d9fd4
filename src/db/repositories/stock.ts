// Stock levels and the ledger. Every change to a level writes its ledger row in the same transaction.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Component } from "../../domain/order-mapping.ts";
import { type Db, queryRows } from "../connection.ts";
import { type StockMovementKind, stockLedger, stockLevels } from "../schema.ts";

export interface Movement {
  organizationId: number;
  warehouseId: number;
  actor: string;
  reason?: string;
  orderId?: number;
  shipmentId?: number;
}

/**
 * Reserves every component or none (引当). Each row is reserved by one guarded statement, in product
 * order, so two transactions that want the last unit cannot both get it.
 * Returns the product that was short, or null when everything was reserved.
 */
export async function reserveAll(
  tx: Db,
  components: Component[],
  movement: Movement,
): Promise<number | null> {
  const sorted = [...components].sort((a, b) => a.productId - b.productId);
  try {
    await tx.transaction(async (savepoint) => {
      for (const c of sorted) {
        const rows = await savepoint
          .update(stockLevels)
          .set({ reserved: sql`${stockLevels.reserved} + ${c.quantity}`, updatedAt: sql`now()` })
          .where(
            and(
              eq(stockLevels.productId, c.productId),
              eq(stockLevels.warehouseId, movement.warehouseId),
              sql`${stockLevels.onHand} - ${stockLevels.reserved} >= ${c.quantity}`,
            ),
          )
          .returning({ productId: stockLevels.productId });
        if (rows.length === 0) throw new Shortage(c.productId);
      }
    });
  } catch (error) {
    if (error instanceof Shortage) return error.productId;
    throw error;
  }
  await writeLedger(tx, "reservation", sorted, movement, { onHand: 0, reserved: 1 });
  return null;
}

class Shortage extends Error {
  constructor(readonly productId: number) {
    super(`short of product ${productId}`);
  }
}

/** Gives reserved units back to free stock (cancellation, update, deallocation). */
export async function releaseAll(tx: Db, components: Component[], movement: Movement): Promise<void> {
  await applyDeltas(tx, "release", components, movement, { onHand: 0, reserved: -1 });
}

/** Shipping consumes the reservation: the units leave on hand and reserved together. */
export async function consumeAll(tx: Db, components: Component[], movement: Movement): Promise<void> {
  await applyDeltas(tx, "shipment", components, movement, { onHand: -1, reserved: -1 });
}

/** Adds (or, with a negative quantity, removes) units on hand. */
export async function changeOnHand(
  tx: Db,
  kind: "receipt" | "adjustment",
  productId: number,
  delta: number,
  movement: Movement,
): Promise<void> {
  if (delta < 0) {
    // Not an upsert: PostgreSQL checks constraints on the row INSERT … ON CONFLICT proposes before it
    // finds the conflict, so a negative on hand there fails `stock_levels_on_hand_nonneg` every time.
    const rows = await tx
      .update(stockLevels)
      .set({ onHand: sql`${stockLevels.onHand} + ${delta}`, updatedAt: sql`now()` })
      .where(and(eq(stockLevels.productId, productId), eq(stockLevels.warehouseId, movement.warehouseId)))
      .returning({ productId: stockLevels.productId });
    if (rows.length === 0)
      throw new Error(`product ${productId} has no stock to remove ${-delta} units from`);
    await writeLedger(tx, kind, [{ productId, quantity: delta }], movement, { onHand: 1, reserved: 0 });
    return;
  }
  await tx
    .insert(stockLevels)
    .values({
      organizationId: movement.organizationId,
      productId,
      warehouseId: movement.warehouseId,
      onHand: delta,
    })
    .onConflictDoUpdate({
      target: [stockLevels.productId, stockLevels.warehouseId],
      set: { onHand: sql`${stockLevels.onHand} + ${delta}`, updatedAt: sql`now()` },
    });
  await writeLedger(tx, kind, [{ productId, quantity: delta }], movement, { onHand: 1, reserved: 0 });
}

/** Locks and reads one level row (zeros when it does not exist yet). */
export async function lockLevel(tx: Db, productId: number, warehouseId: number) {
  const [row] = await tx
    .select({ onHand: stockLevels.onHand, reserved: stockLevels.reserved })
    .from(stockLevels)
    .where(and(eq(stockLevels.productId, productId), eq(stockLevels.warehouseId, warehouseId)))
    .for("update");
  return row ?? { onHand: 0, reserved: 0 };
}

export async function levelsFor(tx: Db, organizationId: number, productIds: number[]) {
  if (productIds.length === 0) return [];
  return tx
    .select()
    .from(stockLevels)
    .where(and(eq(stockLevels.organizationId, organizationId), inArray(stockLevels.productId, productIds)));
}

async function applyDeltas(
  tx: Db,
  kind: StockMovementKind,
  components: Component[],
  movement: Movement,
  sign: { onHand: number; reserved: number },
): Promise<void> {
  const sorted = [...components].sort((a, b) => a.productId - b.productId);
  for (const c of sorted) {
    await tx
      .update(stockLevels)
      .set({
        onHand: sql`${stockLevels.onHand} + ${sign.onHand * c.quantity}`,
        reserved: sql`${stockLevels.reserved} + ${sign.reserved * c.quantity}`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(stockLevels.productId, c.productId), eq(stockLevels.warehouseId, movement.warehouseId)));
  }
  await writeLedger(tx, kind, sorted, movement, sign);
}

async function writeLedger(
  tx: Db,
  kind: StockMovementKind,
  components: Component[],
  movement: Movement,
  sign: { onHand: number; reserved: number },
): Promise<void> {
  if (components.length === 0) return;
  await tx.insert(stockLedger).values(
    components.map((c) => ({
      organizationId: movement.organizationId,
      productId: c.productId,
      warehouseId: movement.warehouseId,
      kind,
      onHandDelta: sign.onHand * c.quantity,
      reservedDelta: sign.reserved * c.quantity,
      orderId: movement.orderId ?? null,
      shipmentId: movement.shipmentId ?? null,
      reason: movement.reason ?? null,
      actor: movement.actor,
    })),
  );
}

/**
 * The reconcile check: levels that differ from the sum of their ledger, or whose reserved units differ
 * from the allocated order items. An empty answer means the books balance.
 */
export async function findStockDiscrepancies(tx: Db, organizationId: number) {
  return queryRows<{
    product_id: number;
    warehouse_id: number;
    on_hand: number;
    reserved: number;
    ledger_on_hand: number;
    ledger_reserved: number;
    allocated: number;
  }>(
    tx,
    sql`
    WITH ledger AS (
      SELECT product_id, warehouse_id, sum(on_hand_delta)::int AS on_hand, sum(reserved_delta)::int AS reserved
      FROM stock_ledger WHERE organization_id = ${organizationId} GROUP BY product_id, warehouse_id
    ), allocated AS (
      SELECT i.product_id, i.warehouse_id, sum(i.quantity)::int AS quantity
      FROM order_items i JOIN orders o ON o.id = i.order_id
      WHERE o.organization_id = ${organizationId} AND i.allocated AND o.shipped_at IS NULL
      GROUP BY i.product_id, i.warehouse_id
    )
    SELECT l.product_id, l.warehouse_id, l.on_hand, l.reserved,
           coalesce(g.on_hand, 0) AS ledger_on_hand, coalesce(g.reserved, 0) AS ledger_reserved,
           coalesce(a.quantity, 0) AS allocated
    FROM stock_levels l
    LEFT JOIN ledger g ON g.product_id = l.product_id AND g.warehouse_id = l.warehouse_id
    LEFT JOIN allocated a ON a.product_id = l.product_id AND a.warehouse_id = l.warehouse_id
    WHERE l.organization_id = ${organizationId}
      AND (l.on_hand <> coalesce(g.on_hand, 0) OR l.reserved <> coalesce(g.reserved, 0)
           OR l.reserved <> coalesce(a.quantity, 0))
  `,
  );
}
