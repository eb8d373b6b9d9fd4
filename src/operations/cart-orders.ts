// Orders a cart pushes (O4, Craft Cart's 受注情報送信): the sales order in LOGILESS's shape, checked more
// strictly at the edge than other channels (one delivery address, product codes of the allowed characters,
// no bundled extra without a code — the cart shows the refusal to the merchant), then registered through
// registerOrder like any channel's order: idempotent by order code, held for review when it cannot be mapped.
import { z } from "zod";
import type { Db } from "../db/connection.ts";
import { orderHoldReasons } from "../db/repositories/queries/orders.ts";
import { DomainError } from "../domain/errors.ts";
import type { OrderInputRaw } from "../domain/order-input.ts";
import type { HoldReason } from "../domain/order-mapping.ts";
import { forbiddenCharacters, isValidProductCode, productCodeRule } from "../domain/product-code.ts";
import type { OrderStatus } from "../domain/statuses.ts";
import { registerOrder } from "./register-order.ts";

const text = (max = 200) => z.string().trim().max(max, `must be at most ${max} characters`);
const yen = z.number().int("must be a whole number of yen");

/** "Y-m-d H:i:s" in Japan time (LOGILESS), or ISO 8601 with an offset. */
const orderedAt = z
  .string()
  .trim()
  .refine((value) => !Number.isNaN(parseOrderedAt(value).getTime()), {
    message: "must be a date-time as YYYY-MM-DD HH:MM:SS (Japan time) or ISO 8601 with an offset",
  });

function parseOrderedAt(value: string): Date {
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)$/.exec(value);
  if (local) return new Date(`${local[1]}T${local[2]}+09:00`);
  if (!/[zZ]|[+-]\d{2}:?\d{2}$/.test(value)) return new Date(Number.NaN);
  return new Date(value);
}

const productCode = z
  .string({ error: "is required: a bundled extra (その他同梱) needs a product code" })
  .trim()
  .min(1, "is required: a bundled extra (その他同梱) needs a product code")
  .max(64, "must be at most 64 characters")
  .superRefine((code, context) => {
    if (isValidProductCode(code)) return;
    context.addIssue({
      code: "custom",
      message: `has characters that are not allowed (${forbiddenCharacters(code).join(" ")}); use ${productCodeRule}`,
    });
  });

const recipient = z.object({
  name1: text().min(1, "is required"),
  name2: text().optional(),
  post_code: text(10).optional(),
  prefecture: text(10).optional(),
  address1: text().min(1, "is required"),
  address2: text().optional(),
  address3: text().optional(),
  phone: text(20).optional(),
});

export const cartLineSchema = z.object({
  article_code: productCode,
  /** The item's option (variation) code in the cart, when it has one. */
  option_code: productCode.optional(),
  article_name: text().min(1, "is required"),
  price: yen,
  quantity: z.number().int("must be a whole number").positive("must be at least 1"),
  tax_rate: z.number().int().min(0).max(100).optional(),
});

export const salesOrderSchema = z
  .object({
    code: z
      .string()
      .trim()
      .min(1, "is required")
      .max(64, "must be at most 64 characters")
      .regex(/^[\x21-\x7E]+$/, "must be printable half-width characters"),
    ordered_at: orderedAt,
    /** The store of the authorization; optional, and refused when it names another store. */
    store: z.number().int().optional(),
    buyer_name1: text().min(1, "is required"),
    buyer_name2: text().optional(),
    buyer_name_kana1: text().optional(),
    buyer_name_kana2: text().optional(),
    buyer_post_code: text(10).optional(),
    buyer_prefecture: text(10).optional(),
    buyer_address1: text().optional(),
    buyer_address2: text().optional(),
    buyer_address3: text().optional(),
    buyer_phone: text(20).optional(),
    buyer_email: text(254).optional(),
    recipient_name1: text().min(1, "is required"),
    recipient_name2: text().optional(),
    recipient_name_kana1: text().optional(),
    recipient_name_kana2: text().optional(),
    recipient_company: text().optional(),
    recipient_post_code: text(10).optional(),
    recipient_prefecture: text(10).optional(),
    recipient_address1: text().min(1, "is required"),
    recipient_address2: text().optional(),
    recipient_address3: text().optional(),
    recipient_phone: text(20).optional(),
    /** Carts that ship one order to several addresses send them here; Kura refuses them (O8). */
    additional_recipients: z
      .array(recipient)
      .max(0, "several delivery addresses in one order are not supported: Kura ships an order to one address")
      .optional(),
    payment_method: text().min(1, "is required"),
    incoming_payment_status: z.enum(["NotPaid", "PartlyPaid", "Paid"]).optional(),
    delivery_method: text().min(1, "is required"),
    delivery_preferred_date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
      .optional(),
    delivery_preferred_time_zone: text(50).optional(),
    subtotal: yen,
    delivery_fee: yen.default(0),
    sundry_fee: yen.default(0),
    discount: yen.default(0),
    use_point: yen.default(0),
    use_coupon: yen.default(0),
    total: yen,
    lines: z.array(cartLineSchema).min(1, "needs at least one line").max(500, "must be at most 500 lines"),
  })
  .meta({ id: "CartSalesOrder" });

