// Available-to-sell: what a channel may offer. Pure arithmetic over stock levels.
import type { Component } from "./order-mapping.ts";

export interface SkuStock {
  onHand: number;
  reserved: number;
  safetyStock: number;
}

/** On hand − reserved − safety stock, never below zero. */
export function availableToSell(stock: SkuStock): number {
  return Math.max(0, stock.onHand - stock.reserved - stock.safetyStock);
}

/**
 * A channel item's availability through its correspondence: for a set, the number of whole sets the
 * parts allow (the minimum over parts of available ÷ quantity per set).
 */
export function availableForItem(components: Component[], availableByProduct: Map<number, number>): number {
  if (components.length === 0) return 0;
  return Math.min(
    ...components.map((c) => Math.floor((availableByProduct.get(c.productId) ?? 0) / c.quantity)),
  );
}
