// The stock formula of a correspondence entry (在庫連動の計算式, I0): setting it, and showing its steps.
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { type Db, inTransaction } from "../db/connection.ts";
import { emit } from "../db/repositories/outbox.ts";
import { getStore } from "../db/repositories/scope.ts";
import { correspondenceComponents, correspondences, warehouses } from "../db/schema.ts";
import { availableForItem } from "../domain/availability.ts";
import { invalid, notFound } from "../domain/errors.ts";
import { parseInput } from "../domain/parse.ts";
import { applyStockFormula, stockFormulaInput } from "../domain/stock-formula.ts";
import type { ChannelItem } from "../domain/stock-sync-plan.ts";

export const stockFormulaSetting = z.object({
  itemCode: z.string().trim().min(1, "is required"),
  optionCode: z.string().trim().default(""),
  formula: stockFormulaInput.default({ reserve: 0, sharePercent: 100, maximum: null, minimum: null }),
  sendOnceAfterReceipt: z.boolean().default(false).describe("Send the number once after each receipt only"),
  warehouseCodes: z
    .array(z.string().trim().min(1))
    .default([])
    .describe("Warehouses whose stock counts; empty: the store's default warehouse"),
});

export interface StockFormulaView {
  itemCode: string;
  optionCode: string;
  formula: { reserve: number; sharePercent: number; maximum: number | null; minimum: number | null };
  sendOnceAfterReceipt: boolean;
  warehouseCodes: string[];
}

async function warehouseIdsByCode(tx: Db, organizationId: number, codes: string[]): Promise<number[]> {
  if (codes.length === 0) return [];
  const rows = await tx
    .select({ id: warehouses.id, code: warehouses.code })
    .from(warehouses)
    .where(and(eq(warehouses.organizationId, organizationId), inArray(warehouses.code, codes)));
  const byCode = new Map(rows.map((r) => [r.code, r.id]));
  return codes.map((code, index) => {
    const id = byCode.get(code);
    if (id === undefined)
      throw invalid("unknown_warehouse", `warehouse ${code} does not exist`, `warehouseCodes[${index}]`);
    return id;
  });
}

async function warehouseCodes(tx: Db, ids: number[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .select({ id: warehouses.id, code: warehouses.code })
    .from(warehouses)
    .where(inArray(warehouses.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r.code]));
  return ids.map((id) => byId.get(id) ?? String(id));
}

function viewOf(row: typeof correspondences.$inferSelect, codes: string[]): StockFormulaView {
  return {
    itemCode: row.itemCode,
    optionCode: row.optionCode,
    formula: {
      reserve: row.stockReserve,
      sharePercent: row.stockSharePercent,
      maximum: row.stockMaximum,
      minimum: row.stockMinimum,
    },
    sendOnceAfterReceipt: row.stockSendOnceAfterReceipt,
    warehouseCodes: codes,
  };
}

async function findEntry(tx: Db, storeId: number, itemCode: string, optionCode: string) {
  const [row] = await tx
    .select()
    .from(correspondences)
    .where(
      and(
        eq(correspondences.storeId, storeId),
        eq(correspondences.itemCode, itemCode),
        eq(correspondences.optionCode, optionCode),
      ),
    );
  if (!row) {
    const what = optionCode ? `${itemCode} / ${optionCode}` : itemCode;
    throw notFound(`correspondence for item ${what}`, "itemCode");
  }
  return row;
}

export async function getStockFormula(
  db: Db,
  organizationId: number,
  storeId: number,
  itemCode: string,
  optionCode = "",
): Promise<StockFormulaView> {
  await getStore(db, organizationId, storeId);
  const row = await findEntry(db, storeId, itemCode, optionCode);
  return viewOf(row, await warehouseCodes(db, row.stockWarehouseIds));
}

/** Sets the formula of one entry; the item's number is pushed again at once (a stock.changed event). */
export async function setStockFormula(
  db: Db,
  organizationId: number,
  storeId: number,
  input: z.input<typeof stockFormulaSetting>,
): Promise<StockFormulaView> {
  const data = parseInput(stockFormulaSetting, input);
  return inTransaction(db, async (tx) => {
    await getStore(tx, organizationId, storeId);
    const entry = await findEntry(tx, storeId, data.itemCode, data.optionCode);
    const ids = await warehouseIdsByCode(tx, organizationId, data.warehouseCodes);
    const [row] = await tx
      .update(correspondences)
      .set({
        stockReserve: data.formula.reserve,
        stockSharePercent: data.formula.sharePercent,
        stockMaximum: data.formula.maximum,
        stockMinimum: data.formula.minimum,
        stockSendOnceAfterReceipt: data.sendOnceAfterReceipt,
        stockWarehouseIds: ids,
      })
      .where(eq(correspondences.id, entry.id))
      .returning();
    if (!row) throw new Error("correspondence vanished while setting its formula");
    const parts = await tx
      .select({ productId: correspondenceComponents.productId })
      .from(correspondenceComponents)
      .where(eq(correspondenceComponents.correspondenceId, entry.id));
    if (parts.length > 0) {
      await emit(tx, organizationId, {
        type: "stock.changed",
        payload: { productIds: parts.map((p) => p.productId).sort((a, b) => a - b) },
      });
    }
    return viewOf(row, data.warehouseCodes);
  });
}

/** The diagnosis (I6) of an item's number: its counted warehouses and each step of its formula. */
export async function formulaDiagnosis(
  db: Db,
  item: ChannelItem,
  warehouseIds: number[],
  available: (item: ChannelItem) => Map<number, number>,
) {
  const free = availableForItem(item.components, available(item));
  const result = applyStockFormula(free, item.formula);
  return {
    warehouseCodes: await warehouseCodes(db, warehouseIds),
    sendOnceAfterReceipt: item.sendOnceAfterReceipt ?? false,
    awaitingReceipt: item.awaitingReceipt ?? false,
    steps: result.steps,
    quantity: result.quantity,
  };
}
