// Read models of shipping work: the picking list (ピッキングリスト) of a batch of slips, and a slip's history.
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../connection.ts";
import { orders, products, shipmentHistory, shipmentLines, shipments } from "../../schema.ts";

export async function pickingList(db: Db, organizationId: number, shipmentIds: number[]) {
  if (shipmentIds.length === 0) return { shipments: [], totals: [] };
  const slips = await db
    .select({ id: shipments.id, code: shipments.code, status: shipments.status })
    .from(shipments)
    .where(and(eq(shipments.organizationId, organizationId), inArray(shipments.id, shipmentIds)))
    .orderBy(asc(shipments.code));
  const ids = slips.map((s) => s.id);
  if (ids.length === 0) return { shipments: [], totals: [] };
  const onSlips = await db
    .select({
      shipmentId: orders.shipmentId,
      orderCode: orders.orderCode,
      deliveryAddress: orders.deliveryAddress,
    })
    .from(orders)
    .where(inArray(orders.shipmentId, ids))
    .orderBy(asc(orders.id));
  const lines = await db
    .select({
      shipmentId: shipmentLines.shipmentId,
      productCode: products.code,
      productName: products.name,
      quantity: shipmentLines.quantity,
    })
    .from(shipmentLines)
    .innerJoin(products, eq(products.id, shipmentLines.productId))
    .where(inArray(shipmentLines.shipmentId, ids))
    .orderBy(asc(products.code));

  const totals = new Map<string, { productCode: string; productName: string; quantity: number }>();
  const perSlip = slips.map((slip) => {
    const own = onSlips.filter((o) => o.shipmentId === slip.id);
    const address = (own[0]?.deliveryAddress ?? {}) as Record<string, unknown>;
    const merged = new Map<string, { productCode: string; productName: string; quantity: number }>();
    for (const line of lines.filter((l) => l.shipmentId === slip.id)) {
      const entry = merged.get(line.productCode) ?? { ...line, quantity: 0 };
      entry.quantity += line.quantity;
      merged.set(line.productCode, {
        productCode: entry.productCode,
        productName: entry.productName,
        quantity: entry.quantity,
      });
      const total = totals.get(line.productCode) ?? {
        productCode: line.productCode,
        productName: line.productName,
        quantity: 0,
      };
      total.quantity += line.quantity;
      totals.set(line.productCode, total);
    }
    return {
      shipmentId: slip.id,
      code: slip.code,
      status: slip.status,
      orderCodes: own.map((o) => o.orderCode),
      recipientName: typeof address.name === "string" ? address.name : "",
      lines: [...merged.values()],
    };
  });
  return {
    shipments: perSlip,
    totals: [...totals.values()].sort((a, b) => a.productCode.localeCompare(b.productCode)),
  };
}
export type PickingList = Awaited<ReturnType<typeof pickingList>>;

export async function shipmentHistoryOf(db: Db, organizationId: number, shipmentId: number) {
  return db
    .select({
      id: shipmentHistory.id,
      action: shipmentHistory.action,
      fromStatus: shipmentHistory.fromStatus,
      toStatus: shipmentHistory.toStatus,
      actor: shipmentHistory.actor,
      detail: shipmentHistory.detail,
      createdAt: shipmentHistory.createdAt,
    })
    .from(shipmentHistory)
    .where(
      and(eq(shipmentHistory.shipmentId, shipmentId), eq(shipmentHistory.organizationId, organizationId)),
    )
    .orderBy(asc(shipmentHistory.id));
}
