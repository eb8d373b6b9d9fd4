// Registers an order from a channel (受注取込), idempotently by (store, order code): a new code is
// created, a known one is updated when it changed (until its shipment is in progress), or left alone.
import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { type Db, inTransaction, pgErrorCode } from "../db/connection.ts";
import { loadMappingContext } from "../db/repositories/mapping-context.ts";
import { type DomainEvent, emit } from "../db/repositories/outbox.ts";
import { cachedRead, type ReadCache } from "../db/repositories/read-cache.ts";
import { getStore } from "../db/repositories/scope.ts";
import { orderHistory, orderItems, orderLines, orders, shipments } from "../db/schema.ts";
import { conflict, locked } from "../domain/errors.ts";
import { type OrderInput, orderInputSchema } from "../domain/order-input.ts";
import { type MappedOrder, mapOrder } from "../domain/order-mapping.ts";
import { parseInput } from "../domain/parse.ts";
import type { OrderStatus } from "../domain/statuses.ts";
import {
  allocateAtCommit,
  allocateOrder,
  allocateWaitingOrders,
  type ReservationAtCommit,
  releaseOrder,
  reserveAtCommit,
} from "./allocation.ts";
import { reviewBundlingAfterUpdate } from "./bundling.ts";
import { applyChannelCancellation, cancelNewOrderFromChannel } from "./channel-cancellation.ts";
import { prepareRegistration, prepareUpdate, recordRegistration } from "./registration-rules.ts";
import { settleOrder } from "./settle-order.ts";

export interface RegisterOrderCommand {
  organizationId: number;
  storeId: number;
  /** The order as the channel gave it; validated here. */
  order: unknown;
  actor: string;
  /**
   * Called after allocation, before the status settles, in the same transaction: a "stock only" mail
   * store consumes the order's stock here, so no shipment slip is made (src/mail/stock-only.ts).
   */
  afterAllocation?: (tx: Db, order: { id: number; organizationId: number }) => Promise<void>;
  /** Reads shared by a batch of registrations (one page of an import); see read-cache.ts. */
  cache?: ReadCache;
}

export type RegisterOutcome = "created" | "updated" | "unchanged";

export interface RegisterOrderResult {
  orderId: number;
  outcome: RegisterOutcome;
  status: OrderStatus;
  held: boolean;
}

type Store = Awaited<ReturnType<typeof getStore>>;
type OrderRow = typeof orders.$inferSelect;

/**
 * When a new order takes its stock rows: as its transaction ends (after a look without locks said all of
 * its SKUs are free), or first, before anything else waits on them (when the look was wrong).
 */
type Reserving = "at commit" | "first";

export async function registerOrder(db: Db, command: RegisterOrderCommand): Promise<RegisterOrderResult> {
  const input = parseInput(orderInputSchema, command.order);
  let reserving: Reserving = "at commit";
  let codeRaced = false;
  for (;;) {
    try {
      return await inTransaction(db, (tx) => registerInTransaction(tx, command, input, reserving));
    } catch (error) {
      if (error instanceof StockTakenMeanwhile && reserving === "at commit") reserving = "first";
      // Two registrations of the same new code raced: the loser sees the winner's order now.
      else if (pgErrorCode(error) === "23505" && !codeRaced) codeRaced = true;
      else throw error;
    }
  }
}

/** The units a new order was allocated were taken by another transaction before it could reserve them. */
class StockTakenMeanwhile extends Error {
  constructor() {
    super("stock taken meanwhile: registering again, reserving first");
  }
}

async function registerInTransaction(
  tx: Db,
  command: RegisterOrderCommand,
  input: OrderInput,
  reserving: Reserving,
): Promise<RegisterOrderResult> {
  const store = await cachedRead(command.cache, `store:${command.organizationId}:${command.storeId}`, () =>
    getStore(tx, command.organizationId, command.storeId),
  );
  const [existing] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.storeId, store.id), eq(orders.orderCode, input.orderCode)))
    .for("update");
  const payloadHash = hashOrder(input);

  if (!existing) {
    const created = await createOrder(tx, store, input, payloadHash, command, reserving);
    return input.cancelledOnChannel ? cancelNewOrderFromChannel(tx, created, command.actor) : created;
  }
  if (input.cancelledOnChannel) {
    const change = { payloadHash, channelStatus: input.channelStatus ?? null };
    return applyChannelCancellation(tx, existing, change, command.actor);
  }
  if (existing.cancelledAt) {
    throw conflict(
      "order_code_cancelled",
      `order ${input.orderCode} was cancelled in Kura; its code can be registered again only if it was cancelled with "allow a new order with the same order code"`,
      "orderCode",
    );
  }
  if (existing.payloadHash === payloadHash) {
    return { orderId: existing.id, outcome: "unchanged", status: existing.status, held: isHeld(existing) };
  }
  return updateOrder(tx, store, existing, input, payloadHash, command);
}

