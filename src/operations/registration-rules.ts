// What the store's settings do to an order as it is registered, before it is mapped: the order rules
// (受注ルール) run once, the source warehouse is chosen (by prefecture), and Kura's order code is made
// from the store's prefix. Called from register-order.ts; on a channel update the snapshot of what the
// rules did at registration is applied again (a rule changed since never touches the order).
import { and, asc, eq, inArray, isNull, ne } from "drizzle-orm";
import type { Db } from "../db/connection.ts";
import { loadMappingContext } from "../db/repositories/mapping-context.ts";
import { cachedRead, type ReadCache } from "../db/repositories/read-cache.ts";
import {
  orderHistory,
  orderRuleApplications,
  orderRules,
  orders,
  warehouseChoiceRules,
} from "../db/schema.ts";
import type { OrderInput } from "../domain/order-input.ts";
import type { HoldReason, MappingContext } from "../domain/order-mapping.ts";
import {
  applyActions,
  type OrderInputWithFees,
  type RuleLookups,
  type RuleOutcome,
  runOrderRules,
} from "../domain/order-rules.ts";
import { chooseWarehouse, kuraOrderCode } from "../domain/warehouse-choice.ts";

interface StoreRef {
  id: number;
  organizationId: number;
  warehouseId: number;
  orderCodePrefix: string;
}

export interface PreparedOrder {
  /** The order as the rules left it: map and store this one. */
  input: OrderInputWithFees;
  /** Holds the rules (or a taken order code) add to the mapping's. */
  holdReasons: HoldReason[];
  /** Columns of the order slip these settings decide. */
  columns: { tags: string[]; warehouseId: number; kuraCode: string | null };
  applied: RuleOutcome["applied"];
}

/** For a new order: runs the store's enabled rules in order, chooses the warehouse, makes Kura's code. */
export async function prepareRegistration(
  tx: Db,
  store: StoreRef,
  input: OrderInput,
  cache?: ReadCache,
): Promise<PreparedOrder> {
  const [prepared] = await prepareRegistrations(tx, store, [input], cache);
  if (!prepared) throw new Error("no prepared order");
  return prepared;
}

/**
 * The same for a batch of new orders of one store (a page of an import): the rules and the warehouse
 * choice run per order in memory, and whether Kura's codes are taken is one query for the batch. A code
 * that appears twice in the batch is taken by its first order.
 */
export async function prepareRegistrations(
  tx: Db,
  store: StoreRef,
  inputs: OrderInput[],
  cache?: ReadCache,
): Promise<PreparedOrder[]> {
  const rules = await cachedRead(cache, `orderRules:${store.id}`, () => loadOrderRules(tx, store.id));
  const lookups = rules.length > 0 ? await ruleLookups(tx, store, cache) : undefined;
  const codes = inputs.map((input) => kuraOrderCode(store.orderCodePrefix, input.orderCode));
  const taken = await kuraCodesTaken(tx, store.organizationId, codes);
  const prepared: PreparedOrder[] = [];
  for (const [i, input] of inputs.entries()) {
    const outcome = runOrderRules(input, rules, lookups);
    const warehouseId = await chooseSourceWarehouse(tx, store, outcome.input, cache);
    const code = codes[i] as string;
    const isTaken = taken.has(code);
    taken.add(code);
    const holdReasons = [...outcome.holdReasons];
    if (isTaken) holdReasons.push(duplicateCodeHold(code));
    prepared.push({
      input: outcome.input,
      holdReasons,
      columns: { tags: outcome.tags, warehouseId, kuraCode: isTaken ? null : code },
      applied: outcome.applied,
    });
  }
  return prepared;
}

/** Keeps what the rules did at registration, so later rule changes leave the order alone. */
export async function recordRegistration(tx: Db, orderId: number, prepared: PreparedOrder): Promise<void> {
  await recordRegistrations(tx, [{ orderId, prepared }]);
}

/** The same for a batch: one statement per table. */
export async function recordRegistrations(
  tx: Db,
  registered: Array<{ orderId: number; prepared: PreparedOrder }>,
): Promise<void> {
  const applying = registered.filter((r) => r.prepared.applied.length > 0);
  if (applying.length === 0) return;
  await tx.insert(orderRuleApplications).values(
    applying.flatMap(({ orderId, prepared }) =>
      prepared.applied.map((a) => ({
        orderId,
        ruleId: a.ruleId,
        ruleName: a.ruleName,
        actions: a.actions,
      })),
    ),
  );
  await tx.insert(orderHistory).values(
    applying.map(({ orderId, prepared }) => ({
      orderId,
      action: "order_rules_applied",
      actor: "order rules",
      detail: {
        rules: prepared.applied.map((a) => ({ ruleId: a.ruleId, name: a.ruleName, actions: a.actions })),
      },
    })),
  );
}

