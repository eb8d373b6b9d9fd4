// Writes domain events in the caller's transaction, so an event exists exactly when its change does.
import type { SyncFunction } from "../../domain/statuses.ts";
import { insertRows } from "../bulk-insert.ts";
import type { Db } from "../connection.ts";
import { outboxEvents } from "../schema.ts";

export type DomainEvent =
  | { type: "stock.changed"; payload: { productIds: number[] } }
  | { type: "order.registered"; payload: { orderId: number; storeId: number } }
  | { type: "order.updated"; payload: { orderId: number; storeId: number } }
  | { type: "order.held"; payload: { orderId: number; storeId: number; reasons: string[] } }
  | { type: "order.cancelled"; payload: { orderId: number; storeId: number } }
  | { type: "shipment.shipped"; payload: { shipmentId: number; storeId: number; orderIds: number[] } }
  | { type: "function.triggered"; payload: { storeId: number; fn: SyncFunction; actor: string } };

export async function emit(tx: Db, organizationId: number, ...events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  await insertRows(
    tx,
    outboxEvents,
    events.map((event) => ({ organizationId, type: event.type, payload: event.payload })),
  );
}
