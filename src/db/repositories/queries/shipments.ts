// Shipment slips (出荷伝票) for the API.
import { and, asc, desc, eq, type SQL } from "drizzle-orm";
import type { ShipmentStatus } from "../../../domain/statuses.ts";
import type { Db } from "../../connection.ts";
import { orders, products, shipmentLines, shipments, warehouses } from "../../schema.ts";
import { countWhere, offsetOf, type PageRequest } from "./paging.ts";

export interface ShipmentFilter {
  status?: ShipmentStatus;
  storeId?: number;
}

const shipmentView = {
  id: shipments.id,
  code: shipments.code,
  status: shipments.status,
  storeId: shipments.storeId,
  warehouseCode: warehouses.code,
  carrier: shipments.carrier,
  trackingNumber: shipments.trackingNumber,
  shippedOn: shipments.shippedOn,
  createdAt: shipments.createdAt,
  updatedAt: shipments.updatedAt,
};

export async function listShipments(
  db: Db,
  organizationId: number,
  filter: ShipmentFilter,
  paging: PageRequest,
) {
  const conditions: SQL[] = [eq(shipments.organizationId, organizationId)];
  if (filter.status) conditions.push(eq(shipments.status, filter.status));
  if (filter.storeId) conditions.push(eq(shipments.storeId, filter.storeId));
  const where = and(...conditions);
  const rows = await db
    .select(shipmentView)
    .from(shipments)
    .innerJoin(warehouses, eq(warehouses.id, shipments.warehouseId))
    .where(where)
    .orderBy(desc(shipments.id))
    .limit(paging.limit)
    .offset(offsetOf(paging));
  return { rows, total: await countWhere(db, shipments, where) };
}

export async function shipmentDetail(db: Db, organizationId: number, shipmentId: number) {
  const [shipment] = await db
    .select(shipmentView)
    .from(shipments)
    .innerJoin(warehouses, eq(warehouses.id, shipments.warehouseId))
    .where(and(eq(shipments.id, shipmentId), eq(shipments.organizationId, organizationId)));
  if (!shipment) return null;
  const lines = await db
    .select({
      orderId: shipmentLines.orderId,
      orderCode: orders.orderCode,
      productCode: products.code,
      productName: products.name,
      quantity: shipmentLines.quantity,
    })
    .from(shipmentLines)
    .innerJoin(products, eq(products.id, shipmentLines.productId))
    .innerJoin(orders, eq(orders.id, shipmentLines.orderId))
    .where(eq(shipmentLines.shipmentId, shipmentId))
    .orderBy(asc(shipmentLines.orderId), asc(products.code));
  return { ...shipment, lines };
}