export const registerSalesOrderBody = z.object({ sales_order: salesOrderSchema });
export type SalesOrder = z.infer<typeof salesOrderSchema>;

const join = (...parts: Array<string | undefined>) =>
  parts.filter((p) => p !== undefined && p !== "").join(" ");

/** The wire order → the order input every channel maps into. */
export function toOrderInput(order: SalesOrder): OrderInputRaw {
  return {
    orderCode: order.code,
    orderedAt: parseOrderedAt(order.ordered_at).toISOString(),
    buyer: {
      name: join(order.buyer_name1, order.buyer_name2),
      nameKana: join(order.buyer_name_kana1, order.buyer_name_kana2) || undefined,
      email: order.buyer_email,
      phone: order.buyer_phone,
      postalCode: order.buyer_post_code,
      prefecture: order.buyer_prefecture,
      city: order.buyer_address1,
      address1: order.buyer_address2,
      address2: order.buyer_address3,
    },
    deliveryAddresses: [
      {
        name: join(order.recipient_name1, order.recipient_name2),
        nameKana: join(order.recipient_name_kana1, order.recipient_name_kana2) || undefined,
        company: order.recipient_company,
        phone: order.recipient_phone,
        postalCode: order.recipient_post_code,
        prefecture: order.recipient_prefecture,
        city: order.recipient_address1,
        address1: order.recipient_address2,
        address2: order.recipient_address3,
      },
    ],
    deliveryMethod: order.delivery_method,
    requestedDate: order.delivery_preferred_date,
    timeSlot: order.delivery_preferred_time_zone,
    paymentMethod: order.payment_method,
    paymentConfirmed: order.incoming_payment_status === "Paid",
    lines: order.lines.map((line) => ({
      itemCode: line.article_code,
      optionCode: line.option_code,
      name: line.article_name,
      quantity: line.quantity,
      unitPrice: line.price,
      taxRate: line.tax_rate,
    })),
    amounts: {
      subtotal: order.subtotal,
      shippingFee: order.delivery_fee,
      paymentFee: order.sundry_fee,
      discount: order.discount,
      pointsUsed: order.use_point,
      couponDiscount: order.use_coupon,
      total: order.total,
    },
    raw: order,
  };
}

/** Kura's field names in hold reasons → the cart's wire names, so the cart can point at its own field. */
function wireField(field: string): string {
  const line = /^lines\[(\d+)\]\.itemCode$/.exec(field);
  if (line) return `sales_order.lines[${line[1]}].article_code`;
  const names: Record<string, string> = {
    paymentMethod: "sales_order.payment_method",
    deliveryMethod: "sales_order.delivery_method",
    timeSlot: "sales_order.delivery_preferred_time_zone",
    deliveryAddresses: "sales_order.additional_recipients",
  };
  return names[field] ?? `sales_order.${field}`;
}

export interface CartHoldReason {
  code: string;
  field: string;
  message: string;
  value?: string;
  valid_values?: string[];
}

export interface RegisteredSalesOrder {
  id: number;
  code: string;
  outcome: "created" | "updated" | "unchanged";
  status: OrderStatus;
  held: boolean;
  hold_reasons: CartHoldReason[];
  message: string;
}

export async function registerSalesOrder(
  db: Db,
  caller: { organizationId: number; storeId: number; appId: number },
  order: SalesOrder,
): Promise<RegisteredSalesOrder> {
  if (order.store !== undefined && order.store !== caller.storeId) {
    throw new DomainError(
      "forbidden",
      "store_not_granted",
      `this app is authorized for store ${caller.storeId}, not store ${order.store}`,
      "sales_order.store",
    );
  }
  const result = await registerOrder(db, {
    organizationId: caller.organizationId,
    storeId: caller.storeId,
    order: toOrderInput(order),
    actor: `oauth-app:${caller.appId}`,
  });
  const reasons: HoldReason[] = await orderHoldReasons(db, caller.organizationId, result.orderId);
  const holdReasons = reasons.map((r) => ({
    code: r.code,
    field: wireField(r.field),
    message: r.message,
    ...(r.value !== undefined ? { value: r.value } : {}),
    ...(r.validValues ? { valid_values: r.validValues } : {}),
  }));
  return {
    id: result.orderId,
    code: order.code,
    outcome: result.outcome,
    status: result.status,
    held: result.held,
    hold_reasons: holdReasons,
    message: result.held
      ? "accepted and held for review (確認待ち): the merchant maps what is listed in hold_reasons, then it ships"
      : "accepted",
  };
}
