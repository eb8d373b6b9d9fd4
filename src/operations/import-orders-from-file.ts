// 受注ファイル取込: an operator uploads the channel's own order export (MakeShop's 注文データ CSV, say) or a
// plain list of order codes, and Kura imports those orders from the channel by code (import-orders-by-code.ts),
// 100 at a time. Only the order-code column is read: the order itself comes from the channel's API, exactly as
// the scheduled import would have it, so a file in a format Kura does not know in full still works.
import type { Db } from "../db/connection.ts";
import type { SecretBox } from "../lib/secrets.ts";
import { type CsvEncoding, decodeCsv, fileError, parseRecords } from "./correspondence-csv.ts";
import { type ImportByCodeOutcome, importOrdersByCode } from "./import-orders-by-code.ts";

/** Headers naming the order code in the channels' and incumbents' exports, compared without case. */
export const orderCodeHeaders = [
  "注文番号",
  "受注番号",
  "受注コード",
  "ordernum",
  "order_code",
  "order_number",
];
export const maxOrderCodesPerFile = 1_000;
const perCall = 100; // what import-by-code takes at once

export interface FileImportResult {
  orderCodes: number;
  counts: Record<ImportByCodeOutcome["outcome"], number>;
  results: ImportByCodeOutcome[];
}

/**
 * The order codes of a file, in file order, each once. A file with a header names the column with one of
 * `orderCodeHeaders`; a file of one column without such a header is read as a list of codes.
 */
export function readOrderCodes(bytes: Buffer, encoding: CsvEncoding | undefined): string[] {
  const records = parseRecords(decodeCsv(bytes, encoding));
  const header = (records[0] ?? []).map((name) => name.trim().toLowerCase());
  const column = header.findIndex((name) => orderCodeHeaders.includes(name));
  const isList = column === -1 && records.every((record) => record.length === 1);
  if (column === -1 && !isList) {
    fileError(
      `no column names the order code; the header needs one of ${orderCodeHeaders.join(", ")}`,
      "header",
    );
  }
  const cells = isList
    ? records.map((record) => record[0])
    : records.slice(1).map((record) => record[column]);
  const codes = [...new Set(cells.map((cell) => (cell ?? "").trim()).filter((cell) => cell !== ""))];
  if (codes.length === 0) fileError("the file names no order code");
  if (codes.length > maxOrderCodesPerFile) {
    fileError(
      `the file names ${codes.length} order codes; at most ${maxOrderCodesPerFile} are imported at once`,
    );
  }
  return codes;
}

export async function importOrdersFromFile(
  db: Db,
  box: SecretBox,
  organizationId: number,
  storeId: number,
  file: { bytes: Buffer; encoding: CsvEncoding | undefined },
  actor = "operator",
): Promise<FileImportResult> {
  const codes = readOrderCodes(file.bytes, file.encoding);
  const results: ImportByCodeOutcome[] = [];
  for (let start = 0; start < codes.length; start += perCall) {
    const orderCodes = codes.slice(start, start + perCall);
    results.push(...(await importOrdersByCode(db, box, organizationId, storeId, { orderCodes }, actor)));
  }
  const counts = { created: 0, updated: 0, unchanged: 0, not_found: 0, failed: 0 };
  for (const result of results) counts[result.outcome] += 1;
  return { orderCodes: codes.length, counts, results };
}
