// The stock formula (I0) step by step, and its invariants for any settings and any free stock.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyStockFormula,
  identityFormula,
  type StockFormula,
  stockFormulaInput,
} from "../../src/domain/stock-formula.ts";

const formula = (overrides: Partial<StockFormula>): StockFormula => ({ ...identityFormula, ...overrides });
const quantities = (free: number, f: StockFormula) =>
  Object.fromEntries(applyStockFormula(free, f).steps.map((s) => [s.step, s.quantity]));

describe("the stock formula, step by step", () => {
  it("sends the free stock as it is when nothing is set", () => {
    expect(applyStockFormula(7).quantity).toBe(7);
  });

  it("subtracts the reserve (予備在庫数), never below zero", () => {
    expect(quantities(10, formula({ reserve: 3 }))).toMatchObject({ free: 10, minus_reserve: 7, sent: 7 });
    expect(quantities(2, formula({ reserve: 3 }))).toMatchObject({ minus_reserve: 0, sent: 0 });
  });

  it("offers the share (在庫割当率) of what is left, rounded down", () => {
    expect(quantities(10, formula({ reserve: 1, sharePercent: 50 }))).toMatchObject({
      minus_reserve: 9,
      share: 4,
      sent: 4,
    });
  });

  it("caps the number at the maximum (上限在庫数)", () => {
    expect(quantities(100, formula({ maximum: 20 }))).toMatchObject({ share: 100, cap: 20, sent: 20 });
  });

  it("sends 0 when the number falls below the minimum (下限在庫数), and the number itself at the minimum", () => {
    expect(quantities(4, formula({ minimum: 5 }))).toMatchObject({ cap: 4, floor: 0, sent: 0 });
    expect(quantities(5, formula({ minimum: 5 }))).toMatchObject({ floor: 5, sent: 5 });
  });

  it("lists the steps in the order the diagnosis shows them, each with its setting", () => {
    const result = applyStockFormula(40, { reserve: 4, sharePercent: 50, maximum: 15, minimum: 3 });
    expect(result.steps).toEqual([
      { step: "free", quantity: 40 },
      { step: "minus_reserve", quantity: 36, setting: 4 },
      { step: "share", quantity: 18, setting: 50 },
      { step: "cap", quantity: 15, setting: 15 },
      { step: "floor", quantity: 15, setting: 3 },
      { step: "sent", quantity: 15 },
    ]);
  });

  it("refuses a minimum above the maximum, naming the field", () => {
    const parsed = stockFormulaInput.safeParse({ maximum: 3, minimum: 5 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["minimum"]);
  });
});

const anyFormula = fc
  .record({
    reserve: fc.integer({ min: 0, max: 50 }),
    sharePercent: fc.integer({ min: 0, max: 100 }),
    maximum: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
    minimum: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
  })
  .filter((f) => f.maximum === null || f.minimum === null || f.minimum <= f.maximum);
const anyFree = fc.integer({ min: -20, max: 1000 });

describe("the stock formula's invariants", () => {
  it("never sends a negative number", () => {
    fc.assert(fc.property(anyFormula, anyFree, (f, free) => applyStockFormula(free, f).quantity >= 0));
  });

  it("never sends more than the maximum", () => {
    fc.assert(
      fc.property(
        anyFormula,
        anyFree,
        (f, free) => f.maximum === null || applyStockFormula(free, f).quantity <= f.maximum,
      ),
    );
  });

  it("never sends more than the free stock", () => {
    fc.assert(
      fc.property(anyFormula, anyFree, (f, free) => applyStockFormula(free, f).quantity <= Math.max(0, free)),
    );
  });

  it("sends 0 whenever the number would be below the minimum", () => {
    fc.assert(
      fc.property(anyFormula, anyFree, (f, free) => {
        const { quantity } = applyStockFormula(free, f);
        return f.minimum === null || quantity === 0 || quantity >= f.minimum;
      }),
    );
  });

  it("never sends less for more free stock (monotonic)", () => {
    fc.assert(
      fc.property(anyFormula, anyFree, fc.integer({ min: 0, max: 500 }), (f, free, more) => {
        return applyStockFormula(free + more, f).quantity >= applyStockFormula(free, f).quantity;
      }),
    );
  });
});
