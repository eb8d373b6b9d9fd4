import { describe, expect, it } from "vitest";
import { availableForItem, availableToSell } from "./availability.ts";

describe("available to sell", () => {
  it("keeps the safety stock back and never goes below zero", () => {
    expect(availableToSell({ onHand: 10, reserved: 3, safetyStock: 2 })).toBe(5);
    expect(availableToSell({ onHand: 2, reserved: 2, safetyStock: 1 })).toBe(0);
  });

  it("offers as many sets as the scarcest part allows", () => {
    const available = new Map([
      [1, 9],
      [2, 4],
    ]);
    expect(
      availableForItem(
        [
          { productId: 1, quantity: 2 },
          { productId: 2, quantity: 1 },
        ],
        available,
      ),
    ).toBe(4);
    expect(
      availableForItem(
        [
          { productId: 1, quantity: 2 },
          { productId: 3, quantity: 1 },
        ],
        available,
      ),
    ).toBe(0);
  });
});
