import { describe, expect, it } from "vitest";
import { normalizeForComparison, normalizeTimeSlot } from "./normalize.ts";

describe("normalizing Japanese text for comparison", () => {
  it("treats full-width and half-width, dash variants and spaces as the same address", () => {
    expect(normalizeForComparison("東京都渋谷区神宮前１－２－３　ＡＢＣビル")).toBe(
      normalizeForComparison("東京都 渋谷区 神宮前1-2-3 ABCビル"),
    );
    expect(normalizeForComparison("1ー2‐3")).toBe(normalizeForComparison("1-2-3"));
  });

  it("writes every tilde of a time slot as the full-width tilde", () => {
    expect(normalizeTimeSlot("14時~16時")).toBe("14時～16時");
    expect(normalizeTimeSlot("14時〜16時")).toBe("14時～16時");
    expect(normalizeTimeSlot(" 14時～16時 ")).toBe("14時～16時");
  });
});
