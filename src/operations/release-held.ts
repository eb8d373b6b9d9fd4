// Re-processing held orders (確認待ち): when a replacement rule (置換ルール) is added, every order of the
// store held for exactly that string is mapped again and, when nothing else holds it, allocated and
// released; an operator's confirmation clears the holds order rules set. Each release is recorded with
// how many orders it examined and released.
import { and, asc, desc, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import { type Db, inTransaction } from "../db/connection.ts";
import { loadMappingContext } from "../db/repositories/mapping-context.ts";
import { emit } from "../db/repositories/outbox.ts";
import { getStore } from "../db/repositories/scope.ts";
import {
  heldOrderReleases,
  type MappingKind,
  orderHistory,
  orderItems,
  orderLines,
  orderRuleApplications,
  orders,
} from "../db/schema.ts";
import { conflict, notFound } from "../domain/errors.ts";
import type { Address, OrderInput } from "../domain/order-input.ts";
import { type HoldReason, type HoldReasonCode, mapOrder } from "../domain/order-mapping.ts";
import type { OrderStatus } from "../domain/statuses.ts";
import { allocateOrder } from "./allocation.ts";
import { settleOrder } from "./settle-order.ts";

type OrderRow = typeof orders.$inferSelect;
type Store = Awaited<ReturnType<typeof getStore>>;

/** The hold a missing rule of each kind causes. */
export const holdCodeOfRuleKind: Record<MappingKind, HoldReasonCode> = {
  payment_method: "unmapped_payment_method",
  delivery_method: "unmapped_delivery_method",
  time_slot: "invalid_time_slot",
};

/** Holds that mapping again cannot lift: only an operator (or a new code) can. */
const operatorHolds: HoldReasonCode[] = ["order_rule", "duplicate_order_code"];

export interface ReleaseSummary {
  id: number;
  trigger: string;
  channelValue: string | null;
  examined: number;
  released: number;
  stillHeld: number;
  orderIds: number[];
}

/**
 * Re-processes every open order of the store held because `channelValue` had no rule of `kind`, oldest
 * first (so they take stock in order), in the caller's transaction, and records the release.
 */
export function releaseHeldOrders(
  tx: Db,
  store: Store,
  rule: { kind: MappingKind; channelValue: string },
  actor: string,
): Promise<ReleaseSummary> {
  // A delivery method mapped anew may offer the time slot an order was held for with the old one.
  const slotHeldUnderThisMethod =
    rule.kind === "delivery_method"
      ? and(
          eq(orders.deliveryMethodReceived, rule.channelValue),
          sql`${orders.holdReasons} @> ${JSON.stringify([{ code: "invalid_time_slot" }])}::jsonb`,
        )
      : undefined;
  return releaseOrdersHeldFor(
    tx,
    store,
    {
      trigger: rule.kind,
      value: rule.channelValue,
      codes: [holdCodeOfRuleKind[rule.kind]],
      also: slotHeldUnderThisMethod,
    },
    actor,
  );
}

/** The same when a correspondence entry (商品対応表) is set: orders held for its unknown item code. */
export function releaseOrdersHeldForItem(
  tx: Db,
  store: Store,
  item: { itemCode: string; optionCode: string },
  actor: string,
): Promise<ReleaseSummary> {
  const value = item.optionCode ? `${item.itemCode} / ${item.optionCode}` : item.itemCode;
  return releaseOrdersHeldFor(
    tx,
    store,
    { trigger: "correspondence", value, codes: ["unknown_product_code", "invalid_product_code"] },
    actor,
  );
}

async function releaseOrdersHeldFor(
  tx: Db,
  store: Store,
  hold: { trigger: string; value: string; codes: HoldReasonCode[]; also?: SQL },
  actor: string,
): Promise<ReleaseSummary> {
  const heldFor: (SQL | undefined)[] = hold.codes.map(
    (code) => sql`${orders.holdReasons} @> ${JSON.stringify([{ code, value: hold.value }])}::jsonb`,
  );
  heldFor.push(hold.also);
  const held = await tx
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.storeId, store.id),
        eq(orders.status, "held"),
        isNull(orders.cancelledAt),
        or(...heldFor),
      ),
    )
    .orderBy(asc(orders.orderedAt), asc(orders.id))
    .for("update");
  const releasedIds: number[] = [];
  for (const order of held) {
    const why = `${hold.trigger.replace("_", " ")} rule for "${hold.value}"`;
    const outcome = await reprocessHeldOrder(tx, store, order, actor, why);
    if (outcome.released) releasedIds.push(order.id);
  }
  return recordRelease(tx, store, {
    trigger: hold.trigger,
    channelValue: hold.value,
    examined: held.length,
    releasedIds,
    actor,
  });
}

