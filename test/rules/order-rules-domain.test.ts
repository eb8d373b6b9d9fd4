// Each condition and each action of the order rules (受注ルール), on an order as a channel gives it.
import { describe, expect, it } from "vitest";
import { type OrderInput, orderInputSchema } from "../../src/domain/order-input.ts";
import {
  type OrderRule,
  type RuleAction,
  type RuleCondition,
  ruleActionSchema,
  runOrderRules,
} from "../../src/domain/order-rules.ts";
import { anOrder } from "../support/fixtures.ts";

const order = (overrides: Parameters<typeof anOrder>[0] = {}): OrderInput =>
  orderInputSchema.parse(anOrder(overrides));

const rule = (
  conditions: RuleCondition[],
  actions: RuleAction[] = [{ type: "add_tag", tag: "hit" }],
  name = "r",
) => ({ id: 1, name, enabled: true, conditions, actions }) satisfies OrderRule;

const matches = (o: OrderInput, condition: RuleCondition) =>
  runOrderRules(o, [rule([condition])]).applied.length === 1;

const recipient = { name: "山田 太郎", prefecture: "東京都", city: "渋谷区", address1: "神宮前1-2-3" };

describe("order rule conditions", () => {
  it("address contains: after normalizing width and spaces", () => {
    const o = order({ deliveryAddresses: [{ ...recipient, address2: "ｸﾗﾋﾞﾙ 101" }] });
    expect(matches(o, { type: "address_contains", text: "クラビル101" })).toBe(true);
    expect(matches(o, { type: "address_contains", text: "大阪" })).toBe(false);
  });

  it("prefecture in: the recipient's prefecture is one of the list", () => {
    const o = order({ deliveryAddresses: [{ ...recipient, prefecture: "沖縄県" }] });
    expect(matches(o, { type: "prefecture_in", prefectures: ["北海道", "沖縄県"] })).toBe(true);
    expect(matches(order(), { type: "prefecture_in", prefectures: ["北海道", "沖縄県"] })).toBe(false);
  });

  it("longer than: names, phones and the address by characters", () => {
    const o = order({
      deliveryAddresses: [{ ...recipient, name: "寿限無寿限無五劫の擦り切れ", phone: "090-1234-5678" }],
    });
    expect(matches(o, { type: "longer_than", field: "recipient.name", length: 12 })).toBe(true);
    expect(matches(o, { type: "longer_than", field: "recipient.name", length: 13 })).toBe(false);
    expect(matches(o, { type: "longer_than", field: "recipient.phone", length: 12 })).toBe(true);
    expect(matches(o, { type: "longer_than", field: "buyer.name", length: 10 })).toBe(false);
    expect(matches(o, { type: "longer_than", field: "recipient.address", length: 5 })).toBe(true);
  });

  it("amount above and below: the order total, strictly", () => {
    const o = order({ amounts: { subtotal: 10000, total: 11000 } });
    expect(matches(o, { type: "amount_above", amount: 10999 })).toBe(true);
    expect(matches(o, { type: "amount_above", amount: 11000 })).toBe(false);
    expect(matches(o, { type: "amount_below", amount: 11001 })).toBe(true);
    expect(matches(o, { type: "amount_below", amount: 11000 })).toBe(false);
  });

  it("payment method: the channel's string, or the master code it maps to", () => {
    const o = order({ paymentMethod: "代金引換" });
    const lookups = {
      paymentMasterCode: (v: string) => (v === "代金引換" ? "cod" : undefined),
      deliveryMasterCode: () => undefined,
    };
    expect(matches(o, { type: "payment_method_in", values: ["代金引換"] })).toBe(true);
    expect(
      runOrderRules(o, [rule([{ type: "payment_method_in", values: ["cod"] }])], lookups).applied,
    ).toHaveLength(1);
    expect(matches(o, { type: "payment_method_in", values: ["credit_card"] })).toBe(false);
  });

  it("delivery method: the channel's string, or the master code it maps to", () => {
    const o = order({ deliveryMethod: "ネコポス" });
    const lookups = {
      paymentMasterCode: () => undefined,
      deliveryMasterCode: (v: string) => (v === "ネコポス" ? "nekopos" : undefined),
    };
    expect(matches(o, { type: "delivery_method_in", values: ["ネコポス"] })).toBe(true);
    expect(
      runOrderRules(o, [rule([{ type: "delivery_method_in", values: ["nekopos"] }])], lookups).applied,
    ).toHaveLength(1);
    expect(matches(o, { type: "delivery_method_in", values: ["takkyubin"] })).toBe(false);
  });

  it("product in: any line with one of the item codes", () => {
    const o = order({
      lines: [
        { itemCode: "A", name: "a", quantity: 1, unitPrice: 100 },
        { itemCode: "COOL-1", name: "冷凍", quantity: 1, unitPrice: 100 },
      ],
    });
    expect(matches(o, { type: "product_in", itemCodes: ["COOL-1", "COOL-2"] })).toBe(true);
    expect(matches(o, { type: "product_in", itemCodes: ["B"] })).toBe(false);
  });

  it("all conditions of a rule must match; a rule without conditions matches every order", () => {
    const o = order({ amounts: { subtotal: 100, total: 110 } });
    expect(
      runOrderRules(o, [
        rule([
          { type: "amount_below", amount: 200 },
          { type: "prefecture_in", prefectures: ["北海道"] },
        ]),
      ]).applied,
    ).toHaveLength(0);
    expect(runOrderRules(o, [rule([])]).applied).toHaveLength(1);
  });

  it("a disabled rule never matches", () => {
    expect(runOrderRules(order(), [{ ...rule([]), enabled: false }]).applied).toHaveLength(0);
  });
});

