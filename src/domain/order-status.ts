// The order slip's status (受注伝票の状態), derived from facts about it. The first that applies wins.
import type { OrderStatus } from "./statuses.ts";

export interface OrderFacts {
  cancelled: boolean;
  shipped: boolean;
  /** Held for review (確認待ち): it cannot be processed until an operator acts. */
  held: boolean;
  /** The payment method needs confirmation (bank transfer, konbini) and it has not come (入金待ち). */
  awaitingPayment: boolean;
  /** Every SKU of the order is reserved (引当済). */
  allocated: boolean;
  /** The channel status is one of the store's target statuses ("ship it"). */
  inTargetStatus: boolean;
}

export function deriveOrderStatus(facts: OrderFacts): OrderStatus {
  if (facts.cancelled) return "cancelled";
  if (facts.shipped) return "shipped";
  if (facts.held) return "held";
  if (facts.awaitingPayment) return "awaiting_payment";
  if (!facts.allocated) return "awaiting_allocation";
  if (!facts.inTargetStatus) return "not_yet_shippable";
  return "awaiting_shipment";
}

/** A shipment slip (出荷伝票) exists for an order once it may be shipped, allocated or not yet. */
export function needsShipmentSlip(facts: OrderFacts): boolean {
  return !facts.cancelled && !facts.held && !facts.awaitingPayment && facts.inTargetStatus;
}

export function isInTargetStatus(
  channelStatus: string | null | undefined,
  targetStatuses: string[],
): boolean {
  return targetStatuses.length === 0 || (channelStatus != null && targetStatuses.includes(channelStatus));
}
