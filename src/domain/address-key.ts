// The delivery key of an order slip: what must be equal for two slips to travel in one box (同梱).
// Normalized recipient, address (prefecture + city + lines compared as one string, so where a channel
// splits them does not matter), delivery method and source warehouse. Pure; the originals stay as received.
import { createHash } from "node:crypto";
import { normalizeForComparison } from "./normalize.ts";

export interface DeliveryAddressParts {
  name?: unknown;
  company?: unknown;
  prefecture?: unknown;
  city?: unknown;
  address1?: unknown;
  address2?: unknown;
}

export interface DeliveryKeyInput {
  address: DeliveryAddressParts;
  /** The mapped delivery method (配送方法) id, or else the channel's string. */
  deliveryMethodId: number | null;
  deliveryMethodReceived: string | null;
  warehouseId: number;
}

const text = (value: unknown) => (typeof value === "string" ? value : "");

/** Prefecture, city and address lines as one normalized string. */
export function normalizedAddress(address: DeliveryAddressParts): string {
  return normalizeForComparison(
    [address.prefecture, address.city, address.address1, address.address2].map(text).join(""),
  );
}

/** Recipient name and company, normalized. */
export const normalizedRecipient = (address: DeliveryAddressParts) =>
  `${normalizeForComparison(text(address.name))}|${normalizeForComparison(text(address.company))}`;

/** A fixed-length key for one indexed lookup; equal keys mean "may be bundled". */
export function deliveryKey(input: DeliveryKeyInput): string {
  const method =
    input.deliveryMethodId !== null
      ? `m${input.deliveryMethodId}`
      : `r${normalizeForComparison(input.deliveryMethodReceived ?? "")}`;
  const parts = [
    `w${input.warehouseId}`,
    method,
    normalizedRecipient(input.address),
    normalizedAddress(input.address),
  ];
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 32);
}
