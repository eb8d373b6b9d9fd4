// The order as a channel hands it to Kura, before mapping: every connector produces this shape.
import { z } from "zod";

const yen = z.number().int("must be a whole number of yen");

export const addressSchema = z.object({
  name: z.string().trim().min(1, "is required"),
  nameKana: z.string().trim().optional(),
  phone: z.string().trim().optional(),
  email: z.string().trim().optional(),
  postalCode: z.string().trim().optional(),
  prefecture: z.string().trim().optional(),
  city: z.string().trim().optional(),
  address1: z.string().trim().optional(),
  address2: z.string().trim().optional(),
  company: z.string().trim().optional(),
});
export type Address = z.infer<typeof addressSchema>;

export const orderLineInputSchema = z.object({
  /** The channel's item code; absent for a bundled extra (その他同梱), which is held for review. */
  itemCode: z.string().trim().optional(),
  optionCode: z.string().trim().optional(),
  name: z.string().trim().min(1, "is required"),
  quantity: z.number().int().positive("must be at least 1"),
  unitPrice: yen,
  /** Consumption tax rate in percent (10, 8 or 0). */
  taxRate: z.number().int().min(0).max(100).optional(),
});
export type OrderLineInput = z.infer<typeof orderLineInputSchema>;

export const taxBreakdownSchema = z.object({
  rate: z.number().int().min(0).max(100),
  taxableAmount: yen,
  taxAmount: yen,
});

export const amountsSchema = z.object({
  subtotal: yen,
  shippingFee: yen.default(0),
  paymentFee: yen.default(0),
  discount: yen.default(0),
  pointsUsed: yen.default(0),
  couponDiscount: yen.default(0),
  total: yen,
  taxes: z.array(taxBreakdownSchema).default([]),
});

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD");

export const orderInputSchema = z.object({
  orderCode: z
    .string()
    .trim()
    .min(1, "is required")
    .max(64, "must be at most 64 characters")
    .regex(/^[\x21-\x7E]+$/, "must be printable half-width characters"),
  channelStatus: z.string().trim().optional(),
  /**
   * The channel says the order is cancelled (by the buyer, the shop, payment expiry…). Kura cancels the
   * slip if no work started on it, and otherwise holds it for the operator (issue: cancellation).
   */
  cancelledOnChannel: z.boolean().default(false),
  orderedAt: z.coerce.date({ error: "must be a date-time" }),
  buyer: addressSchema,
  /** Channels may send several; Kura ships to one, so more than one is held for review. */
  deliveryAddresses: z.array(addressSchema).min(1, "needs at least one delivery address"),
  deliveryMethod: z.string().trim().optional(),
  requestedDate: isoDate.optional(),
  timeSlot: z.string().trim().optional(),
  paymentMethod: z.string().trim().optional(),
  paymentConfirmed: z.boolean().default(false),
  lines: z.array(orderLineInputSchema).min(1, "needs at least one line"),
  amounts: amountsSchema,
  /** The channel's payload exactly as received. */
  raw: z.unknown().optional(),
});
export type OrderInput = z.infer<typeof orderInputSchema>;
export type OrderInputRaw = z.input<typeof orderInputSchema>;
