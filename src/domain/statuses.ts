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

/**
 * waiting (引当待ち) → allocated → in_progress (出荷作業中) → shipped; or cancelled. on_hold (保留): stopped for
 * the operator (e.g. the channel cancelled the order after work started).
 */
export const shipmentStatuses = [
  "waiting",
  "allocated",
  "in_progress",
  "on_hold",
  "shipped",
  "cancelled",
] as const;
export type ShipmentStatus = (typeof shipmentStatuses)[number];

/** What the sync engine does per store: each has its schedule, history and failing state. */
export const syncFunctions = [
  "orders.import",
  "shipments.notify",
  "stock.push",
  "stock.resync",
  "credentials.check",
  "products.import",
] as const;
export type SyncFunction = (typeof syncFunctions)[number];

/** Who a signed-in user is: an admin manages users, apps, keys and settings; an operator does the daily work. */
export const userRoles = ["admin", "operator"] as const;
export type UserRole = (typeof userRoles)[number];
