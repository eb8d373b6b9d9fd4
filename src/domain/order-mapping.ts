// Maps a channel order onto Kura's masters: product codes through the correspondence table (商品対応表),
// payment / delivery methods and time slots through the store's mappings. Pure: no I/O.
// Whatever cannot be mapped becomes a hold reason; the order is kept either way.
import { normalizeTimeSlot } from "./normalize.ts";
import type { OrderInput, OrderLineInput } from "./order-input.ts";
import { forbiddenCharacters, isValidProductCode, productCodeRule } from "./product-code.ts";

export type HoldReasonCode =
  | "unknown_product_code"
  | "invalid_product_code"
  | "bundled_extra_without_code"
  | "unmapped_payment_method"
  | "unmapped_delivery_method"
  | "invalid_time_slot"
  | "multiple_delivery_addresses"
  /** An order rule (受注ルール) asks an operator to confirm the order (確認待ち). */
  | "order_rule"
  /** Kura's order code (store prefix + channel code) is already used in the organization. */
  | "duplicate_order_code"
  /** A "stock only" mail order (src/mail/stock-only.ts) whose stock Kura does not have. */
  | "stock_short"

  /** The channel cancelled the order after work on its shipment started: the operator decides. */
  | "cancelled_on_channel";

export interface HoldReason {
  code: HoldReasonCode;
  field: string;
  message: string;
  value?: string;
  validValues?: string[];
}

export interface Component {
  productId: number;
  quantity: number;
}

export interface CorrespondenceEntry {
  id: number;
  components: Component[];
}

export interface PaymentMethodMaster {
  id: number;
  code: string;
  name: string;
  requiresPaymentConfirmation: boolean;
}

export interface DeliveryMethodMaster {
  id: number;
  code: string;
  name: string;
  timeSlots: string[];
}

export interface MappingContext {
  /** Keyed by `correspondenceKey(itemCode, optionCode)`. */
  correspondences: Map<string, CorrespondenceEntry>;
  /** Products by code, for channel item codes that are the SKU code itself. */
  productIdsByCode: Map<string, number>;
  /** Store mappings: channel string → master code (time slots: → slot string). */
  paymentMappings: Map<string, string>;
  deliveryMappings: Map<string, string>;
  timeSlotMappings: Map<string, string>;
  paymentMethods: PaymentMethodMaster[];
  deliveryMethods: DeliveryMethodMaster[];
}

export interface MappedLine {
  lineNo: number;
  input: OrderLineInput;
  correspondenceId: number | null;
  /** SKUs needed for the whole line (set parts × line quantity); empty when the line is unmapped. */
  components: Component[];
}

export interface MappedOrder {
  lines: MappedLine[];
  paymentMethod: PaymentMethodMaster | null;
  deliveryMethod: DeliveryMethodMaster | null;
  timeSlot: string | null;
  holdReasons: HoldReason[];
}

export const correspondenceKey = (itemCode: string, optionCode = "") => `${itemCode}\u0000${optionCode}`;

export function mapOrder(order: OrderInput, context: MappingContext): MappedOrder {
  const holdReasons: HoldReason[] = [];
  const lines = order.lines.map((line, index) => mapLine(line, index, context, holdReasons));

  if (order.deliveryAddresses.length > 1) {
    holdReasons.push({
      code: "multiple_delivery_addresses",
      field: "deliveryAddresses",
      message: `the order has ${order.deliveryAddresses.length} delivery addresses; Kura ships an order to one address`,
    });
  }

  const paymentMethod = mapPaymentMethod(order.paymentMethod ?? "", context, holdReasons);
  const deliveryMethod = mapDeliveryMethod(order.deliveryMethod ?? "", context, holdReasons);
  const timeSlot = mapTimeSlot(order.timeSlot, deliveryMethod, context, holdReasons);
  return { lines, paymentMethod, deliveryMethod, timeSlot, holdReasons };
}

