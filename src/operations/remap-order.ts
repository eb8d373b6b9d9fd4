// Re-mapping a held order (確認待ちの再判定): after the operator added the missing correspondence or
// mapping, the order is mapped again from what was stored when it came in, and allocated if it now maps.
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { type Db, inTransaction } from "../db/connection.ts";
import { getStore } from "../db/repositories/scope.ts";
import { orderLines, orders } from "../db/schema.ts";
import { conflict, notFound } from "../domain/errors.ts";
import { type OrderInput, orderInputSchema } from "../domain/order-input.ts";
import { remapStoredOrder } from "./register-order.ts";

type OrderRow = typeof orders.$inferSelect;
type LineRow = typeof orderLines.$inferSelect;

export async function remapHeldOrder(
  db: Db,
  command: { organizationId: number; orderId: number; actor: string },
) {
  return inTransaction(db, async (tx) => {
    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.id, command.orderId), eq(orders.organizationId, command.organizationId)))
      .for("update");
    if (!order) throw notFound(`order ${command.orderId}`, "orderId");
    if (order.holdReasons.length === 0 || order.cancelledAt) {
      throw conflict("order_not_held", `order ${order.orderCode} is not held for review`, "orderId");
    }
    const lines = await tx
      .select()
      .from(orderLines)
      .where(eq(orderLines.orderId, order.id))
      .orderBy(asc(orderLines.lineNo));
    const store = await getStore(tx, command.organizationId, order.storeId);
    return remapStoredOrder(tx, store, order, storedInput(order, lines), command.actor);
  });
}

/** Re-maps every held order of the organization (after a fix that concerns many); oldest first. */
export async function remapHeldOrders(
  db: Db,
  command: { organizationId: number; actor: string; limit?: number },
) {
  const held = await db
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        eq(orders.organizationId, command.organizationId),
        isNull(orders.cancelledAt),
        sql`jsonb_array_length(${orders.holdReasons}) > 0`,
      ),
    )
    .orderBy(asc(orders.orderedAt), asc(orders.id))
    .limit(command.limit ?? 500);
  let released = 0;
  for (const { id } of held) {
    const result = await remapHeldOrder(db, { ...command, orderId: id });
    if (!result.held) released += 1;
  }
  return { checked: held.length, released, stillHeld: held.length - released };
}

/** The order input as it was registered, rebuilt from the stored columns (the mapping inputs are all kept). */
function storedInput(order: OrderRow, lines: LineRow[]): OrderInput {
  const { others, ...firstAddress } = order.deliveryAddress as { others?: unknown[] };
  const present = <T>(value: T | null) => value ?? undefined;
  return orderInputSchema.parse({
    orderCode: order.orderCode,
    channelStatus: present(order.channelStatus),
    orderedAt: order.orderedAt,
    buyer: order.buyer,
    deliveryAddresses: [firstAddress, ...(others ?? [])],
    deliveryMethod: present(order.deliveryMethodReceived),
    requestedDate: present(order.requestedDate),
    timeSlot: present(order.timeSlotReceived),
    paymentMethod: present(order.paymentMethodReceived),
    paymentConfirmed: order.paymentConfirmed,
    lines: lines.map((line) => ({
      itemCode: present(line.itemCode),
      optionCode: line.optionCode || undefined,
      name: line.name,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      taxRate: present(line.taxRate),
    })),
    amounts: order.amounts,
    raw: present(order.raw),
  });
}
