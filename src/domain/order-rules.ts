// 受注ルール (order rules, "macros"): per store, an ordered list of conditions → actions run once when an
// order is registered. Pure: evaluating rules changes a copy of the order input and says what was done.
import { z } from "zod";
import { normalizeForComparison } from "./normalize.ts";
import type { OrderInput } from "./order-input.ts";
import type { HoldReason } from "./order-mapping.ts";

const text = z.string().trim().min(1, "is required").max(500);
const yen = z.number().int("must be a whole number of yen");

/** Fields a length condition can look at. */
export const lengthFields = [
  "buyer.name",
  "buyer.phone",
  "recipient.name",
  "recipient.phone",
  "recipient.address",
] as const;

export const ruleConditionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("address_contains"), text: text.describe("Matched in the delivery address") }),
  z.object({ type: z.literal("prefecture_in"), prefectures: z.array(text).min(1, "needs a prefecture") }),
  z.object({
    type: z.literal("longer_than"),
    field: z.enum(lengthFields),
    length: z.number().int().min(0, "must be 0 or more"),
  }),
  z.object({ type: z.literal("amount_above"), amount: yen.describe("The order total is above this") }),
  z.object({ type: z.literal("amount_below"), amount: yen.describe("The order total is below this") }),
  z.object({
    type: z.literal("payment_method_in"),
    values: z.array(text).min(1, "needs a value").describe("The channel's string or Kura's master code"),
  }),
  z.object({
    type: z.literal("delivery_method_in"),
    values: z.array(text).min(1, "needs a value").describe("The channel's string or Kura's master code"),
  }),
  z.object({
    type: z.literal("product_in"),
    itemCodes: z.array(text).min(1, "needs an item code").describe("Any line with one of these codes"),
  }),
]);
export type RuleCondition = z.infer<typeof ruleConditionSchema>;

/** Fields an action may overwrite. */
export const overwritableFields = [
  "deliveryMethod",
  "paymentMethod",
  "timeSlot",
  "requestedDate",
  "recipient.name",
  "recipient.phone",
  "recipient.company",
] as const;
export type OverwritableField = (typeof overwritableFields)[number];

export const feeKinds = ["shippingFee", "paymentFee", "otherFee"] as const;

export const ruleActionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hold"), note: text.describe("Shown to the operator (確認待ち)") }),
  z.object({ type: z.literal("drop_requested_date") }),
  z.object({
    type: z.literal("add_fee"),
    name: text,
    amount: yen,
    kind: z.enum(feeKinds).default("otherFee").describe("Which amount the fee is added to"),
  }),
  z
    .object({
      type: z.literal("set_field"),
      field: z.enum(overwritableFields),
      value: z
        .string()
        .trim()
        .max(500)
        .describe("Empty clears the field (the recipient's name cannot be cleared)"),
    })
    .refine((a) => a.field !== "requestedDate" || a.value === "" || /^\d{4}-\d{2}-\d{2}$/.test(a.value), {
      message: "must be a date as YYYY-MM-DD",
      path: ["value"],
    }),
  z.object({ type: z.literal("add_tag"), tag: text }),
]);
export type RuleAction = z.infer<typeof ruleActionSchema>;

export interface OrderRule {
  id: number | null;
  name: string;
  enabled: boolean;
  conditions: RuleCondition[];
  actions: RuleAction[];
}

/** What a condition may need beyond the order: the master code a channel string maps to. */
export interface RuleLookups {
  paymentMasterCode(value: string): string | undefined;
  deliveryMasterCode(value: string): string | undefined;
}

export const noLookups: RuleLookups = {
  paymentMasterCode: () => undefined,
  deliveryMasterCode: () => undefined,
};

/** A fee added by a rule; kept in the order's amounts so the total can be explained. */
export interface RuleFee {
  name: string;
  amount: number;
  kind: (typeof feeKinds)[number];
}

export type OrderInputWithFees = OrderInput & { amounts: OrderInput["amounts"] & { ruleFees?: RuleFee[] } };

export interface RuleOutcome {
  input: OrderInputWithFees;
  holdReasons: HoldReason[];
  tags: string[];
  /** The rules that matched, in order, with the actions they applied. */
  applied: Array<{ ruleId: number | null; ruleName: string; actions: RuleAction[] }>;
}

const recipient = (order: OrderInput) => order.deliveryAddresses[0];

function addressText(order: OrderInput): string {
  const a = recipient(order);
  return [a?.prefecture, a?.city, a?.address1, a?.address2].filter(Boolean).join("");
}