async function createOrder(
  tx: Db,
  store: Store,
  input: OrderInput,
  payloadHash: string,
  { actor, afterAllocation, cache }: RegisterOrderCommand,
  reserving: Reserving,
): Promise<RegisterOrderResult> {
  const prepared = await prepareRegistration(tx, store, input, cache); // order rules, warehouse, Kura's code
  const mapped = mapOrder(
    prepared.input,
    await loadMappingContext(
      tx,
      store,
      input.lines.map((l) => l.itemCode ?? ""),
      cache,
    ),
  );
  mapped.holdReasons.push(...prepared.holdReasons);
  const [order] = await tx
    .insert(orders)
    .values({
      organizationId: store.organizationId,
      storeId: store.id,
      orderCode: input.orderCode,
      status: "awaiting_allocation",
      payloadHash,
      ...orderColumns(prepared.input, mapped),
      ...prepared.columns,
    })
    .returning();
  if (!order) throw new Error("order insert returned nothing");
  await recordRegistration(tx, order.id, prepared);

  await writeLinesAndItems(tx, order.id, prepared.columns.warehouseId, mapped);
  let atCommit: ReservationAtCommit | null = null;
  if (mapped.holdReasons.length === 0) {
    // A store that consumes the stock right after allocation (afterAllocation) needs it reserved first.
    if (reserving === "at commit" && !afterAllocation) atCommit = await allocateAtCommit(tx, order);
    if (!atCommit) await allocateOrder(tx, order, actor);
  }
  await afterAllocation?.(tx, order);
  const status = await settleOrder(tx, order.id, actor); // a new shipment slip looks for bundling (同梱)

  await tx.insert(orderHistory).values({
    orderId: order.id,
    action: "registered",
    actor,
    detail: { status, holdReasons: mapped.holdReasons },
  });
  await emit(
    tx,
    store.organizationId,
    { type: "order.registered", payload: { orderId: order.id, storeId: store.id } },
    ...heldOrStockChanged(store, order.id, mapped, status),
  );
  // The stock rows last, held only while the transaction commits (in warehouse, then product order).
  if (atCommit && !(await reserveAtCommit(tx, order, atCommit, actor))) throw new StockTakenMeanwhile();
  return { orderId: order.id, outcome: "created", status, held: mapped.holdReasons.length > 0 };
}

async function updateOrder(
  tx: Db,
  store: Store,
  existing: OrderRow,
  input: OrderInput,
  payloadHash: string,
  { actor, afterAllocation, cache }: RegisterOrderCommand,
): Promise<RegisterOrderResult> {
  await refuseOnceShipmentStarted(tx, existing);
  const released = await releaseOrder(tx, existing, actor, "order updated");
  await tx.delete(orderItems).where(eq(orderItems.orderId, existing.id));
  await tx.delete(orderLines).where(eq(orderLines.orderId, existing.id));

  const prepared = await prepareUpdate(tx, existing, store, input); // what the rules did at registration
  const mapped = mapOrder(
    prepared.input,
    await loadMappingContext(
      tx,
      store,
      input.lines.map((l) => l.itemCode ?? ""),
      cache,
    ),
  );
  mapped.holdReasons.push(...prepared.holdReasons);
  await tx
    .update(orders)
    .set({ payloadHash, updatedAt: sql`now()`, ...orderColumns(prepared.input, mapped), ...prepared.columns })
    .where(eq(orders.id, existing.id));
  await writeLinesAndItems(tx, existing.id, prepared.columns.warehouseId, mapped);
  if (mapped.holdReasons.length === 0) await allocateOrder(tx, existing, actor);
  await afterAllocation?.(tx, existing);
  const status = await settleOrder(tx, existing.id, actor);
  await reviewBundlingAfterUpdate(tx, existing.id, actor);
  // Whatever this order no longer holds goes to the orders waiting for it.
  await allocateWaitingOrders(tx, store.organizationId, released, actor);

  await tx.insert(orderHistory).values({
    orderId: existing.id,
    action: "updated",
    actor,
    detail: {
      status,
      previousStatus: existing.status,
      channelStatus: input.channelStatus ?? null,
      previousChannelStatus: existing.channelStatus,
      holdReasons: mapped.holdReasons,
    },
  });
  await emit(
    tx,
    store.organizationId,
    { type: "order.updated", payload: { orderId: existing.id, storeId: store.id } },
    ...heldOrStockChanged(store, existing.id, mapped, status, released),
  );
  return { orderId: existing.id, outcome: "updated", status, held: mapped.holdReasons.length > 0 };
}

