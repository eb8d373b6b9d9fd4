// What the channels' connector and contract tests share: every page a connector yields, the ChannelError a
// call throws, and what became of pushed stock. For tests only.
import { ChannelError } from "../errors.ts";
import type { OrderPage, StockItem, StockItemResult } from "../types.ts";

export async function collect<T>(pages: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

export async function caught(work: () => Promise<unknown>): Promise<ChannelError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof ChannelError) return error;
    throw error;
  }
  throw new Error("expected a ChannelError");
}

/** The order codes of the pages, in the order they came. */
export const orderCodes = (pages: OrderPage[]) =>
  pages.flatMap((page) => page.orders.map((o) => o.orderCode));

/** Each pushed item's fate: "updated", or the reason it was rejected. */
export const stockOutcomes = (results: StockItemResult[]) =>
  results.map((r) => (r.status === "rejected" ? r.reason : r.status));

/** Items the simulators' kit knows: one with an option code, one sold with unlimited stock, one unknown. */
export const kitStockItems: StockItem[] = [
  { itemCode: "CUP-YUNOMI", optionCode: "AO", quantity: 3 },
  { itemCode: "GIFT-CARD", quantity: 1 },
  { itemCode: "NO-SUCH", quantity: 1 },
];
