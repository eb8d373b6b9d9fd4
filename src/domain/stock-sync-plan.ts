// 在庫連動: which channel items of a store get a stock number pushed, and why the others do not.
// Pure: the engine loads the inputs and sends what the plan says.
import { availableForItem } from "./availability.ts";
import type { Component } from "./order-mapping.ts";
import { applyStockFormula, type StockFormula } from "./stock-formula.ts";

export type SkipReason =
  | "store_closed"
  | "unlimited_stock"
  | "over_item_cap"
  | "no_products"
  | "awaiting_receipt"
  | "unchanged";

export interface StoreSyncSettings {
  status: "open" | "closed";
  /** The channel plan's item limit (e.g. 100 / 3,000 / 10,000); null for none. */
  itemCap: number | null;
}

export interface ChannelItem {
  /** Stable order for the cap: the correspondence's id (oldest entries sync first). */
  id: number;
  itemCode: string;
  optionCode: string;
  unlimitedStock: boolean;
  components: Component[];
  /** The stock formula of the correspondence entry (I0); absent: send the free stock as it is. */
  formula?: StockFormula;
  /** Warehouses whose stock counts; empty or absent: the store's default warehouse. */
  warehouseIds?: number[];
  /** 一度だけ送信: the number is sent once after each receipt. */
  sendOnceAfterReceipt?: boolean;
  /** Sent once after each receipt: true while no receipt came since the last push. */
  awaitingReceipt?: boolean;
}

/** Available per product for an item (by its warehouses), or one map for every item. */
export type AvailabilitySource = Map<number, number> | ((item: ChannelItem) => Map<number, number>);

export type ItemDecision =
  | { item: ChannelItem; action: "push"; quantity: number }
  | { item: ChannelItem; action: "skip"; reason: SkipReason; quantity?: number };

/**
 * Decides per item. `lastPushed` (by item key) lets a push of changed items skip numbers the channel
 * already has; a full resync passes an empty map to send everything again.
 */
export function planStockSync(
  store: StoreSyncSettings,
  items: ChannelItem[],
  availability: AvailabilitySource,
  lastPushed: Map<string, number> = new Map(),
): ItemDecision[] {
  const availableFor = typeof availability === "function" ? availability : () => availability;
  const ordered = [...items].sort((a, b) => a.id - b.id);
  return ordered.map((item, index): ItemDecision => {
    if (store.status === "closed") return { item, action: "skip", reason: "store_closed" };
    if (item.unlimitedStock) return { item, action: "skip", reason: "unlimited_stock" };
    if (store.itemCap !== null && index >= store.itemCap)
      return { item, action: "skip", reason: "over_item_cap" };
    if (item.components.length === 0) return { item, action: "skip", reason: "no_products" };
    if (item.awaitingReceipt) return { item, action: "skip", reason: "awaiting_receipt" };
    const quantity = applyStockFormula(
      availableForItem(item.components, availableFor(item)),
      item.formula,
    ).quantity;
    if (lastPushed.get(itemKey(item)) === quantity)
      return { item, action: "skip", reason: "unchanged", quantity };
    return { item, action: "push", quantity };
  });
}

export const itemKey = (item: { itemCode: string; optionCode: string }) =>
  `${item.itemCode}\u0000${item.optionCode}`;

export const skipReasonText: Record<SkipReason, string> = {
  store_closed: "the store is closed: no stock is sent while it is closed",
  unlimited_stock: "the channel sells this item with unlimited stock",
  over_item_cap: "the item is beyond the store's item cap",
  no_products: "the item maps to no product",
  awaiting_receipt: "the item is sent once after each receipt, and no stock was received since the last push",
  unchanged: "the channel already has this number",
};
