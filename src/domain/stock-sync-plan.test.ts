import { describe, expect, it } from "vitest";
import { type ChannelItem, planStockSync } from "./stock-sync-plan.ts";

const item = (id: number, overrides: Partial<ChannelItem> = {}): ChannelItem => ({
  id,
  itemCode: `item-${id}`,
  optionCode: "",
  unlimitedStock: false,
  components: [{ productId: 1, quantity: 1 }],
  ...overrides,
});
const stock = new Map([
  [1, 7],
  [2, 3],
]);
const open = { status: "open" as const, itemCap: null };

describe("planning a stock sync", () => {
  it("pushes the available number of every limited item of an open store", () => {
    const plan = planStockSync(
      open,
      [
        item(1),
        item(2, {
          components: [
            { productId: 1, quantity: 2 },
            { productId: 2, quantity: 1 },
          ],
        }),
      ],
      stock,
    );
    expect(plan.map((d) => (d.action === "push" ? d.quantity : d.reason))).toEqual([7, 3]);
  });

  it("sends nothing while the store is closed, and says so", () => {
    const plan = planStockSync({ status: "closed", itemCap: null }, [item(1)], stock);
    expect(plan[0]).toMatchObject({ action: "skip", reason: "store_closed" });
  });

  it("skips items sold with unlimited stock", () => {
    expect(planStockSync(open, [item(1, { unlimitedStock: true })], stock)[0]).toMatchObject({
      reason: "unlimited_stock",
    });
  });

  it("keeps the oldest items within the cap and lists the rest as over it", () => {
    const plan = planStockSync({ status: "open", itemCap: 2 }, [item(3), item(1), item(2)], stock);
    expect(plan.map((d) => [d.item.id, d.action])).toEqual([
      [1, "push"],
      [2, "push"],
      [3, "skip"],
    ]);
    expect(plan[2]).toMatchObject({ reason: "over_item_cap" });
  });

  it("does not send a number the channel already has", () => {
    const plan = planStockSync(open, [item(1)], stock, new Map([["item-1\u0000", 7]]));
    expect(plan[0]).toMatchObject({ action: "skip", reason: "unchanged", quantity: 7 });
  });
});
