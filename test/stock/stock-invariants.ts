// The stock core's invariants, as a list of broken ones (empty when all hold), for any organization.
import { sql } from "drizzle-orm";
import { type Db, queryRows } from "../../src/db/connection.ts";
import { findStockDiscrepancies } from "../../src/db/repositories/stock.ts";

/**
 * - levels equal their ledger, and reserved equals the allocated unshipped items (no unit reserved twice);
 * - no level has negative stock or reserves more than it has;
 * - an order ready to ship is allocated; held and cancelled orders reserve nothing; allocation is all or none;
 * - a shipment slip allocated or in picking belongs to allocated orders only.
 */
export async function stockInvariantViolations(db: Db, orgId: number): Promise<string[]> {
  const problems: string[] = [];

  for (const d of await findStockDiscrepancies(db, orgId)) {
    problems.push(`books do not balance: ${JSON.stringify(d)}`);
  }

  const levels = await queryRows<{ product_id: number; on_hand: number; reserved: number }>(
    db,
    sql`SELECT product_id, on_hand, reserved FROM stock_levels WHERE organization_id = ${orgId}`,
  );
  for (const l of levels) {
    if (l.on_hand < 0 || l.reserved < 0 || l.reserved > l.on_hand) {
      problems.push(`level of product ${l.product_id} is impossible: ${JSON.stringify(l)}`);
    }
  }

  const orders = await queryRows<{
    id: number;
    status: string;
    allocated: boolean;
    held: boolean;
    items: number;
    allocated_items: number;
  }>(
    db,
    sql`SELECT o.id, o.status, o.allocated, jsonb_array_length(o.hold_reasons) > 0 AS held,
               count(i.id)::int AS items, count(i.id) FILTER (WHERE i.allocated)::int AS allocated_items
        FROM orders o LEFT JOIN order_items i ON i.order_id = o.id
        WHERE o.organization_id = ${orgId}
        GROUP BY o.id ORDER BY o.id`,
  );
  for (const o of orders) {
    const label = `order ${o.id} (${o.status})`;
    if ((o.status === "awaiting_shipment" || o.status === "not_yet_shippable") && !o.allocated) {
      problems.push(`${label} is ready to ship but not allocated`);
    }
    if (
      (o.held || o.status === "held" || o.status === "cancelled") &&
      (o.allocated || o.allocated_items > 0)
    ) {
      problems.push(`${label} reserves stock`);
    }
    if (o.allocated && o.allocated_items !== o.items) problems.push(`${label} is only partly allocated`);
    if (!o.allocated && o.allocated_items > 0) problems.push(`${label} holds units but is not allocated`);
  }

  const slips = await queryRows<{ id: number; status: string; orders: number; allocated_orders: number }>(
    db,
    sql`SELECT s.id, s.status, count(o.id)::int AS orders,
               count(o.id) FILTER (WHERE o.allocated AND o.cancelled_at IS NULL)::int AS allocated_orders
        FROM shipments s LEFT JOIN orders o ON o.shipment_id = s.id
        WHERE s.organization_id = ${orgId} AND s.status IN ('allocated', 'in_progress')
        GROUP BY s.id`,
  );
  for (const s of slips) {
    if (s.orders === 0 || s.allocated_orders !== s.orders) {
      problems.push(
        `shipment ${s.id} is ${s.status} but its orders are not all allocated: ${JSON.stringify(s)}`,
      );
    }
  }
  return problems;
}
