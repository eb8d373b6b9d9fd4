// 在庫連動の計算式 (I0): what number a channel item gets, from the free stock of the warehouses it counts.
// free → minus the reserve (予備在庫数) → × the share (在庫割当率) → capped (上限在庫数) → floored
// (下限在庫数: below it, 0) → sent. Pure, and each step is kept so the diagnosis can show it.
import { z } from "zod";

export interface StockFormula {
  /** 予備在庫数: units kept back, never offered on this item. */
  reserve: number;
  /** 在庫割当率: the share of what is left that this item offers, in percent (0–100). */
  sharePercent: number;
  /** 上限在庫数: never send more; null for no cap. */
  maximum: number | null;
  /** 下限在庫数: when the number would be below this, send 0; null for none. */
  minimum: number | null;
}

export const identityFormula: StockFormula = { reserve: 0, sharePercent: 100, maximum: null, minimum: null };

const count = z.number().int("must be a whole number").min(0, "must be 0 or more");

/** The formula as a setting (API, CSV): every field optional, the defaults change nothing. */
export const stockFormulaInput = z
  .object({
    reserve: count.default(0).describe("予備在庫数: units kept back from this item"),
    sharePercent: count.max(100, "must be at most 100").default(100).describe("在庫割当率 in percent"),
    maximum: count.nullable().default(null).describe("上限在庫数: never send more; null for no cap"),
    minimum: count.nullable().default(null).describe("下限在庫数: below this, 0 is sent; null for none"),
  })
  .refine((f) => f.maximum === null || f.minimum === null || f.minimum <= f.maximum, {
    message: "must not be above the maximum",
    path: ["minimum"],
  });

export type FormulaStepName = "free" | "minus_reserve" | "share" | "cap" | "floor" | "sent";

export interface FormulaStep {
  step: FormulaStepName;
  quantity: number;
  /** The setting the step applied (reserve, percent, maximum, minimum); absent for free and sent. */
  setting?: number | null;
}

export interface FormulaResult {
  quantity: number;
  steps: FormulaStep[];
}

/**
 * Applies the formula to the free stock. Never negative, never above the maximum, 0 below the minimum,
 * and never less for more free stock (each step is monotonic; the share rounds down).
 */
export function applyStockFormula(free: number, formula: StockFormula = identityFormula): FormulaResult {
  const start = Math.max(0, Math.floor(free));
  const afterReserve = Math.max(0, start - formula.reserve);
  const afterShare = Math.floor((afterReserve * formula.sharePercent) / 100);
  const afterCap = formula.maximum === null ? afterShare : Math.min(afterShare, formula.maximum);
  const afterFloor = formula.minimum !== null && afterCap < formula.minimum ? 0 : afterCap;
  return {
    quantity: afterFloor,
    steps: [
      { step: "free", quantity: start },
      { step: "minus_reserve", quantity: afterReserve, setting: formula.reserve },
      { step: "share", quantity: afterShare, setting: formula.sharePercent },
      { step: "cap", quantity: afterCap, setting: formula.maximum },
      { step: "floor", quantity: afterFloor, setting: formula.minimum },
      { step: "sent", quantity: afterFloor },
    ],
  };
}

export const isIdentityFormula = (f: StockFormula) =>
  f.reserve === 0 && f.sharePercent === 100 && f.maximum === null && f.minimum === null;