/**
 * For a channel update of a known order: the same effects again from the snapshot (a hold an operator
 * confirmed stays lifted), the same warehouse and code.
 */
export async function prepareUpdate(
  tx: Db,
  existing: { id: number; warehouseId: number | null; kuraCode: string | null; tags: string[] },
  store: StoreRef,
  input: OrderInput,
): Promise<PreparedOrder> {
  const snapshot = await tx
    .select()
    .from(orderRuleApplications)
    .where(eq(orderRuleApplications.orderId, existing.id))
    .orderBy(asc(orderRuleApplications.id));
  let outcome: RuleOutcome = { input: structuredClone(input), holdReasons: [], tags: [], applied: [] };
  for (const entry of snapshot) {
    outcome = applyActions(outcome, entry.ruleName, entry.actions, {
      skipHold: entry.holdConfirmedAt !== null,
    });
  }
  // An order without a code of its own (it collided, or came before prefixes existed) gets it once free.
  const wanted = kuraOrderCode(store.orderCodePrefix, input.orderCode);
  const kuraCode =
    existing.kuraCode ??
    ((await kuraCodeTaken(tx, store.organizationId, wanted, existing.id)) ? null : wanted);
  const holdReasons = [...outcome.holdReasons];
  if (kuraCode === null) holdReasons.push(duplicateCodeHold(wanted));
  return {
    input: outcome.input,
    holdReasons,
    columns: {
      tags: [...new Set([...existing.tags, ...outcome.tags])],
      warehouseId: existing.warehouseId ?? store.warehouseId,
      kuraCode,
    },
    applied: [],
  };
}

export async function loadOrderRules(tx: Db, storeId: number) {
  return tx
    .select()
    .from(orderRules)
    .where(eq(orderRules.storeId, storeId))
    .orderBy(asc(orderRules.position), asc(orderRules.id));
}

/** A channel string → the master code it maps to, as the mapping will decide it. */
export async function ruleLookups(
  tx: Db,
  store: { id: number; organizationId: number },
  cache?: ReadCache,
): Promise<RuleLookups> {
  const context = await loadMappingContext(tx, store, [], cache);
  return {
    paymentMasterCode: (value) => masterCode(value, context.paymentMappings, context.paymentMethods),
    deliveryMasterCode: (value) => masterCode(value, context.deliveryMappings, context.deliveryMethods),
  };
}

function masterCode(
  value: string,
  mappings: Map<string, string>,
  masters: MappingContext["paymentMethods"] | MappingContext["deliveryMethods"],
): string | undefined {
  return mappings.get(value) ?? masters.find((m) => m.code === value || m.name === value)?.code;
}

async function chooseSourceWarehouse(
  tx: Db,
  store: StoreRef,
  input: OrderInput,
  cache?: ReadCache,
): Promise<number> {
  const rules = await cachedRead(cache, `warehouseChoice:${store.id}`, () =>
    tx
      .select({
        prefectures: warehouseChoiceRules.prefectures,
        warehouseId: warehouseChoiceRules.warehouseId,
      })
      .from(warehouseChoiceRules)
      .where(eq(warehouseChoiceRules.storeId, store.id))
      .orderBy(asc(warehouseChoiceRules.position), asc(warehouseChoiceRules.id)),
  );
  return chooseWarehouse(input.deliveryAddresses[0]?.prefecture, rules, store.warehouseId);
}

async function kuraCodeTaken(
  tx: Db,
  organizationId: number,
  code: string,
  exceptOrderId = 0,
): Promise<boolean> {
  return (await kuraCodesTaken(tx, organizationId, [code], exceptOrderId)).has(code);
}

/** Which of `codes` an open order of the organization (other than `exceptOrderId`) already uses. */
async function kuraCodesTaken(
  tx: Db,
  organizationId: number,
  codes: string[],
  exceptOrderId = 0,
): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await tx
    .select({ code: orders.kuraCode })
    .from(orders)
    .where(
      and(
        eq(orders.organizationId, organizationId),
        inArray(orders.kuraCode, [...new Set(codes)]),
        isNull(orders.cancelledAt),
        ne(orders.id, exceptOrderId),
      ),
    );
  return new Set(rows.map((r) => r.code as string));
}

const duplicateCodeHold = (code: string): HoldReason => ({
  code: "duplicate_order_code",
  field: "orderCode",
  value: code,
  message: `order code ${code} is already used by another store of this organization; give the stores order code prefixes (受注コードの接頭辞) so their codes cannot collide`,
});
