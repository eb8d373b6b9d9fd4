// Stock pushes in the channel's batch size, and each pushed item's result: the part every connector's stock
// push shares. What a channel answers (its fields, its codes) is read in its own map.ts.
import type { StockItem, StockItemResult } from "../types.ts";

/** `items` sent `size` at a time, one batch after the other (`index` counts from 0); the results in order. */
export async function inBatches<T, R>(
  items: T[],
  size: number,
  send: (batch: T[], index: number) => Promise<R[]>,
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await send(items.slice(start, start + size), start / size)));
  }
  return results;
}

/** A channel's error codes that mean the item is unknown or sold without a stock count; others are `invalid`. */
export type StockRejections = Record<string, "not_found" | "unlimited">;

/** The item as its result names it: the option code only when it has one. */
export const stockKey = (item: { itemCode: string; optionCode?: string | null }) => ({
  itemCode: item.itemCode,
  ...(item.optionCode ? { optionCode: item.optionCode } : {}),
});

export const updatedStock = (item: StockItem): StockItemResult => ({ ...stockKey(item), status: "updated" });

/**
 * The channel refused the item with `error`, or said nothing of it (code `missing_result`); the code gives the
 * reason through `rejections`.
 */
export function rejectedStock(
  item: StockItem,
  error: { code?: string | null; message?: string | null } | null | undefined,
  rejections: StockRejections,
): StockItemResult {
  const code = error?.code ?? "missing_result";
  return {
    ...stockKey(item),
    status: "rejected",
    reason: (Object.hasOwn(rejections, code) && rejections[code]) || "invalid",
    channelMessage: error?.message ?? "the channel gave no result for this item",
    code,
  };
}

/** Finds the channel's result for an item among `results`, matched by item code and option code. */
export function byItemAndOption<R>(
  results: R[],
  keyOf: (result: R) => [itemCode: string, optionCode: string | null | undefined],
): (item: StockItem) => R | undefined {
  const key = (itemCode: string, optionCode: string | null | undefined) =>
    `${itemCode}\u0000${optionCode ?? ""}`;
  const byKey = new Map(results.map((result) => [key(...keyOf(result)), result]));
  return (item) => byKey.get(key(item.itemCode, item.optionCode));
}
