// Creates a batch of new orders of one store in the caller's transaction, set-based: the same rows, holds,
// allocation (引当), shipment slips (出荷伝票), bundle look-ups (同梱), history and events as registering
// them one by one (register-order.ts), with one statement per table for the whole batch instead of some
// twenty-five per order. Allocation goes in the batch's order: an order takes its SKUs only if all of them
// are free after the orders before it. Stock rows are locked warehouse, then product, before the advisory
// locks of the delivery keys, the same order as registering one order.
import { and, eq, inArray, isNull, notInArray, sql } from "drizzle-orm";
import { insertRows } from "../db/bulk-insert.ts";
import { type Db, queryRows } from "../db/connection.ts";
import { loadMappingContext } from "../db/repositories/mapping-context.ts";
import { type DomainEvent, emit } from "../db/repositories/outbox.ts";
import type { ReadCache } from "../db/repositories/read-cache.ts";
import { recordShipmentChanges } from "../db/repositories/shipment-history.ts";
import {
  orderHistory,
  orderItems,
  orderLines,
  orders,
  shipmentLines,
  shipments,
  stockLedger,
  type stores,
} from "../db/schema.ts";
import { deliveryKey } from "../domain/address-key.ts";
import type { OrderInput } from "../domain/order-input.ts";
import { type MappedOrder, mapOrder } from "../domain/order-mapping.ts";
import { deriveOrderStatus, isInTargetStatus, needsShipmentSlip } from "../domain/order-status.ts";
import type { OrderStatus } from "../domain/statuses.ts";
import { bundlableShipmentStatuses, loadShipmentSettings, proposeBundle } from "./bundle-lookup.ts";
import { heldOrStockChanged, orderColumns, type RegisterOrderResult } from "./register-order.ts";
import { type PreparedOrder, prepareRegistrations, recordRegistrations } from "./registration-rules.ts";

type Store = typeof stores.$inferSelect;

export interface NewOrder {
  input: OrderInput;
  payloadHash: string;
}

export interface OrderPlan {
  prepared: PreparedOrder;
  mapped: MappedOrder;
  payloadHash: string;
  warehouseId: number;
  held: boolean;
  /** SKUs the order needs, summed per product. */
  needs: Map<number, number>;
  allocated: boolean;
  status: OrderStatus;
  shipmentId: number | null;
  deliveryKey: string | null;
  orderId: number;
}

/**
 * Creates every planned order (none exists yet: a code that does exist fails the insert with 23505 and
 * the caller registers one by one); the results are in the plans' order. A retried transaction plans
 * the same orders again from what planOrders made.
 */
export async function createOrders(
  tx: Db,
  store: Store,
  plans: OrderPlan[],
  actor: string,
): Promise<RegisterOrderResult[]> {
  for (const p of plans) Object.assign(p, unsettled);
  await allocate(tx, plans);
  settle(store, plans);
  await insertShipments(tx, store, plans);
  await insertOrders(tx, store, plans);
  await recordReservations(tx, store, plans, actor);
  await insertLinesAndItems(tx, plans);
  await insertShipmentLinesAndHistory(tx, store, plans, actor);
  await recordRegistrations(
    tx,
    plans.map((p) => ({ orderId: p.orderId, prepared: p.prepared })),
  );
  await lookForBundles(tx, store, plans, actor); // a new slip looks for bundling (同梱) as settleOrder does
  await insertRows(
    tx,
    orderHistory,
    plans.map((p) => ({
      orderId: p.orderId,
      action: "registered",
      actor,
      detail: { status: p.status, holdReasons: p.mapped.holdReasons },
    })),
  );
  await emit(tx, store.organizationId, ...batchEvents(store, plans));
  return plans.map((p) => ({ orderId: p.orderId, outcome: "created", status: p.status, held: p.held }));
}

/** What a plan learns in createOrders, as it is before. */
const unsettled = {
  allocated: false,
  status: "awaiting_allocation" as OrderStatus,
  shipmentId: null,
  deliveryKey: null,
  orderId: 0,
};

/**
 * Each order's "registered" and "held" events, and one "stock changed" for the batch with every product
 * an order that is not held reserves (one event per order would say the same thing many times over).
 */