function fieldText(order: OrderInput, field: (typeof lengthFields)[number]): string {
  switch (field) {
    case "buyer.name":
      return order.buyer.name;
    case "buyer.phone":
      return order.buyer.phone ?? "";
    case "recipient.name":
      return recipient(order)?.name ?? "";
    case "recipient.phone":
      return recipient(order)?.phone ?? "";
    case "recipient.address":
      return addressText(order);
  }
}

const matchesValue = (received: string | undefined, mapped: string | undefined, values: string[]) => {
  const wanted = values.map(normalizeForComparison);
  return [received, mapped].some((v) => v !== undefined && wanted.includes(normalizeForComparison(v)));
};

export function conditionMatches(order: OrderInput, condition: RuleCondition, lookups: RuleLookups): boolean {
  switch (condition.type) {
    case "address_contains":
      return normalizeForComparison(addressText(order)).includes(normalizeForComparison(condition.text));
    case "prefecture_in": {
      const prefecture = normalizeForComparison(recipient(order)?.prefecture ?? "");
      return condition.prefectures.some((p) => normalizeForComparison(p) === prefecture);
    }
    case "longer_than":
      // Characters as a person counts them (code points), after NFKC so half-width kana count once.
      return [...fieldText(order, condition.field).normalize("NFKC")].length > condition.length;
    case "amount_above":
      return order.amounts.total > condition.amount;
    case "amount_below":
      return order.amounts.total < condition.amount;
    case "payment_method_in": {
      const value = order.paymentMethod;
      return matchesValue(value, value && lookups.paymentMasterCode(value), condition.values);
    }
    case "delivery_method_in": {
      const value = order.deliveryMethod;
      return matchesValue(value, value && lookups.deliveryMasterCode(value), condition.values);
    }
    case "product_in":
      return order.lines.some(
        (line) => line.itemCode !== undefined && condition.itemCodes.includes(line.itemCode),
      );
  }
}

export function ruleMatches(order: OrderInput, rule: OrderRule, lookups: RuleLookups): boolean {
  return rule.enabled && rule.conditions.every((c) => conditionMatches(order, c, lookups));
}

/**
 * Runs the rules in order: each sees the order as the rules before it left it. Returns the changed
 * order, the holds (確認待ち) and tags the rules set, and which rules matched.
 */
export function runOrderRules(
  order: OrderInput,
  rules: OrderRule[],
  lookups: RuleLookups = noLookups,
): RuleOutcome {
  // Rules change a copy; a store without rules (most of an import's orders) keeps the order as it came.
  if (rules.length === 0) return { input: order, holdReasons: [], tags: [], applied: [] };
  let outcome: RuleOutcome = { input: structuredClone(order), holdReasons: [], tags: [], applied: [] };
  for (const rule of rules) {
    if (!ruleMatches(outcome.input, rule, lookups)) continue;
    outcome = applyActions(outcome, rule.name, rule.actions);
    outcome.applied.push({ ruleId: rule.id, ruleName: rule.name, actions: rule.actions });
  }
  return outcome;
}

/** Applies one rule's actions (also used to re-apply a snapshot when the channel updates the order). */
export function applyActions(
  outcome: RuleOutcome,
  ruleName: string,
  actions: RuleAction[],
  options: { skipHold?: boolean } = {},
): RuleOutcome {
  const input = outcome.input;
  const holdReasons = [...outcome.holdReasons];
  const tags = [...outcome.tags];
  for (const action of actions) {
    switch (action.type) {
      case "hold":
        if (options.skipHold) break;
        holdReasons.push({
          code: "order_rule",
          field: "orderRules",
          value: ruleName,
          message: `order rule "${ruleName}" asks for confirmation: ${action.note}`,
        });
        break;
      case "drop_requested_date":
        input.requestedDate = undefined;
        break;
      case "add_fee": {
        const amounts = input.amounts;
        amounts.ruleFees = [
          ...(amounts.ruleFees ?? []),
          { name: action.name, amount: action.amount, kind: action.kind },
        ];
        if (action.kind !== "otherFee") amounts[action.kind] += action.amount;
        amounts.total += action.amount;
        break;
      }
      case "set_field":
        setField(input, action.field, action.value);
        break;
      case "add_tag":
        if (!tags.includes(action.tag)) tags.push(action.tag);
        break;
    }
  }
  return { ...outcome, input, holdReasons, tags };
}

function setField(input: OrderInput, field: OverwritableField, value: string): void {
  const optional = value === "" ? undefined : value;
  const [first] = input.deliveryAddresses;
  switch (field) {
    case "deliveryMethod":
    case "paymentMethod":
    case "timeSlot":
    case "requestedDate":
      input[field] = optional;
      return;
    case "recipient.name":
      if (first && value !== "") first.name = value;
      return;
    case "recipient.phone":
      if (first) first.phone = optional;
      return;
    case "recipient.company":
      if (first) first.company = optional;
      return;
  }
}
