// Order slips (受注伝票) for the API: filtered lists and one order with everything about it.
import { and, asc, desc, eq, gte, lt, or, type SQL, sql } from "drizzle-orm";
import type { OrderStatus } from "../../../domain/statuses.ts";
import type { Db } from "../../connection.ts";
import {
  deliveryMethods,
  orderHistory,
  orderItems,
  orderLines,
  orders,
  paymentMethods,
  products,
  shipments,
  warehouses,
} from "../../schema.ts";
import { countWhere, offsetOf, type PageRequest } from "./paging.ts";

export interface OrderFilter {
  status?: OrderStatus;
  storeId?: number;
  /** The channel's order code, also found after a cancellation freed it. */
  code?: string;
  codePrefix?: string;
  orderedFrom?: Date;
  /** Exclusive. */
  orderedBefore?: Date;
  held?: boolean;
}

function whereOf(organizationId: number, filter: OrderFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [eq(orders.organizationId, organizationId)];
  if (filter.status) conditions.push(eq(orders.status, filter.status));
  if (filter.storeId) conditions.push(eq(orders.storeId, filter.storeId));
  if (filter.code) {
    conditions.push(
      or(
        eq(orders.orderCode, filter.code),
        eq(orders.originalOrderCode, filter.code),
        eq(orders.kuraCode, filter.code),
      ),
    );
  }
  if (filter.codePrefix) conditions.push(sql`starts_with(${orders.orderCode}, ${filter.codePrefix})`);
  if (filter.orderedFrom) conditions.push(gte(orders.orderedAt, filter.orderedFrom));
  if (filter.orderedBefore) conditions.push(lt(orders.orderedAt, filter.orderedBefore));
  if (filter.held !== undefined) {
    conditions.push(
      filter.held
        ? sql`jsonb_array_length(${orders.holdReasons}) > 0`
        : sql`jsonb_array_length(${orders.holdReasons}) = 0`,
    );
  }
  return and(...conditions);
}

export async function listOrders(db: Db, organizationId: number, filter: OrderFilter, paging: PageRequest) {
  const where = whereOf(organizationId, filter);
  const rows = await db
    .select({
      id: orders.id,
      storeId: orders.storeId,
      orderCode: orders.orderCode,
      kuraCode: orders.kuraCode,
      originalOrderCode: orders.originalOrderCode,
      channelStatus: orders.channelStatus,
      tags: orders.tags,
      status: orders.status,
      holdReasons: orders.holdReasons,
      allocated: orders.allocated,
      orderedAt: orders.orderedAt,
      buyerName: sql<string>`${orders.buyer}->>'name'`,
      total: orders.total,
      shipmentId: orders.shipmentId,
      shippedAt: orders.shippedAt,
      cancelledAt: orders.cancelledAt,
      createdAt: orders.createdAt,
      updatedAt: orders.updatedAt,
    })
    .from(orders)
    .where(where)
    .orderBy(desc(orders.orderedAt), desc(orders.id))
    .limit(paging.limit)
    .offset(offsetOf(paging));
  return { rows, total: await countWhere(db, orders, where) };
}

export async function orderDetail(db: Db, organizationId: number, orderId: number) {
  const [row] = await db
    .select({
      order: orders,
      paymentMethodCode: paymentMethods.code,
      deliveryMethodCode: deliveryMethods.code,
    })
    .from(orders)
    .leftJoin(paymentMethods, eq(paymentMethods.id, orders.paymentMethodId))
    .leftJoin(deliveryMethods, eq(deliveryMethods.id, orders.deliveryMethodId))
    .where(and(eq(orders.id, orderId), eq(orders.organizationId, organizationId)));
  if (!row) return null;
  const { payloadHash: _hash, organizationId: _org, ...order } = row.order;

  const lines = await db
    .select({
      id: orderLines.id,
      lineNo: orderLines.lineNo,
      itemCode: orderLines.itemCode,
      optionCode: orderLines.optionCode,
      name: orderLines.name,
      quantity: orderLines.quantity,
      unitPrice: orderLines.unitPrice,
      taxRate: orderLines.taxRate,
      correspondenceId: orderLines.correspondenceId,
    })
    .from(orderLines)
    .where(eq(orderLines.orderId, orderId))
    .orderBy(asc(orderLines.lineNo));
  const items = await db
    .select({
      lineNo: orderLines.lineNo,
      productCode: products.code,
      warehouseCode: warehouses.code,
      quantity: orderItems.quantity,
      allocated: orderItems.allocated,
    })
    .from(orderItems)
    .innerJoin(orderLines, eq(orderLines.id, orderItems.orderLineId))
    .innerJoin(products, eq(products.id, orderItems.productId))
    .innerJoin(warehouses, eq(warehouses.id, orderItems.warehouseId))
    .where(eq(orderItems.orderId, orderId))
    .orderBy(asc(orderLines.lineNo), asc(products.code));
  const [shipment] = order.shipmentId
    ? await db
        .select({ id: shipments.id, code: shipments.code, status: shipments.status })
        .from(shipments)
        .where(eq(shipments.id, order.shipmentId))
    : [];
  const history = await db
    .select({
      id: orderHistory.id,
      action: orderHistory.action,
      actor: orderHistory.actor,
      detail: orderHistory.detail,
      createdAt: orderHistory.createdAt,
    })
    .from(orderHistory)
    .where(eq(orderHistory.orderId, orderId))
    .orderBy(asc(orderHistory.id));

  return {
    ...order,
    held: order.holdReasons.length > 0,
    paymentMethodCode: row.paymentMethodCode,
    deliveryMethodCode: row.deliveryMethodCode,
    lines,
    items,
    shipment: shipment ?? null,
    history,
  };
}

/** What a caller learns right after registering an order. */
export async function orderHoldReasons(db: Db, organizationId: number, orderId: number) {
  const [row] = await db
    .select({ holdReasons: orders.holdReasons })
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.organizationId, organizationId)));
  return row?.holdReasons ?? [];
}