function batchEvents(store: Store, plans: OrderPlan[]): DomainEvent[] {
  const events: DomainEvent[] = [];
  const touched = new Set<number>();
  for (const p of plans) {
    events.push({ type: "order.registered", payload: { orderId: p.orderId, storeId: store.id } });
    for (const event of heldOrStockChanged(store, p.orderId, p.mapped, p.status)) {
      if (event.type === "stock.changed") for (const id of event.payload.productIds) touched.add(id);
      else events.push(event);
    }
  }
  if (touched.size > 0) {
    events.push({ type: "stock.changed", payload: { productIds: [...touched].sort((a, b) => a - b) } });
  }
  return events;
}

/**
 * The store's rules, warehouse choice and mapping for each order, in memory after the page's reads; made
 * before the transaction that creates them (whether Kura's codes are taken is checked again by the unique
 * index when they are inserted).
 */
export async function planOrders(
  db: Db,
  store: Store,
  batch: NewOrder[],
  cache?: ReadCache,
): Promise<OrderPlan[]> {
  const prepared = await prepareRegistrations(
    db,
    store,
    batch.map((b) => b.input),
    cache,
  );
  const itemCodes = batch.flatMap((b) => b.input.lines.map((l) => l.itemCode ?? ""));
  const context = await loadMappingContext(db, store, itemCodes, cache);
  return batch.map((b, i) => {
    const rules = prepared[i] as PreparedOrder;
    const mapped = mapOrder(rules.input, context);
    mapped.holdReasons.push(...rules.holdReasons);
    const needs = new Map<number, number>();
    for (const line of mapped.lines)
      for (const c of line.components) needs.set(c.productId, (needs.get(c.productId) ?? 0) + c.quantity);
    return {
      prepared: rules,
      mapped,
      payloadHash: b.payloadHash,
      warehouseId: rules.columns.warehouseId,
      held: mapped.holdReasons.length > 0,
      needs,
      allocated: false,
      status: "awaiting_allocation",
      shipmentId: null,
      deliveryKey: null,
      orderId: 0,
    };
  });
}

/** Locks the stock rows the batch needs and reserves, order by order, what is free (all of an order or none). */
async function allocate(tx: Db, plans: OrderPlan[]): Promise<void> {
  const wanted = new Map<string, { product_id: number; warehouse_id: number }>();
  for (const p of plans) {
    if (p.held) continue; // a held order reserves nothing until it is mapped in full
    for (const productId of p.needs.keys())
      wanted.set(`${productId}:${p.warehouseId}`, { product_id: productId, warehouse_id: p.warehouseId });
  }
  const levels =
    wanted.size === 0
      ? []
      : await queryRows<{ product_id: string; warehouse_id: string; free: number }>(
          tx,
          sql`SELECT s.product_id, s.warehouse_id, s.on_hand - s.reserved AS free
        FROM stock_levels s
        JOIN json_to_recordset(${JSON.stringify([...wanted.values()])}::json)
          AS w(product_id bigint, warehouse_id bigint)
          ON w.product_id = s.product_id AND w.warehouse_id = s.warehouse_id
        ORDER BY s.warehouse_id, s.product_id
        FOR UPDATE OF s`,
        );
  const free = new Map(levels.map((l) => [`${l.product_id}:${l.warehouse_id}`, Number(l.free)]));
  const reserved = new Map<string, { product_id: number; warehouse_id: number; quantity: number }>();
  for (const p of plans) {
    if (p.held) continue;
    const fits = [...p.needs].every(
      ([productId, q]) => (free.get(`${productId}:${p.warehouseId}`) ?? 0) >= q,
    );
    if (!fits) continue;
    p.allocated = true;
    for (const [productId, quantity] of [...p.needs].sort((a, b) => a[0] - b[0])) {
      const key = `${productId}:${p.warehouseId}`;
      free.set(key, (free.get(key) ?? 0) - quantity);
      const total = reserved.get(key) ?? { product_id: productId, warehouse_id: p.warehouseId, quantity: 0 };
      total.quantity += quantity;
      reserved.set(key, total);
    }
  }
  if (reserved.size === 0) return;
  await tx.execute(sql`
    UPDATE stock_levels s SET reserved = s.reserved + r.quantity, updated_at = now()
    FROM json_to_recordset(${JSON.stringify([...reserved.values()])}::json)
      AS r(product_id bigint, warehouse_id bigint, quantity int)
    WHERE s.product_id = r.product_id AND s.warehouse_id = r.warehouse_id`);
}