/** 確認: an operator confirms an order an order rule held; it is then processed like any other. */
export async function confirmOrder(db: Db, organizationId: number, orderId: number, actor: string) {
  return inTransaction(db, async (tx) => {
    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.id, orderId), eq(orders.organizationId, organizationId)))
      .for("update");
    if (!order) throw notFound(`order ${orderId}`, "orderId");
    if (!order.holdReasons.some((r) => r.code === "order_rule")) {
      throw conflict("not_held_by_rule", `order ${order.orderCode} is not held by an order rule`, "orderId");
    }
    await tx
      .update(orderRuleApplications)
      .set({ holdConfirmedAt: sql`now()` })
      .where(and(eq(orderRuleApplications.orderId, order.id), isNull(orderRuleApplications.holdConfirmedAt)));
    const store = await getStore(tx, organizationId, order.storeId);
    const outcome = await reprocessHeldOrder(tx, store, order, actor, "confirmed", {
      confirmRuleHolds: true,
    });
    await recordRelease(tx, store, {
      trigger: "confirmation",
      channelValue: null,
      examined: 1,
      releasedIds: outcome.released ? [order.id] : [],
      actor,
    });
    return { orderId: order.id, ...outcome };
  });
}

async function recordRelease(
  tx: Db,
  store: Store,
  entry: {
    trigger: string;
    channelValue: string | null;
    examined: number;
    releasedIds: number[];
    actor: string;
  },
): Promise<ReleaseSummary> {
  const [row] = await tx
    .insert(heldOrderReleases)
    .values({
      organizationId: store.organizationId,
      storeId: store.id,
      trigger: entry.trigger,
      channelValue: entry.channelValue,
      examined: entry.examined,
      released: entry.releasedIds.length,
      stillHeld: entry.examined - entry.releasedIds.length,
      orderIds: entry.releasedIds,
      actor: entry.actor,
    })
    .returning();
  if (!row) throw new Error("release record insert returned nothing");
  return summaryOf(row);
}

const summaryOf = (row: typeof heldOrderReleases.$inferSelect): ReleaseSummary => ({
  id: row.id,
  trigger: row.trigger,
  channelValue: row.channelValue,
  examined: row.examined,
  released: row.released,
  stillHeld: row.stillHeld,
  orderIds: row.orderIds,
});

export async function listReleases(db: Db, organizationId: number, storeId: number, limit = 50) {
  await getStore(db, organizationId, storeId);
  const rows = await db
    .select()
    .from(heldOrderReleases)
    .where(and(eq(heldOrderReleases.organizationId, organizationId), eq(heldOrderReleases.storeId, storeId)))
    .orderBy(desc(heldOrderReleases.id))
    .limit(limit);
  return rows.map((r) => ({ ...summaryOf(r), actor: r.actor, createdAt: r.createdAt }));
}

/**
 * Maps a held order again from what it holds (its lines and the strings the channel sent, as order rules
 * left them; rules are not run again). Holds only an operator can lift stay unless `confirmRuleHolds`.
 */
