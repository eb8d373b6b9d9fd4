import { describe, expect, it } from "vitest";
import { compileTemplate, ExtractionError, extractOrder, TemplateError } from "../../src/mail/template.ts";
import { orderMailTemplate, orderMailText } from "./messages.ts";

function templateError(source: string): TemplateError {
  try {
    compileTemplate(source);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error("the template compiled");
}

function extractionError(template: string, text: string): ExtractionError {
  try {
    extractOrder(compileTemplate(template), text);
  } catch (error) {
    if (error instanceof ExtractionError) return error;
    throw error;
  }
  throw new Error("the mail was read");
}

describe("a mail template", () => {
  it("reads the order code, date, buyer, total and each item of a cart's order mail", () => {
    const text = orderMailText({
      orderCode: "20261123-0042",
      items: [
        { code: "TEA-SENCHA-100", name: "静岡煎茶 100g", quantity: 2, price: 1080 },
        { code: "CUP-AO", name: "有田焼 湯呑み 青", quantity: 1, price: 2200 },
      ],
    });

    const order = extractOrder(compileTemplate(orderMailTemplate), text);

    expect(order).toMatchObject({
      orderCode: "20261123-0042",
      orderedAt: "2026-11-23T01:15:00.000Z",
      buyerName: "山田 太郎",
      buyerEmail: "taro@example.jp",
      total: 4360,
      items: [
        { code: "TEA-SENCHA-100", name: "静岡煎茶 100g", quantity: 2, unitPrice: 1080 },
        { code: "CUP-AO", name: "有田焼 湯呑み 青", quantity: 1, unitPrice: 2200 },
      ],
    });
  });

  it("reads items written one per line with named groups, full-width digits included", () => {
    const template = [
      "order_code: ^注文番号:(\\S+)",
      "line: ^・(?<code>[A-Z0-9-]+)\\s+(?<name>.+?)\\s+(?<price>[\\d,]+)円\\s*[x×]\\s*(?<quantity>\\d+)",
    ].join("\n");
    const text =
      "注文番号：Ａ１２３\n・TEA-HOJI-100 ほうじ茶 ８６４円 ×３\n・CUP-AKA 湯呑み 赤 2,200円 x 1\n";

    const order = extractOrder(compileTemplate(template), text);

    expect(order.orderCode).toBe("A123");
    expect(order.items).toEqual([
      { code: "TEA-HOJI-100", name: "ほうじ茶", quantity: 3, unitPrice: 864, line: 2 },
      { code: "CUP-AKA", name: "湯呑み 赤", quantity: 1, unitPrice: 2200, line: 3 },
    ]);
  });

  it("names the template line of a broken regular expression", () => {
    const error = templateError(
      "order_code: ^注文番号:(\\S+)\n# items\nline: ^(?<code>\\S+ (?<quantity>\\d+)",
    );

    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^template line 3: "line" is not a valid regular expression/);
  });

  it("names the template line of an unknown key, a rule without a capture group, and a missing quantity", () => {
    expect(templateError("order_code: (\\S+)\nitem_cod: (\\S+)").line).toBe(2);
    expect(templateError("order_code: 注文番号\\S+\nline: (?<code>\\S+) (?<quantity>\\d+)").message).toMatch(
      /template line 1: "order_code" needs a capture group/,
    );
    expect(templateError("order_code: (\\S+)\n\nitem_code: 商品:(\\S+)").message).toMatch(
      /template line 3: "item_code" needs a "quantity" rule/,
    );
  });

  it("says which mail line it failed on when a quantity is not a number", () => {
    const text = orderMailText({
      orderCode: "X-1",
      items: [{ code: "CUP-AO", name: "湯呑み", quantity: 1, price: 2200 }],
    }).replace("数量　　：1個", "数量　　：一個");

    const error = extractionError(orderMailTemplate, text);

    const lineNo = text.split("\n").findIndex((l) => l.startsWith("数量")) + 1;
    expect(error.line).toBe(lineNo);
    expect(error.message).toBe(`mail line ${lineNo}: "quantity" took "一", not a whole number of at least 1`);
  });

  it("says which rule found nothing when the order code is missing, and when an item has no quantity", () => {
    expect(extractionError(orderMailTemplate, "こんにちは\n").message).toMatch(
      /"order_code" \(template line 3\) matched no line of the mail/,
    );
    const noQuantity = orderMailText({
      orderCode: "X-2",
      items: [{ code: "CUP-AO", name: "湯呑み", quantity: 1, price: 2200 }],
    }).replace(/数量.*\n/, "");
    const error = extractionError(orderMailTemplate, noQuantity);
    expect(error.line).toBe(noQuantity.split("\n").findIndex((l) => l.startsWith("商品番号")) + 1);
    expect(error.message).toMatch(/the item "CUP-AO" has no line matching "quantity"/);
  });
});
