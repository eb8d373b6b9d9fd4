// Stock levels, the ledger and the figures availability is computed from.
import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../../connection.ts";
import { products, stockLedger, stockLevels, warehouses } from "../../schema.ts";
import { offsetOf, type PageRequest } from "./paging.ts";

export interface StockFilter {
  productCode?: string;
  warehouseCode?: string;
}

function stockWhere(organizationId: number, orgColumn: PgColumn, filter: StockFilter) {
  const conditions: SQL[] = [eq(orgColumn, organizationId)];
  if (filter.productCode) conditions.push(eq(products.code, filter.productCode));
  if (filter.warehouseCode) conditions.push(eq(warehouses.code, filter.warehouseCode));
  return and(...conditions);
}

const count = sql<number>`count(*)::int`;

/** One row per SKU × warehouse that has ever held stock. */
export async function listStockLevels(
  db: Db,
  organizationId: number,
  filter: StockFilter,
  paging: PageRequest,
) {
  const where = stockWhere(organizationId, stockLevels.organizationId, filter);
  const rows = await db
    .select({
      productCode: products.code,
      productName: products.name,
      warehouseCode: warehouses.code,
      onHand: stockLevels.onHand,
      reserved: stockLevels.reserved,
      safetyStock: products.safetyStock,
      updatedAt: stockLevels.updatedAt,
    })
    .from(stockLevels)
    .innerJoin(products, eq(products.id, stockLevels.productId))
    .innerJoin(warehouses, eq(warehouses.id, stockLevels.warehouseId))
    .where(where)
    .orderBy(asc(products.code), asc(warehouses.code))
    .limit(paging.limit)
    .offset(offsetOf(paging));
  const [total] = await db
    .select({ total: count })
    .from(stockLevels)
    .innerJoin(products, eq(products.id, stockLevels.productId))
    .innerJoin(warehouses, eq(warehouses.id, stockLevels.warehouseId))
    .where(where);
  return { rows, total: total?.total ?? 0 };
}

/** Stock movements, newest first. */
export async function listLedger(db: Db, organizationId: number, filter: StockFilter, paging: PageRequest) {
  const where = stockWhere(organizationId, stockLedger.organizationId, filter);
  const rows = await db
    .select({
      id: stockLedger.id,
      productCode: products.code,
      warehouseCode: warehouses.code,
      kind: stockLedger.kind,
      onHandDelta: stockLedger.onHandDelta,
      reservedDelta: stockLedger.reservedDelta,
      orderId: stockLedger.orderId,
      shipmentId: stockLedger.shipmentId,
      reason: stockLedger.reason,
      actor: stockLedger.actor,
      createdAt: stockLedger.createdAt,
    })
    .from(stockLedger)
    .innerJoin(products, eq(products.id, stockLedger.productId))
    .innerJoin(warehouses, eq(warehouses.id, stockLedger.warehouseId))
    .where(where)
    .orderBy(desc(stockLedger.id))
    .limit(paging.limit)
    .offset(offsetOf(paging));
  const [total] = await db
    .select({ total: count })
    .from(stockLedger)
    .innerJoin(products, eq(products.id, stockLedger.productId))
    .innerJoin(warehouses, eq(warehouses.id, stockLedger.warehouseId))
    .where(where);
  return { rows, total: total?.total ?? 0 };
}

/** Per product: on hand and reserved summed over all warehouses (zeros for a product without stock). */
export async function listProductTotals(
  db: Db,
  organizationId: number,
  filter: { productCode?: string },
  paging: PageRequest,
) {
  const totals = db
    .select({
      productId: stockLevels.productId,
      onHand: sql<number>`sum(${stockLevels.onHand})::int`.as("on_hand"),
      reserved: sql<number>`sum(${stockLevels.reserved})::int`.as("reserved"),
    })
    .from(stockLevels)
    .where(eq(stockLevels.organizationId, organizationId))
    .groupBy(stockLevels.productId)
    .as("totals");
  const conditions: SQL[] = [eq(products.organizationId, organizationId)];
  if (filter.productCode) conditions.push(eq(products.code, filter.productCode));
  const where = and(...conditions);
  const rows = await db
    .select({
      productCode: products.code,
      productName: products.name,
      onHand: sql<number>`coalesce(${totals.onHand}, 0)::int`,
      reserved: sql<number>`coalesce(${totals.reserved}, 0)::int`,
      safetyStock: products.safetyStock,
    })
    .from(products)
    .leftJoin(totals, eq(totals.productId, products.id))
    .where(where)
    .orderBy(asc(products.code))
    .limit(paging.limit)
    .offset(offsetOf(paging));
  const [total] = await db.select({ total: count }).from(products).where(where);
  return { rows, total: total?.total ?? 0 };
}

/** The stock figures of some products in one warehouse (zeros where it holds none). */
export async function stockInWarehouse(
  db: Db,
  organizationId: number,
  warehouseId: number,
  productIds: number[],
) {
  if (productIds.length === 0) return [];
  return db
    .select({
      productId: products.id,
      productCode: products.code,
      onHand: sql<number>`coalesce(${stockLevels.onHand}, 0)::int`,
      reserved: sql<number>`coalesce(${stockLevels.reserved}, 0)::int`,
      safetyStock: products.safetyStock,
    })
    .from(products)
    .leftJoin(
      stockLevels,
      and(eq(stockLevels.productId, products.id), eq(stockLevels.warehouseId, warehouseId)),
    )
    .where(and(eq(products.organizationId, organizationId), inArray(products.id, productIds)));
}

/** The current level of one SKU in one warehouse, after a movement. */
export async function stockLevelOf(db: Db, productId: number, warehouseId: number) {
  const [row] = await db
    .select({ onHand: stockLevels.onHand, reserved: stockLevels.reserved, safetyStock: products.safetyStock })
    .from(products)
    .leftJoin(
      stockLevels,
      and(eq(stockLevels.productId, products.id), eq(stockLevels.warehouseId, warehouseId)),
    )
    .where(eq(products.id, productId));
  return { onHand: row?.onHand ?? 0, reserved: row?.reserved ?? 0, safetyStock: row?.safetyStock ?? 0 };
}