/** The ledger's reservation rows (one per allocated order and product), once the orders have their ids. */
async function recordReservations(tx: Db, store: Store, plans: OrderPlan[], actor: string): Promise<void> {
  const rows = plans
    .filter((p) => p.allocated)
    .flatMap((p) =>
      [...p.needs]
        .sort((a, b) => a[0] - b[0])
        .map(([productId, quantity]) => ({
          organizationId: store.organizationId,
          productId,
          warehouseId: p.warehouseId,
          kind: "reservation" as const,
          onHandDelta: 0,
          reservedDelta: quantity,
          orderId: p.orderId,
          actor,
        })),
    );
  await insertRows(tx, stockLedger, rows);
}

/** Each order's status and whether it gets a shipment slip, as settleOrder decides for a new order. */
function settle(store: Store, plans: OrderPlan[]): void {
  for (const p of plans) {
    const input = p.prepared.input;
    const facts = {
      cancelled: false,
      shipped: false,
      held: p.held,
      awaitingPayment:
        (p.mapped.paymentMethod?.requiresPaymentConfirmation ?? false) && !input.paymentConfirmed,
      allocated: p.allocated,
      inTargetStatus: isInTargetStatus(input.channelStatus ?? null, store.targetStatuses),
    };
    p.status = deriveOrderStatus(facts);
    if (needsShipmentSlip(facts)) {
      const [address] = input.deliveryAddresses;
      p.deliveryKey = deliveryKey({
        address: { ...address },
        deliveryMethodId: p.mapped.deliveryMethod?.id ?? null,
        deliveryMethodReceived: input.deliveryMethod ?? null,
        warehouseId: p.warehouseId,
      });
    }
  }
}

async function insertShipments(tx: Db, store: Store, plans: OrderPlan[]): Promise<void> {
  const slipping = plans.filter((p) => p.deliveryKey !== null);
  if (slipping.length === 0) return;
  const ids = await queryRows<{ id: string }>(
    tx,
    sql`SELECT nextval(pg_get_serial_sequence('shipments', 'id')) AS id FROM generate_series(1, ${slipping.length})`,
  );
  for (const [i, p] of slipping.entries()) p.shipmentId = Number(ids[i]?.id);
  await insertRows(
    tx,
    shipments,
    slipping.map((p) => ({
      id: p.shipmentId as number,
      organizationId: store.organizationId,
      storeId: store.id,
      warehouseId: p.warehouseId,
      status: p.allocated ? ("allocated" as const) : ("waiting" as const),
    })),
    { overridingSystemValue: true },
  );
}

async function insertOrders(tx: Db, store: Store, plans: OrderPlan[]): Promise<void> {
  const inserted = await insertRows(
    tx,
    orders,
    plans.map((p) => ({
      organizationId: store.organizationId,
      storeId: store.id,
      orderCode: p.prepared.input.orderCode,
      status: p.status,
      allocated: p.allocated,
      shipmentId: p.shipmentId,
      deliveryKey: p.deliveryKey,
      payloadHash: p.payloadHash,
      ...orderColumns(p.prepared.input, p.mapped),
      ...p.prepared.columns,
    })),
    { returning: ["id", "orderCode"] },
  );
  const ids = new Map(inserted.map((row) => [row.orderCode, row.id]));
  for (const p of plans) p.orderId = ids.get(p.prepared.input.orderCode) as number;
}

async function insertLinesAndItems(tx: Db, plans: OrderPlan[]): Promise<void> {
  const withLines = plans.filter((p) => p.mapped.lines.length > 0);
  if (withLines.length === 0) return;
  const lines = await insertRows(
    tx,
    orderLines,
    withLines.flatMap((p) =>
      p.mapped.lines.map((line) => ({
        orderId: p.orderId,
        lineNo: line.lineNo,
        itemCode: line.input.itemCode ?? null,
        optionCode: line.input.optionCode ?? "",
        name: line.input.name,
        quantity: line.input.quantity,
        unitPrice: line.input.unitPrice,
        taxRate: line.input.taxRate ?? null,
        correspondenceId: line.correspondenceId,
      })),
    ),
    { returning: ["id", "orderId", "lineNo"] },
  );
  const lineIds = new Map(lines.map((l) => [`${l.orderId}:${l.lineNo}`, l.id]));
  const items = withLines
    .filter((p) => !p.held) // a held order's SKUs are only known for certain once it is mapped in full
    .flatMap((p) =>
      p.mapped.lines.flatMap((line) =>
        line.components.map((c) => ({
          orderId: p.orderId,
          orderLineId: lineIds.get(`${p.orderId}:${line.lineNo}`) as number,
          productId: c.productId,
          warehouseId: p.warehouseId,
          quantity: c.quantity,
          allocated: p.allocated,
        })),
      ),
    );
  await insertRows(tx, orderItems, items);
}

