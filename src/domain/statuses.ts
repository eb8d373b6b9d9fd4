// The states an order slip (受注伝票) and a shipment slip (出荷伝票) can be in.

export const orderStatuses = [
  "held",
  "awaiting_payment",
  "awaiting_allocation",
  "not_yet_shippable",
  "awaiting_shipment",
  "shipped",
  "cancelled",
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** waiting (引当待ち) → allocated → in_progress (出荷作業中) → shipped; or cancelled. */
export const shipmentStatuses = ["waiting", "allocated", "in_progress", "shipped", "cancelled"] as const;
export type ShipmentStatus = (typeof shipmentStatuses)[number];

/** What the sync engine does per store: each has its schedule, history and failing state. */
export const syncFunctions = [
  "orders.import",
  "shipments.notify",
  "stock.push",
  "stock.resync",
  "credentials.check",
] as const;
export type SyncFunction = (typeof syncFunctions)[number];