async function reprocessHeldOrder(
  tx: Db,
  store: Store,
  order: OrderRow,
  actor: string,
  why: string,
  options: { confirmRuleHolds?: boolean } = {},
): Promise<{ released: boolean; status: OrderStatus; holdReasons: HoldReason[] }> {
  const lines = await tx
    .select()
    .from(orderLines)
    .where(eq(orderLines.orderId, order.id))
    .orderBy(asc(orderLines.lineNo));
  const input = inputOf(order, lines);
  const mapped = mapOrder(
    input,
    await loadMappingContext(
      tx,
      store,
      lines.map((l) => l.itemCode ?? ""),
    ),
  );
  const kept = order.holdReasons.filter(
    (r) => operatorHolds.includes(r.code) && !(options.confirmRuleHolds && r.code === "order_rule"),
  );
  const holdReasons = [...mapped.holdReasons, ...kept];
  const held = holdReasons.length > 0;

  await tx
    .update(orders)
    .set({
      holdReasons,
      deliveryMethodId: mapped.deliveryMethod?.id ?? null,
      paymentMethodId: mapped.paymentMethod?.id ?? null,
      timeSlot: mapped.timeSlot,
      updatedAt: sql`now()`,
    })
    .where(eq(orders.id, order.id));
  await tx.delete(orderItems).where(eq(orderItems.orderId, order.id));
  const warehouseId = order.warehouseId ?? store.warehouseId;
  for (const line of mapped.lines) {
    const row = lines[line.lineNo - 1];
    if (!row) continue;
    await tx
      .update(orderLines)
      .set({ correspondenceId: line.correspondenceId })
      .where(eq(orderLines.id, row.id));
    if (held || line.components.length === 0) continue;
    await tx.insert(orderItems).values(
      line.components.map((c) => ({
        orderId: order.id,
        orderLineId: row.id,
        productId: c.productId,
        warehouseId,
        quantity: c.quantity,
      })),
    );
  }
  if (!held) await allocateOrder(tx, order, actor);
  const status = await settleOrder(tx, order.id);
  await tx.insert(orderHistory).values({
    orderId: order.id,
    action: held ? "reprocessed" : "released",
    actor,
    detail: { why, status, holdReasons },
  });
  await emit(tx, store.organizationId, {
    type: "order.updated",
    payload: { orderId: order.id, storeId: store.id },
  });
  if (!held) {
    const productIds = [...new Set(mapped.lines.flatMap((l) => l.components.map((c) => c.productId)))];
    if (productIds.length > 0) {
      await emit(tx, store.organizationId, {
        type: "stock.changed",
        payload: { productIds: productIds.sort((a, b) => a - b) },
      });
    }
  }
  return { released: !held, status, holdReasons };
}

/** The order as the channel sent it (after order rules), rebuilt from the slip, for mapping again. */
export function inputOf(order: OrderRow, lines: (typeof orderLines.$inferSelect)[]): OrderInput {
  const { others, ...first } = order.deliveryAddress as Address & { others?: Address[] };
  const orDefined = (value: string | null) => value ?? undefined;
  return {
    orderCode: order.orderCode,
    channelStatus: orDefined(order.channelStatus),
    cancelledOnChannel: false,
    orderedAt: order.orderedAt,
    buyer: order.buyer as Address,
    deliveryAddresses: [first, ...(others ?? [])],
    deliveryMethod: orDefined(order.deliveryMethodReceived),
    requestedDate: orDefined(order.requestedDate),
    timeSlot: orDefined(order.timeSlotReceived),
    paymentMethod: orDefined(order.paymentMethodReceived),
    paymentConfirmed: order.paymentConfirmed,
    lines: lines.map((l) => ({
      itemCode: orDefined(l.itemCode),
      optionCode: l.optionCode || undefined,
      name: l.name,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      taxRate: l.taxRate ?? undefined,
    })),
    amounts: order.amounts as OrderInput["amounts"],
    raw: order.raw ?? undefined,
  };
}