describe("order rule actions", () => {
  it("hold for confirmation with the note and the rule's name", () => {
    const outcome = runOrderRules(order(), [
      rule([], [{ type: "hold", note: "離島のため送料確認" }], "離島"),
    ]);
    expect(outcome.holdReasons).toEqual([
      expect.objectContaining({
        code: "order_rule",
        value: "離島",
        message: expect.stringContaining("離島のため送料確認"),
      }),
    ]);
  });

  it("drop the requested date", () => {
    const outcome = runOrderRules(order({ requestedDate: "2026-11-20" }), [
      rule([], [{ type: "drop_requested_date" }]),
    ]);
    expect(outcome.input.requestedDate).toBeUndefined();
  });

  it("add a fee: to the named amount and the total, listed in the amounts", () => {
    const o = order({ amounts: { subtotal: 1000, shippingFee: 500, total: 1500 } });
    const fee = ruleActionSchema.parse({
      type: "add_fee",
      name: "離島送料",
      amount: 1200,
      kind: "shippingFee",
    });
    const outcome = runOrderRules(o, [rule([], [fee])]);
    expect(outcome.input.amounts).toMatchObject({
      shippingFee: 1700,
      total: 2700,
      ruleFees: [{ name: "離島送料", amount: 1200, kind: "shippingFee" }],
    });
    expect(o.amounts.total).toBe(1500); // the input given is left alone
  });

  it("overwrite a field: methods, time slot, requested date and the recipient", () => {
    const actions: RuleAction[] = [
      { type: "set_field", field: "deliveryMethod", value: "yu_packet" },
      { type: "set_field", field: "timeSlot", value: "" },
      { type: "set_field", field: "recipient.company", value: "株式会社クラ" },
    ];
    const outcome = runOrderRules(order({ timeSlot: "午前中" }), [rule([], actions)]);
    expect(outcome.input).toMatchObject({ deliveryMethod: "yu_packet", timeSlot: undefined });
    expect(outcome.input.deliveryAddresses[0]?.company).toBe("株式会社クラ");
  });

  it("refuses a requested date that is not a date", () => {
    const parsed = ruleActionSchema.safeParse({
      type: "set_field",
      field: "requestedDate",
      value: "tomorrow",
    });
    expect(parsed.success).toBe(false);
  });

  it("add a tag, once", () => {
    const tag: RuleAction = { type: "add_tag", tag: "ギフト" };
    expect(runOrderRules(order(), [rule([], [tag]), rule([], [tag])]).tags).toEqual(["ギフト"]);
  });

  it("runs in order: a later rule sees what an earlier one changed", () => {
    const first = rule([], [{ type: "set_field", field: "paymentMethod", value: "代金引換" }], "first");
    const second = rule(
      [{ type: "payment_method_in", values: ["代金引換"] }],
      [{ type: "add_tag", tag: "COD" }],
      "second",
    );
    const outcome = runOrderRules(order(), [first, second]);
    expect(outcome.applied.map((a) => a.ruleName)).toEqual(["first", "second"]);
    expect(outcome.tags).toEqual(["COD"]);
  });
});
