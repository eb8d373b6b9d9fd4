// A store's order rules (受注ルール): list, create, change, delete, reorder, and a dry run that says which
// rules an order would trigger and what they would do — without registering anything.
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type Db, inTransaction } from "../db/connection.ts";
import { getStore } from "../db/repositories/scope.ts";
import { orderLines, orderRules, orders } from "../db/schema.ts";
import { invalid, notFound } from "../domain/errors.ts";
import { orderInputSchema } from "../domain/order-input.ts";
import {
  conditionMatches,
  type OrderRule,
  ruleActionSchema,
  ruleConditionSchema,
  runOrderRules,
} from "../domain/order-rules.ts";
import { parseInput } from "../domain/parse.ts";
import { loadOrderRules, ruleLookups } from "./registration-rules.ts";
import { inputOf } from "./release-held.ts";

export const orderRuleInput = z.object({
  name: z.string().trim().min(1, "is required").max(200),
  enabled: z.boolean().default(true),
  conditions: z.array(ruleConditionSchema).default([]).describe("All must match; none matches every order"),
  actions: z.array(ruleActionSchema).min(1, "needs at least one action"),
  position: z.number().int().min(1, "must be at least 1").optional().describe("Default: after the last rule"),
});

export const reorderInput = z.object({
  ruleIds: z.array(z.number().int()).describe("Every rule of the store, in the order they run"),
});

export const dryRunInput = z
  .object({
    order: z.unknown().optional().describe("An order as a channel gives it"),
    orderId: z.number().int().optional().describe("Or an order already registered (as it is stored now)"),
  })
  .refine((v) => (v.order === undefined) !== (v.orderId === undefined), {
    message: "give either order or orderId",
    path: ["order"],
  });

type RuleRow = typeof orderRules.$inferSelect;