function mapLine(
  line: OrderLineInput,
  index: number,
  context: MappingContext,
  holdReasons: HoldReason[],
): MappedLine {
  const lineNo = index + 1;
  const unmapped: MappedLine = { lineNo, input: line, correspondenceId: null, components: [] };
  const field = `lines[${index}].itemCode`;
  const itemCode = line.itemCode ?? "";
  const optionCode = line.optionCode ?? "";

  if (itemCode === "") {
    holdReasons.push({
      code: "bundled_extra_without_code",
      field,
      message: `line ${lineNo} (${line.name}) has no product code; bundled extras without a code (その他同梱) cannot be shipped`,
    });
    return unmapped;
  }
  const entry = context.correspondences.get(correspondenceKey(itemCode, optionCode));
  if (entry) {
    const components = entry.components.map((c) => ({
      productId: c.productId,
      quantity: c.quantity * line.quantity,
    }));
    return { ...unmapped, correspondenceId: entry.id, components };
  }
  if (!isValidProductCode(itemCode) || (optionCode !== "" && !isValidProductCode(optionCode))) {
    const bad = forbiddenCharacters(itemCode + optionCode);
    holdReasons.push({
      code: "invalid_product_code",
      field,
      value: optionCode ? `${itemCode} / ${optionCode}` : itemCode,
      message: `product code "${itemCode}" has characters that are not allowed (${bad.join(" ")}); use ${productCodeRule}`,
    });
    return unmapped;
  }
  const productId = optionCode === "" ? context.productIdsByCode.get(itemCode) : undefined;
  if (productId !== undefined) {
    return { ...unmapped, components: [{ productId, quantity: line.quantity }] };
  }
  holdReasons.push({
    code: "unknown_product_code",
    field,
    value: optionCode ? `${itemCode} / ${optionCode}` : itemCode,
    message: `product code "${itemCode}"${optionCode ? ` with option "${optionCode}"` : ""} is neither in the product correspondence table nor a product`,
  });
  return unmapped;
}

/** Master by the store's mapping of the channel string, else by the master's own code or name. */
function findMaster<T extends { code: string; name: string }>(
  value: string,
  mappings: Map<string, string>,
  masters: T[],
): T | undefined {
  const mapped = mappings.get(value);
  if (mapped !== undefined) return masters.find((m) => m.code === mapped);
  return masters.find((m) => m.code === value || m.name === value);
}

function mapPaymentMethod(value: string, context: MappingContext, holdReasons: HoldReason[]) {
  const master = findMaster(value, context.paymentMappings, context.paymentMethods);
  if (master) return master;
  holdReasons.push({
    code: "unmapped_payment_method",
    field: "paymentMethod",
    value,
    message: `payment method "${value}" has no mapping for this store`,
  });
  return null;
}

function mapDeliveryMethod(value: string, context: MappingContext, holdReasons: HoldReason[]) {
  const master = findMaster(value, context.deliveryMappings, context.deliveryMethods);
  if (master) return master;
  holdReasons.push({
    code: "unmapped_delivery_method",
    field: "deliveryMethod",
    value,
    message: `delivery method "${value}" has no mapping for this store`,
  });
  return null;
}

function mapTimeSlot(
  received: string | undefined,
  deliveryMethod: DeliveryMethodMaster | null,
  context: MappingContext,
  holdReasons: HoldReason[],
): string | null {
  if (!received) return null;
  const slot = normalizeTimeSlot(context.timeSlotMappings.get(received) ?? received);
  if (!deliveryMethod) return slot; // already held for the method; the slot is checked once it is mapped
  const valid = deliveryMethod.timeSlots.map(normalizeTimeSlot);
  if (valid.includes(slot)) return slot;
  holdReasons.push({
    code: "invalid_time_slot",
    field: "timeSlot",
    value: received,
    validValues: deliveryMethod.timeSlots,
    message: `time slot "${received}" is not offered by ${deliveryMethod.name}; valid: ${deliveryMethod.timeSlots.join(", ") || "(none)"}`,
  });
  return null;
}

/** Adds up the SKUs of all mapped lines, one entry per product, in product order (a stable lock order). */
export function totalComponents(lines: MappedLine[]): Component[] {
  const totals = new Map<number, number>();
  for (const line of lines) {
    for (const c of line.components) totals.set(c.productId, (totals.get(c.productId) ?? 0) + c.quantity);
  }
  return [...totals.entries()]
    .sort(([a], [b]) => a - b)
    .map(([productId, quantity]) => ({ productId, quantity }));
}
