// Input shapes for master data (zod): organizations, warehouses, stores, products, correspondences,
// payment / delivery masters and per-store mappings. Shared by the HTTP API, CSV import and the CLI.
import { z } from "zod";
import { normalizeTimeSlot } from "./normalize.ts";
import { productCodeRule } from "./product-code.ts";

const code = z.string().trim().min(1, "is required").max(64, "must be at most 64 characters");
export const productCodeSchema = code.regex(/^[A-Za-z0-9_-]+$/, `must use ${productCodeRule}`);

export const organizationInput = z.object({ name: z.string().trim().min(1, "is required") });

export const warehouseInput = z.object({ code, name: z.string().trim().min(1, "is required") });

/** 受注コードの接頭辞: put before the channel's order codes, so two stores' codes cannot collide (O11). */
const orderCodePrefix = z
  .string()
  .trim()
  .max(16, "must be at most 16 characters")
  .regex(/^[\x21-\x7E]*$/, "must be printable half-width characters");

export const storeInput = z.object({
  channel: z.string().trim().min(1, "is required"),
  name: z.string().trim().min(1, "is required"),
  warehouseCode: code,
  status: z.enum(["open", "closed"]).default("open"),
  targetStatuses: z.array(z.string().trim().min(1)).default([]),
  settings: z.record(z.string(), z.unknown()).default({}),
  itemCap: z.number().int().min(0, "must be 0 or more").nullable().default(null),
  orderCodePrefix: orderCodePrefix.default(""),
});
// No defaults here: a field the caller leaves out keeps its value (a default would reset it).
export const storeUpdate = z
  .object({
    name: z.string().trim().min(1, "is required"),
    warehouseCode: code,
    status: z.enum(["open", "closed"]),
    targetStatuses: z.array(z.string().trim().min(1)),
    settings: z.record(z.string(), z.unknown()),
    itemCap: z.number().int().min(0, "must be 0 or more").nullable(),
    orderCodePrefix,
  })
  .partial();

export const productInput = z.object({
  code: productCodeSchema,
  name: z.string().trim().min(1, "is required"),
  janCode: z.string().trim().optional(),
  safetyStock: z.number().int().min(0, "must be 0 or more").default(0),
});

export const correspondenceInput = z.object({
  itemCode: z.string().trim().min(1, "is required").max(255),
  optionCode: z.string().trim().max(255).default(""),
  unlimitedStock: z.boolean().default(false),
  components: z
    .array(
      z.object({ productCode: productCodeSchema, quantity: z.number().int().positive("must be at least 1") }),
    )
    .min(1, "needs at least one product")
    .refine((list) => new Set(list.map((c) => c.productCode)).size === list.length, "lists a product twice"),
});
export type CorrespondenceInput = z.infer<typeof correspondenceInput>;

export const paymentMethodInput = z.object({
  code,
  name: z.string().trim().min(1, "is required"),
  requiresPaymentConfirmation: z.boolean().default(false),
});

export const deliveryServiceInput = z.object({
  code,
  carrier: z.string().trim().min(1, "is required"),
  serviceName: z.string().trim().min(1, "is required"),
  timeSlots: z.array(z.string().trim().min(1).transform(normalizeTimeSlot)).default([]),
});

export const deliveryMethodInput = z.object({
  code,
  name: z.string().trim().min(1, "is required"),
  deliveryServiceCode: code,
});

export const storeMappingInput = z.object({
  kind: z.enum(["payment_method", "delivery_method", "time_slot"]),
  channelValue: z.string().trim().min(1, "is required"),
  target: z.string().trim().min(1, "is required"),
});
