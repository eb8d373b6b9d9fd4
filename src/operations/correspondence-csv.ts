// The product correspondence table (商品対応表) as CSV, in UTF-8 or Shift_JIS (Windows-31J, as Excel
// writes it). One row per component: a set is several rows with the same item_code / option_code.
// An import checks every row first and imports nothing unless all are good.
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import iconv from "iconv-lite";
import { type Db, inTransaction } from "../db/connection.ts";
import {
  allCorrespondences,
  correspondenceKeys,
  productIdsByCode,
} from "../db/repositories/queries/correspondences.ts";
import { getStore } from "../db/repositories/scope.ts";
import { invalid } from "../domain/errors.ts";
import { productCodeSchema } from "../domain/master-inputs.ts";
import { correspondenceKey } from "../domain/order-mapping.ts";
import { setCorrespondence } from "./masters.ts";

export const csvEncodings = ["utf-8", "shift_jis"] as const;
export type CsvEncoding = (typeof csvEncodings)[number];

export const correspondenceColumns = [
  "item_code",
  "option_code",
  "product_code",
  "quantity",
  "unlimited_stock",
] as const;
type Column = (typeof correspondenceColumns)[number];

/** What Japanese spreadsheets call Shift_JIS is Microsoft's superset (①, ㈱, 髙 …). */
const shiftJis = "cp932";

export interface CsvRowError {
  /** 1-based, the header being row 1, as a spreadsheet numbers it. */
  row: number;
  column: string;
  message: string;
}

export async function exportCorrespondencesCsv(
  db: Db,
  organizationId: number,
  storeId: number,
  encoding: CsvEncoding,
): Promise<Buffer> {
  await getStore(db, organizationId, storeId);
  const entries = await allCorrespondences(db, organizationId, storeId);
  const records = entries.flatMap((entry) =>
    entry.components.map((c) => [
      entry.itemCode,
      entry.optionCode,
      c.productCode,
      String(c.quantity),
      entry.unlimitedStock ? "true" : "false",
    ]),
  );
  const text = stringify(records, {
    header: true,
    columns: [...correspondenceColumns],
    record_delimiter: "windows",
  });
  if (encoding === "utf-8") return Buffer.from(text, "utf8");
  const unencodable = entries.find((e) => !fitsShiftJis(e.itemCode + e.optionCode));
  if (unencodable) {
    throw invalid(
      "not_representable",
      `item "${unencodable.itemCode}" has characters Shift_JIS cannot hold; export it as utf-8`,
      "encoding",
    );
  }
  return iconv.encode(text, shiftJis);
}

const fitsShiftJis = (text: string) => iconv.decode(iconv.encode(text, shiftJis), shiftJis) === text;

export interface ImportResult {
  rows: number;
  entries: number;
  created: number;
  updated: number;
}

interface Group {
  itemCode: string;
  optionCode: string;
  unlimitedStock: boolean;
  firstRow: number;
  components: { productCode: string; quantity: number; row: number }[];
}

export async function importCorrespondencesCsv(
  db: Db,
  organizationId: number,
  storeId: number,
  bytes: Buffer,
  encoding: CsvEncoding,
): Promise<ImportResult> {
  await getStore(db, organizationId, storeId);
  const records = parseRecords(decodeCsv(bytes, encoding));
  const columns = headerColumns(records[0]);
  const errors: CsvRowError[] = [];
  const groups = new Map<string, Group>();
  let rowCount = 0;

  records.slice(1).forEach((record, index) => {
    if (record.every((field) => field.trim() === "")) return;
    rowCount += 1;
    readRow(record, index + 2, columns, groups, errors);
  });
  await checkProductsExist(db, organizationId, groups, errors);
  if (errors.length > 0) {
    errors.sort((a, b) => a.row - b.row);
    const first = errors[0] as CsvRowError;
    throw invalid(
      "csv_invalid",
      `${errors.length} error(s) in the file, the first in row ${first.row} (${first.column}): ${first.message}; nothing was imported`,
      first.column,
      { rows: errors },
    );
  }

  const existing = await correspondenceKeys(db, organizationId, storeId);
  await inTransaction(db, async (tx) => {
    for (const group of groups.values()) {
      await setCorrespondence(tx, organizationId, storeId, {
        itemCode: group.itemCode,
        optionCode: group.optionCode,
        unlimitedStock: group.unlimitedStock,
        components: group.components.map(({ productCode, quantity }) => ({ productCode, quantity })),
      });
    }
  });
  const created = [...groups.keys()].filter((key) => !existing.has(key)).length;
  return { rows: rowCount, entries: groups.size, created, updated: groups.size - created };
}

