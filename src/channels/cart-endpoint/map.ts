// The cart endpoint's wire format ⇄ Kura's shapes. The only product code that knows it; the simulator's
// README (simulators/cart-endpoint/README.md) documents the same API.
//
// Assumptions (no vendor document: a cart "without an API client" in the zaikoRobot manner gets a small
// script installed that takes stock per product code; its shape is ours, kept deliberately plain):
// - one URL (the store's `settings.endpoint`); HTTP Basic auth with the store's user name and password;
// - `POST <url>` `{"items":[{"code","stock"}]}`, at most 100 items, absolute numbers; the answer lists one
//   result per item, `{"code","status":"ok"}` or `{"code","status":"error","error":{"code","message"}}`;
// - `GET <url>` answers `{"shop","items"}` and is the credentials check;
// - a channel item with an option code is sent as `<item code>-<option code>` (the cart knows one code per
//   product; the merchant's correspondence table decides the codes);
// - per-item error codes: `not_found`, `unlimited` (sold with unlimited stock), `inventory_code` (the item's
//   stock is kept under a separate inventory-management code: unsupported), `invalid_stock`.
import { z } from "zod";
import { stockKey, updatedStock } from "../common/stock.ts";
import type { StockItem, StockItemResult } from "../types.ts";

export interface WireStockItem {
  code: string;
  stock: number;
}

export function toWireStockItem(item: StockItem): WireStockItem {
  return { code: wireCode(item), stock: item.quantity };
}

export const wireCode = (item: { itemCode: string; optionCode?: string }) =>
  item.optionCode ? `${item.itemCode}-${item.optionCode}` : item.itemCode;

export const wireResultSchema = z.looseObject({
  code: z.string(),
  status: z.enum(["ok", "error"]),
  error: z.looseObject({ code: z.string(), message: z.string() }).nullish(),
});
export type WireResult = z.infer<typeof wireResultSchema>;

export const unsupportedInventoryCode =
  "the cart keeps this item's stock under a separate inventory-management code (在庫管理コード), which its stock endpoint does not support";

/** Results come back by wire code; `sent` gives each its channel item back. */
export function toStockItemResult(result: WireResult, sent: Map<string, StockItem>): StockItemResult {
  const item: StockItem = sent.get(result.code) ?? { itemCode: result.code, quantity: 0 };
  if (result.status === "ok") return updatedStock(item);
  const key = stockKey(item);
  const code = result.error?.code ?? "";
  const message = result.error?.message ?? "";
  if (code === "unlimited")
    return { ...key, status: "rejected", reason: "unlimited", channelMessage: message, code };
  if (code === "not_found")
    return { ...key, status: "rejected", reason: "not_found", channelMessage: message, code };
  if (code === "inventory_code") {
    return {
      ...key,
      status: "rejected",
      reason: "invalid",
      code: "unsupported_inventory_code",
      channelMessage: message ? `${unsupportedInventoryCode} (${message})` : unsupportedInventoryCode,
    };
  }
  return { ...key, status: "rejected", reason: "invalid", channelMessage: message, code: code || undefined };
}
