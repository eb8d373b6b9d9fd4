// What an operator does with the sync engine: see and change each store function's schedule, pause it,
// run it now, and ask why an item does or does not sync (I6).
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type Db, inTransaction } from "../db/connection.ts";
import { emit } from "../db/repositories/outbox.ts";
import { getStore } from "../db/repositories/scope.ts";
import { channelItemStates, products, storeFunctions, syncRuns } from "../db/schema.ts";
import { invalid, notFound } from "../domain/errors.ts";
import { parseInput } from "../domain/parse.ts";
import { forbiddenCharacters, isValidProductCode } from "../domain/product-code.ts";
import { isTimeOfDay, nextRunAt } from "../domain/schedule.ts";
import { type SyncFunction, syncFunctions } from "../domain/statuses.ts";
import { itemKey, planStockSync, skipReasonText } from "../domain/stock-sync-plan.ts";
import {
  countedWarehouses,
  loadChannelItems,
  loadItemAvailability,
  markAwaitingReceipt,
} from "../jobs/runners/stock-sync.ts";
import { requestManualRun } from "../jobs/store-functions.ts";
import { formulaDiagnosis } from "./stock-formula.ts";

export const syncFunctionSchema = z.enum(syncFunctions);

/** Every function of a store with its schedule, state and last run. */
export async function listStoreFunctions(db: Db, organizationId: number, storeId: number) {
  await getStore(db, organizationId, storeId);
  const rows = await db.select().from(storeFunctions).where(eq(storeFunctions.storeId, storeId));
  const result = [];
  for (const row of rows) {
    const [lastRun] = await db
      .select()
      .from(syncRuns)
      .where(and(eq(syncRuns.storeId, storeId), eq(syncRuns.function, row.function)))
      .orderBy(desc(syncRuns.id))
      .limit(1);
    result.push({
      function: row.function,
      paused: row.paused,
      intervalSeconds: row.intervalSeconds,
      timesOfDay: row.timesOfDay,
      nextRunAt: row.nextRunAt,
      failing: row.failingReason !== null,
      failingReason: row.failingReason,
      failingSince: row.failingSince,
      lastRun: lastRun ?? null,
    });
  }
  return result.sort((a, b) => syncFunctions.indexOf(a.function) - syncFunctions.indexOf(b.function));
}

export const storeFunctionUpdate = z.object({
  paused: z.boolean().optional(),
  intervalSeconds: z.number().int().min(10, "must be at least 10 seconds").nullable().optional(),
  timesOfDay: z.array(z.string().refine(isTimeOfDay, "must be HH:MM (Japan time)")).optional(),
});

export async function updateStoreFunction(
  db: Db,
  organizationId: number,
  storeId: number,
  fn: SyncFunction,
  input: z.input<typeof storeFunctionUpdate>,
) {
  const data = parseInput(storeFunctionUpdate, input);
  return inTransaction(db, async (tx) => {
    await getStore(tx, organizationId, storeId);
    const [current] = await tx
      .select()
      .from(storeFunctions)
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, fn)))
      .for("update");
    if (!current) throw notFound(`function ${fn} of store ${storeId}`, "function");
    const schedule = {
      intervalSeconds: data.intervalSeconds === undefined ? current.intervalSeconds : data.intervalSeconds,
      timesOfDay: data.timesOfDay ?? current.timesOfDay,
    };
    const [row] = await tx
      .update(storeFunctions)
      .set({
        ...schedule,
        paused: data.paused ?? current.paused,
        nextRunAt: nextRunAt(schedule, new Date()),
        updatedAt: sql`now()`,
      })
      .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, fn)))
      .returning();
    return row;
  });
}

/** "Run now": recorded as an event in the database, so any process can ask and a worker runs it. */
export async function requestRun(
  db: Db,
  organizationId: number,
  storeId: number,
  fn: SyncFunction,
  actor: string,
) {
  await getStore(db, organizationId, storeId);
  await inTransaction(db, async (tx) => {
    await requestManualRun(tx, storeId, fn);
    await emit(tx, organizationId, { type: "function.triggered", payload: { storeId, fn, actor } });
  });
  return { storeId, function: fn, requested: true };
}