async function insertShipmentLinesAndHistory(
  tx: Db,
  store: Store,
  plans: OrderPlan[],
  actor: string,
): Promise<void> {
  const slipping = plans.filter((p) => p.shipmentId !== null);
  if (slipping.length === 0) return;
  // A slip's lines are its order's items summed per product (as settleOrder writes them from the rows),
  // which are the plan's needs: a slipped order is not held, so all of its items were written.
  await insertRows(
    tx,
    shipmentLines,
    slipping.flatMap((p) =>
      [...p.needs]
        .sort((a, b) => a[0] - b[0])
        .map(([productId, quantity]) => ({
          shipmentId: p.shipmentId as number,
          orderId: p.orderId,
          productId,
          quantity,
        })),
    ),
  );
  await recordShipmentChanges(
    tx,
    slipping.map((p) => ({
      organizationId: store.organizationId,
      shipmentId: p.shipmentId as number,
      action: "created",
      toStatus: p.allocated ? "allocated" : "waiting",
      actor,
      detail: { orderId: p.orderId },
    })),
  );
}

/**
 * 自動同梱検索 for the batch's new slips. Every delivery key is locked (in key order) as one order's
 * registration locks its own, so a registration elsewhere to the same address sees these slips; then one
 * query finds which keys other open slips share, and only the slips that may travel with another (one
 * before it in the batch, or one already open) are looked up in full by proposeBundle.
 */
async function lookForBundles(tx: Db, store: Store, plans: OrderPlan[], actor: string): Promise<void> {
  const slipping = plans.filter((p) => p.deliveryKey !== null);
  if (slipping.length === 0) return;
  const keys = [...new Set(slipping.map((p) => p.deliveryKey as string))].sort();
  await tx.execute(sql`
    SELECT pg_advisory_xact_lock(hashtextextended(k, ${store.organizationId}))
    FROM (SELECT k FROM json_array_elements_text(${JSON.stringify(keys)}::json) AS k ORDER BY k) AS keys`);
  const open = await tx
    .selectDistinct({ deliveryKey: orders.deliveryKey })
    .from(orders)
    .innerJoin(shipments, eq(shipments.id, orders.shipmentId))
    .where(
      and(
        eq(orders.organizationId, store.organizationId),
        inArray(orders.deliveryKey, keys),
        isNull(orders.cancelledAt),
        isNull(orders.shippedAt),
        notInArray(
          orders.id,
          slipping.map((p) => p.orderId),
        ),
        inArray(shipments.status, [...bundlableShipmentStatuses]),
      ),
    );
  const shared = new Set(open.map((o) => o.deliveryKey));
  const looking: OrderPlan[] = [];
  for (const p of slipping) {
    if (shared.has(p.deliveryKey)) looking.push(p);
    shared.add(p.deliveryKey); // a later slip of the batch to the same address looks this one up
  }
  if (looking.length === 0) return;
  const rows = await tx
    .select()
    .from(orders)
    .where(
      inArray(
        orders.id,
        looking.map((p) => p.orderId),
      ),
    );
  const byId = new Map(rows.map((row) => [row.id, row]));
  const settings = await loadShipmentSettings(tx, store.organizationId);
  const position = new Map(slipping.map((p, i) => [p.orderId, i]));
  for (const p of looking) {
    const order = byId.get(p.orderId);
    if (!order) continue;
    const paymentMethodCode = p.mapped.paymentMethod?.code ?? null;
    const later = slipping
      .slice((position.get(p.orderId) ?? 0) + 1)
      .filter((q) => q.deliveryKey === p.deliveryKey);
    await proposeBundle(tx, { order, warehouseId: p.warehouseId, paymentMethodCode }, actor, {
      laterOrderIds: later.map((q) => q.orderId),
      keyLocked: true,
      settings,
    });
  }
}
