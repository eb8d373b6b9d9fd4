// Safety net for allocation (引当): offers current stock to every order still waiting for it.
// Allocation normally happens at once when stock arrives; this catches anything a race left waiting.
import { and, eq, notInArray } from "drizzle-orm";
import { type Db, inTransaction } from "../db/connection.ts";
import { orderItems, orders } from "../db/schema.ts";
import { allocateWaitingOrders } from "../operations/allocation.ts";

export async function sweepWaitingAllocations(db: Db, actor = "worker"): Promise<number> {
  const waiting = await db
    .selectDistinct({ organizationId: orders.organizationId, productId: orderItems.productId })
    .from(orders)
    .innerJoin(orderItems, eq(orderItems.orderId, orders.id))
    .where(and(eq(orders.allocated, false), notInArray(orders.status, ["held", "cancelled", "shipped"])));
  const byOrganization = new Map<number, number[]>();
  for (const row of waiting) {
    byOrganization.set(row.organizationId, [
      ...(byOrganization.get(row.organizationId) ?? []),
      row.productId,
    ]);
  }
  let allocated = 0;
  for (const [organizationId, productIds] of byOrganization) {
    const ids = await inTransaction(db, (tx) => allocateWaitingOrders(tx, organizationId, productIds, actor));
    allocated += ids.length;
  }
  return allocated;
}