export type DiagnosisCode =
  | "syncs"
  | "no_correspondence"
  | "forbidden_characters"
  | "store_closed"
  | "unlimited_stock"
  | "over_item_cap"
  | "no_products"
  | "awaiting_receipt"
  | "last_push_failed";

/** Why an item of a store does or does not get its stock pushed, with what it would send now. */
export async function diagnoseItem(
  db: Db,
  organizationId: number,
  storeId: number,
  itemCode: string,
  optionCode = "",
) {
  if (!itemCode) throw invalid("validation_failed", "itemCode is required", "itemCode");
  const store = await getStore(db, organizationId, storeId);
  const items = await markAwaitingReceipt(db, store, await loadChannelItems(db, storeId));
  const available = await loadItemAvailability(db, store, items);
  const plan = planStockSync({ status: store.status, itemCap: store.itemCap }, items, available);
  const decision = plan.find((d) => d.item.itemCode === itemCode && d.item.optionCode === optionCode);
  const [state] = await db
    .select()
    .from(channelItemStates)
    .where(
      and(
        eq(channelItemStates.storeId, storeId),
        eq(channelItemStates.itemCode, itemCode),
        eq(channelItemStates.optionCode, optionCode),
      ),
    );
  const reasons: Array<{ code: DiagnosisCode; message: string }> = [];

  if (!decision) {
    if (!isValidProductCode(itemCode)) {
      reasons.push({
        code: "forbidden_characters",
        message: `"${itemCode}" has characters a product code may not have (${forbiddenCharacters(itemCode).join(" ")})`,
      });
    }
    const [sameCode] = await db
      .select({ code: products.code })
      .from(products)
      .where(and(eq(products.organizationId, organizationId), eq(products.code, itemCode)));
    reasons.push({
      code: "no_correspondence",
      message: sameCode
        ? `the item is not in this store's product correspondence table; product ${sameCode.code} has the same code — add the entry to sync it`
        : "the item is not in this store's product correspondence table",
    });
  } else if (decision.action === "skip" && decision.reason !== "unchanged") {
    reasons.push({ code: decision.reason, message: skipReasonText[decision.reason] });
  }
  if (state?.lastError) reasons.push({ code: "last_push_failed", message: state.lastError });

  const syncs = decision !== undefined && (decision.action === "push" || decision.reason === "unchanged");
  return {
    storeId,
    itemCode,
    optionCode,
    syncs,
    reasons:
      syncs && reasons.length === 0 ? [{ code: "syncs" as const, message: "the item syncs" }] : reasons,
    storeStatus: store.status,
    itemCap: store.itemCap,
    quantityNow:
      decision?.action === "push" || decision?.reason === "unchanged" ? (decision.quantity ?? null) : null,
    components:
      decision?.item.components.map((c) => ({
        productId: c.productId,
        quantityPerItem: c.quantity,
        available: available(decision.item).get(c.productId) ?? 0,
      })) ?? [],
    formula: decision
      ? await formulaDiagnosis(db, decision.item, countedWarehouses(store, decision.item), available)
      : null,
    lastPushed: state?.lastPushedAt ? { quantity: state.lastPushedQuantity, at: state.lastPushedAt } : null,
    lastError: state?.lastError ? { message: state.lastError, at: state.lastErrorAt } : null,
  };
}

/** The store's items beyond its cap, in the stable order that decides them (oldest entries sync first). */
export async function itemsOverCap(db: Db, organizationId: number, storeId: number) {
  const store = await getStore(db, organizationId, storeId);
  const items = await loadChannelItems(db, storeId);
  const plan = planStockSync({ status: "open", itemCap: store.itemCap }, items, new Map());
  return plan
    .filter((d) => d.action === "skip" && d.reason === "over_item_cap")
    .map((d) => ({ itemCode: d.item.itemCode, optionCode: d.item.optionCode, key: itemKey(d.item) }));
}