/** Kura accepts changes until picking starts; after that the warehouse owns the slip (HTTP 423). */
async function refuseOnceShipmentStarted(tx: Db, order: OrderRow): Promise<void> {
  if (order.shippedAt) {
    throw locked("order_shipped", `order ${order.orderCode} is already shipped and can no longer change`);
  }
  if (!order.shipmentId) return;
  const [shipment] = await tx
    .select({ status: shipments.status, code: shipments.code })
    .from(shipments)
    .where(eq(shipments.id, order.shipmentId));
  if (shipment?.status === "in_progress") {
    throw locked(
      "shipment_in_progress",
      `order ${order.orderCode} can no longer change: shipment ${shipment.code} is in progress (出荷作業中)`,
    );
  }
}

/** The order slip's columns that come from the channel's order and its mapping. */
export function orderColumns(input: OrderInput, mapped: MappedOrder) {
  const [deliveryAddress] = input.deliveryAddresses;
  return {
    channelStatus: input.channelStatus ?? null,
    holdReasons: mapped.holdReasons,
    orderedAt: input.orderedAt,
    buyer: input.buyer,
    deliveryAddress: { ...deliveryAddress, others: input.deliveryAddresses.slice(1) },
    deliveryMethodReceived: input.deliveryMethod ?? null,
    deliveryMethodId: mapped.deliveryMethod?.id ?? null,
    requestedDate: input.requestedDate ?? null,
    timeSlotReceived: input.timeSlot ?? null,
    timeSlot: mapped.timeSlot,
    paymentMethodReceived: input.paymentMethod ?? null,
    paymentMethodId: mapped.paymentMethod?.id ?? null,
    paymentConfirmed: input.paymentConfirmed,
    amounts: input.amounts,
    total: input.amounts.total,
    raw: input.raw ?? null,
  };
}

async function writeLinesAndItems(tx: Db, orderId: number, warehouseId: number, mapped: MappedOrder) {
  if (mapped.lines.length === 0) return;
  const inserted = await tx
    .insert(orderLines)
    .values(
      mapped.lines.map((line) => ({
        orderId,
        lineNo: line.lineNo,
        itemCode: line.input.itemCode ?? null,
        optionCode: line.input.optionCode ?? "",
        name: line.input.name,
        quantity: line.input.quantity,
        unitPrice: line.input.unitPrice,
        taxRate: line.input.taxRate ?? null,
        correspondenceId: line.correspondenceId,
      })),
    )
    .returning({ id: orderLines.id, lineNo: orderLines.lineNo });
  // A held order reserves nothing: its SKUs are only known for certain once it is mapped in full.
  if (mapped.holdReasons.length > 0) return;
  const lineIds = new Map(inserted.map((line) => [line.lineNo, line.id]));
  const items = mapped.lines.flatMap((line) =>
    line.components.map((c) => ({
      orderId,
      orderLineId: lineIds.get(line.lineNo) as number,
      productId: c.productId,
      warehouseId,
      quantity: c.quantity,
    })),
  );
  if (items.length > 0) await tx.insert(orderItems).values(items);
}

/** The events beside "registered" / "updated": held for review, and the products whose stock moved. */
export function heldOrStockChanged(
  store: { id: number },
  orderId: number,
  mapped: MappedOrder,
  status: OrderStatus,
  released: number[] = [],
): DomainEvent[] {
  const events: DomainEvent[] = [];
  if (mapped.holdReasons.length > 0) {
    events.push({
      type: "order.held",
      payload: { orderId, storeId: store.id, reasons: mapped.holdReasons.map((r) => r.code) },
    });
  }
  const touched = new Set(released);
  if (status !== "held")
    for (const line of mapped.lines) for (const c of line.components) touched.add(c.productId);
  if (touched.size > 0) {
    events.push({ type: "stock.changed", payload: { productIds: [...touched].sort((a, b) => a - b) } });
  }
  return events;
}

const isHeld = (order: OrderRow) => order.holdReasons.length > 0;

/** A stable fingerprint of what the channel sent (without the raw payload, which may carry noise). */
export function hashOrder(input: OrderInput): string {
  const { raw: _raw, ...meaningful } = input;
  return createHash("sha256").update(JSON.stringify(meaningful)).digest("hex");
}

/**
 * Maps a stored order again with the store's current tables (a held order once its mapping is fixed);
 * its payload hash stays, so the channel's next identical copy is still "unchanged". See remap-order.ts.
 */
export function remapStoredOrder(tx: Db, store: Store, existing: OrderRow, input: OrderInput, actor: string) {
  const command = { organizationId: store.organizationId, storeId: store.id, order: input, actor };
  return updateOrder(tx, store, existing, input, existing.payloadHash, command);
}