export function fileError(message: string, field = "file"): never {
  throw invalid("csv_invalid", message, field, { rows: [] });
}

/**
 * An uploaded CSV's text in the encoding asked for; with none asked, UTF-8, else Shift_JIS (Windows-31J, what
 * Japanese spreadsheets write). Bytes that are not UTF-8 when UTF-8 was asked for are refused.
 */
export function decodeCsv(bytes: Buffer, encoding: CsvEncoding | undefined): string {
  if (encoding === "shift_jis") return iconv.decode(bytes, shiftJis);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    if (encoding === "utf-8") {
      fileError("the file is not valid UTF-8; if it was saved as Shift_JIS, send encoding=shift_jis");
    }
    return iconv.decode(bytes, shiftJis);
  }
}

export function parseRecords(text: string): string[][] {
  try {
    const records = parse(text, { bom: true, relax_column_count: true }) as string[][];
    if (records.length === 0) fileError("the file is empty; it needs a header row", "header");
    return records;
  } catch (error) {
    if (error instanceof Error && "code" in error && String(error.code).startsWith("CSV_")) {
      fileError(`the file is not valid CSV: ${error.message}`);
    }
    throw error;
  }
}

function headerColumns(header: string[] | undefined): Map<Column, number> {
  const names = (header ?? []).map((name) => name.trim().toLowerCase());
  const missing = correspondenceColumns.filter((column) => !names.includes(column));
  if (missing.length > 0) {
    fileError(
      `the header row lacks ${missing.join(", ")}; the columns are ${correspondenceColumns.join(", ")}`,
      "header",
    );
  }
  return new Map(correspondenceColumns.map((column) => [column, names.indexOf(column)]));
}

const truthy = new Set(["true", "1", "yes", "y"]);
const falsy = new Set(["", "false", "0", "no", "n"]);

function readRow(
  record: string[],
  row: number,
  columns: Map<Column, number>,
  groups: Map<string, Group>,
  errors: CsvRowError[],
): void {
  const field = (column: Column) => (record[columns.get(column) ?? -1] ?? "").trim();
  const fail = (column: Column, message: string) => errors.push({ row, column, message });

  const itemCode = field("item_code");
  const optionCode = field("option_code");
  if (itemCode === "") fail("item_code", "is required");
  if (itemCode.length > 255) fail("item_code", "must be at most 255 characters");
  if (optionCode.length > 255) fail("option_code", "must be at most 255 characters");

  const productCode = field("product_code");
  const code = productCodeSchema.safeParse(productCode);
  if (!code.success) fail("product_code", code.error.issues[0]?.message ?? "is invalid");

  const quantityText = field("quantity");
  const quantity = Number(quantityText);
  if (!/^\d+$/.test(quantityText) || quantity < 1 || quantity > 2_147_483_647) {
    fail("quantity", `must be a whole number of at least 1 (got "${quantityText}")`);
  }

  const unlimitedText = field("unlimited_stock").toLowerCase();
  if (!truthy.has(unlimitedText) && !falsy.has(unlimitedText)) {
    fail("unlimited_stock", `must be true or false (got "${unlimitedText}")`);
  }
  const unlimitedStock = truthy.has(unlimitedText);
  if (itemCode === "") return;

  const key = correspondenceKey(itemCode, optionCode);
  const group = groups.get(key) ?? { itemCode, optionCode, unlimitedStock, firstRow: row, components: [] };
  groups.set(key, group);
  if (group.unlimitedStock !== unlimitedStock) {
    fail("unlimited_stock", `differs from row ${group.firstRow} of the same item`);
  }
  if (!code.success) return;
  const twice = group.components.find((c) => c.productCode === productCode);
  if (twice)
    fail("product_code", `product ${productCode} is already listed in row ${twice.row} for this item`);
  else group.components.push({ productCode, quantity, row });
}

async function checkProductsExist(
  db: Db,
  organizationId: number,
  groups: Map<string, Group>,
  errors: CsvRowError[],
): Promise<void> {
  const components = [...groups.values()].flatMap((g) => g.components);
  const known = await productIdsByCode(
    db,
    organizationId,
    components.map((c) => c.productCode),
  );
  for (const c of components) {
    if (!known.has(c.productCode)) {
      errors.push({ row: c.row, column: "product_code", message: `product ${c.productCode} does not exist` });
    }
  }
}
