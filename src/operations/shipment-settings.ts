// The organization's shipping settings: cut-off time (出荷依頼の締め時間), how early undecided bundle
// candidates become urgent, cross-store bundling, and payment methods that must not be bundled together.
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/connection.ts";
import { paymentMethods, shipmentSettings } from "../db/schema.ts";
import { invalid } from "../domain/errors.ts";
import { parseInput } from "../domain/parse.ts";
import { isTimeOfDay } from "../domain/schedule.ts";
import { loadShipmentSettings } from "./bundle-lookup.ts";

export const shipmentSettingsInput = z.object({
  cutoffTime: z
    .string()
    .refine(isTimeOfDay, "must be a time of day as HH:MM (Japan time)")
    .nullable()
    .describe("出荷依頼の締め時間, HH:MM in Japan time; null for none"),
  urgentMinutes: z
    .number()
    .int("must be a whole number")
    .min(0, "must be at least 0")
    .max(1440, "must be at most 1440")
    .default(60)
    .describe("Undecided bundle candidates are urgent from this many minutes before the cut-off"),
  crossStoreBundling: z
    .boolean()
    .default(false)
    .describe("Bundle slips of different stores of the organization (default: same store only)"),
  nonBundlablePaymentPairs: z
    .array(z.tuple([z.string().trim().min(1), z.string().trim().min(1)]))
    .default([])
    .describe('Payment method codes never bundled together, e.g. [["cod", "credit_card"]]'),
});
export type ShipmentSettingsInput = z.input<typeof shipmentSettingsInput>;

export const getShipmentSettings = (db: Db, organizationId: number) =>
  loadShipmentSettings(db, organizationId);

export async function setShipmentSettings(db: Db, organizationId: number, input: ShipmentSettingsInput) {
  const data = parseInput(shipmentSettingsInput, input);
  const codes = [...new Set(data.nonBundlablePaymentPairs.flat())];
  if (codes.length > 0) {
    const known = await db
      .select({ code: paymentMethods.code })
      .from(paymentMethods)
      .where(and(eq(paymentMethods.organizationId, organizationId), inArray(paymentMethods.code, codes)));
    const missing = codes.find((code) => !known.some((k) => k.code === code));
    if (missing) {
      throw invalid(
        "unknown_payment_method",
        `payment method ${missing} does not exist`,
        "nonBundlablePaymentPairs",
      );
    }
  }
  await db
    .insert(shipmentSettings)
    .values({ organizationId, ...data })
    .onConflictDoUpdate({ target: shipmentSettings.organizationId, set: { ...data, updatedAt: new Date() } });
  return loadShipmentSettings(db, organizationId);
}