const viewOf = (row: RuleRow) => ({
  id: row.id,
  storeId: row.storeId,
  position: row.position,
  name: row.name,
  enabled: row.enabled,
  conditions: row.conditions,
  actions: row.actions,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export async function listOrderRules(db: Db, organizationId: number, storeId: number) {
  await getStore(db, organizationId, storeId);
  return (await loadOrderRules(db, storeId)).map(viewOf);
}

export async function createOrderRule(
  db: Db,
  organizationId: number,
  storeId: number,
  input: z.input<typeof orderRuleInput>,
) {
  const data = parseInput(orderRuleInput, input);
  return inTransaction(db, async (tx) => {
    await getStore(tx, organizationId, storeId);
    const rules = await loadOrderRules(tx, storeId);
    const position = Math.min(data.position ?? rules.length + 1, rules.length + 1);
    await renumber(
      tx,
      rules.map((r) => r.id),
      position,
    );
    const { position: _ignored, ...fields } = data;
    const [row] = await tx
      .insert(orderRules)
      .values({ organizationId, storeId, position, ...fields })
      .returning();
    if (!row) throw new Error("order rule insert returned nothing");
    return viewOf(row);
  });
}

/** Replaces a rule. Orders already registered keep what the rule did to them then. */
export async function updateOrderRule(
  db: Db,
  organizationId: number,
  storeId: number,
  ruleId: number,
  input: z.input<typeof orderRuleInput>,
) {
  const data = parseInput(orderRuleInput, input);
  return inTransaction(db, async (tx) => {
    await getRule(tx, organizationId, storeId, ruleId);
    const { position, ...fields } = data;
    const [row] = await tx
      .update(orderRules)
      .set({ ...fields, updatedAt: sql`now()` })
      .where(eq(orderRules.id, ruleId))
      .returning();
    if (position !== undefined) {
      const others = (await loadOrderRules(tx, storeId)).map((r) => r.id).filter((id) => id !== ruleId);
      others.splice(position - 1, 0, ruleId);
      await renumber(tx, others, 0);
      return viewOf((await getRule(tx, organizationId, storeId, ruleId)) as RuleRow);
    }
    return viewOf(row as RuleRow);
  });
}

export async function deleteOrderRule(db: Db, organizationId: number, storeId: number, ruleId: number) {
  return inTransaction(db, async (tx) => {
    await getRule(tx, organizationId, storeId, ruleId);
    await tx.delete(orderRules).where(eq(orderRules.id, ruleId));
    await renumber(
      tx,
      (await loadOrderRules(tx, storeId)).map((r) => r.id),
      0,
    );
  });
}

export async function reorderOrderRules(
  db: Db,
  organizationId: number,
  storeId: number,
  input: z.input<typeof reorderInput>,
) {
  const { ruleIds } = parseInput(reorderInput, input);
  return inTransaction(db, async (tx) => {
    await getStore(tx, organizationId, storeId);
    const current = (await loadOrderRules(tx, storeId)).map((r) => r.id);
    const same =
      ruleIds.length === current.length &&
      new Set(ruleIds).size === ruleIds.length &&
      ruleIds.every((id) => current.includes(id));
    if (!same) {
      throw invalid(
        "rules_mismatch",
        `ruleIds must list every rule of the store once (${current.join(", ") || "none"})`,
        "ruleIds",
      );
    }
    await renumber(tx, ruleIds, 0);
    return (await loadOrderRules(tx, storeId)).map(viewOf);
  });
}

/** Positions 1, 2, … in the given order; `gapAt` (1-based) leaves that position free for a new rule. */
async function renumber(tx: Db, ids: number[], gapAt: number) {
  for (const [index, id] of ids.entries()) {
    const position = gapAt > 0 && index + 1 >= gapAt ? index + 2 : index + 1;
    await tx.update(orderRules).set({ position }).where(eq(orderRules.id, id));
  }
}

async function getRule(tx: Db, organizationId: number, storeId: number, ruleId: number) {
  await getStore(tx, organizationId, storeId);
  const [row] = await tx
    .select()
    .from(orderRules)
    .where(
      and(
        eq(orderRules.id, ruleId),
        eq(orderRules.storeId, storeId),
        eq(orderRules.organizationId, organizationId),
      ),
    );
  if (!row) throw notFound(`order rule ${ruleId}`, "ruleId");
  return row;
}

/**
 * Which rules an order would trigger, condition by condition, and the order they would leave: holds,
 * tags, requested date, fees, overwritten fields. Nothing is written.
 */
export async function dryRunOrderRules(
  db: Db,
  organizationId: number,
  storeId: number,
  input: z.input<typeof dryRunInput>,
) {
  const request = parseInput(dryRunInput, input);
  const store = await getStore(db, organizationId, storeId);
  const order =
    request.order !== undefined
      ? parseInput(orderInputSchema, request.order)
      : await storedOrder(db, organizationId, storeId, request.orderId as number);
  const rows = await loadOrderRules(db, storeId);
  const rules: OrderRule[] = rows.map((r) => ({
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    conditions: r.conditions,
    actions: r.actions,
  }));
  const lookups = await ruleLookups(db, store);
  const outcome = runOrderRules(order, rules, lookups);

  // Each rule is judged on the order as the rules before it left it, as registration does.
  const steps = [];
  let seen = structuredClone(order);
  for (const rule of rules) {
    const conditions = rule.conditions.map((condition) => ({
      condition,
      matched: conditionMatches(seen, condition, lookups),
    }));
    const matched = rule.enabled && conditions.every((c) => c.matched);
    steps.push({
      ruleId: rule.id as number,
      name: rule.name,
      enabled: rule.enabled,
      matched,
      conditions,
      actions: rule.actions,
    });
    if (matched) seen = runOrderRules(seen, [rule], lookups).input;
  }
  const result = outcome.input;
  return {
    rules: steps,
    triggered: outcome.applied.map((a) => ({ ruleId: a.ruleId as number, name: a.ruleName })),
    result: {
      held: outcome.holdReasons.length > 0,
      holdReasons: outcome.holdReasons,
      tags: outcome.tags,
      requestedDate: result.requestedDate ?? null,
      deliveryMethod: result.deliveryMethod ?? null,
      paymentMethod: result.paymentMethod ?? null,
      timeSlot: result.timeSlot ?? null,
      recipient: result.deliveryAddresses[0] ?? null,
      fees: result.amounts.ruleFees ?? [],
      total: result.amounts.total,
    },
  };
}

async function storedOrder(db: Db, organizationId: number, storeId: number, orderId: number) {
  const [order] = await db
    .select()
    .from(orders)
    .where(
      and(eq(orders.id, orderId), eq(orders.organizationId, organizationId), eq(orders.storeId, storeId)),
    );
  if (!order) throw notFound(`order ${orderId}`, "orderId");
  const lines = await db
    .select()
    .from(orderLines)
    .where(eq(orderLines.orderId, orderId))
    .orderBy(asc(orderLines.lineNo));
  return inputOf(order, lines);
}
