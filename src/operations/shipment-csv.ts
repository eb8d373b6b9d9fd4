// Shipping by file: the picking list (ピッキングリスト) as CSV, and shipping many slips from an uploaded
// CSV of shipment code, carrier, tracking number and ship date, in UTF-8 or Shift_JIS (Windows-31J, as Excel
// writes it; detected when not given). Every row is checked first: a malformed file ships nothing; then each
// row ships in its own transaction and the answer says, row by row, what was shipped and what was refused.
import { stringify } from "csv-stringify/sync";
import { and, eq, inArray } from "drizzle-orm";
import iconv from "iconv-lite";
import type { Db } from "../db/connection.ts";
import type { PickingList } from "../db/repositories/queries/shipment-work.ts";
import { shipments } from "../db/schema.ts";
import { DomainError, invalid } from "../domain/errors.ts";
import {
  type CsvEncoding,
  type CsvRowError,
  decodeCsv,
  fileError,
  parseRecords,
} from "./correspondence-csv.ts";
import { shipShipment } from "./shipping.ts";

const shiftJis = "cp932";

export const pickingListColumns = [
  "shipment_code",
  "order_codes",
  "recipient_name",
  "product_code",
  "product_name",
  "quantity",
] as const;

export function pickingListCsv(list: PickingList, encoding: CsvEncoding): Buffer {
  const records = list.shipments.flatMap((slip) =>
    slip.lines.map((line) => [
      slip.code,
      slip.orderCodes.join(" "),
      slip.recipientName,
      line.productCode,
      line.productName,
      String(line.quantity),
    ]),
  );
  const text = stringify(records, {
    header: true,
    columns: [...pickingListColumns],
    record_delimiter: "windows",
  });
  return encoding === "utf-8" ? Buffer.from(text, "utf8") : iconv.encode(text, shiftJis);
}

/** The columns of a shipping file; Japanese headers as the incumbents' exports name them are accepted too. */
const shipColumns = {
  shipment_code: ["shipment_code", "出荷管理コード", "出荷伝票番号"],
  carrier: ["carrier", "配送業者", "運送会社"],
  tracking_number: ["tracking_number", "送り状番号", "配送伝票番号", "伝票番号"],
  shipped_on: ["shipped_on", "出荷日", "発送日"],
} as const;
type ShipColumn = keyof typeof shipColumns;

export interface ShipCsvRow {
  row: number;
  shipmentCode: string;
  shipmentId: number | null;
  outcome: "shipped" | "refused";
  error?: { code: string; message: string };
}

function columnsOf(header: string[] | undefined): Map<ShipColumn, number> {
  const names = (header ?? []).map((name) => name.trim().toLowerCase());
  const columns = new Map<ShipColumn, number>();
  for (const [column, aliases] of Object.entries(shipColumns) as Array<[ShipColumn, readonly string[]]>) {
    const index = names.findIndex((name) => aliases.includes(name));
    if (index < 0) {
      fileError(`the header row lacks ${column} (${aliases.slice(1).join(" / ")})`, "header");
    }
    columns.set(column, index);
  }
  return columns;
}

/** 2026-11-02 or 2026/11/02 (as spreadsheets write it) → 2026-11-02, if it is a real day. */
function isoDay(text: string): string | null {
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text);
  if (!match) return null;
  const iso = `${match[1]}-${match[2]?.padStart(2, "0")}-${match[3]?.padStart(2, "0")}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) ? iso : null;
}

export async function shipByCsv(
  db: Db,
  organizationId: number,
  bytes: Buffer,
  encoding: CsvEncoding | undefined,
  actor: string,
) {
  const records = parseRecords(decodeCsv(bytes, encoding));
  const columns = columnsOf(records[0]);
  const errors: CsvRowError[] = [];
  const wanted: Array<{
    row: number;
    code: string;
    carrier: string;
    trackingNumber: string;
    shippedOn: string;
  }> = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((record, index) => {
    if (record.every((field) => field.trim() === "")) return;
    const row = index + 2;
    const field = (column: ShipColumn) => (record[columns.get(column) ?? -1] ?? "").trim();
    const fail = (column: ShipColumn, message: string) => errors.push({ row, column, message });
    const code = field("shipment_code");
    const carrier = field("carrier");
    const trackingNumber = field("tracking_number");
    const shippedOn = isoDay(field("shipped_on"));
    if (!code) fail("shipment_code", "is required");
    else if (seen.has(code)) fail("shipment_code", `shipment ${code} is already in row ${seen.get(code)}`);
    else seen.set(code, row);
    if (!carrier) fail("carrier", "is required");
    if (!trackingNumber) fail("tracking_number", "is required");
    if (!shippedOn) fail("shipped_on", `must be a date as YYYY-MM-DD (got "${field("shipped_on")}")`);
    wanted.push({ row, code, carrier, trackingNumber, shippedOn: shippedOn ?? "" });
  });
  const codes = wanted.map((w) => w.code).filter((code) => code !== "");
  const known = new Map<string, number>();
  if (codes.length > 0) {
    const rows = await db
      .select({ id: shipments.id, code: shipments.code })
      .from(shipments)
      .where(and(eq(shipments.organizationId, organizationId), inArray(shipments.code, codes)));
    for (const r of rows) known.set(r.code, r.id);
  }
  for (const w of wanted) {
    if (w.code && !known.has(w.code)) {
      errors.push({ row: w.row, column: "shipment_code", message: `shipment ${w.code} does not exist` });
    }
  }
  if (wanted.length === 0 && errors.length === 0) fileError("the file has no rows to ship", "file");
  if (errors.length > 0) {
    errors.sort((a, b) => a.row - b.row);
    const first = errors[0] as CsvRowError;
    throw invalid(
      "csv_invalid",
      `${errors.length} error(s) in the file, the first in row ${first.row} (${first.column}): ${first.message}; nothing was shipped`,
      first.column,
      { rows: errors },
    );
  }

  const results: ShipCsvRow[] = [];
  for (const w of wanted) {
    const shipmentId = known.get(w.code) ?? null;
    try {
      await shipShipment(db, {
        organizationId,
        shipmentId: shipmentId as number,
        carrier: w.carrier,
        trackingNumber: w.trackingNumber,
        shippedOn: w.shippedOn,
        actor,
      });
      results.push({ row: w.row, shipmentCode: w.code, shipmentId, outcome: "shipped" });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      results.push({
        row: w.row,
        shipmentCode: w.code,
        shipmentId,
        outcome: "refused",
        error: { code: error.code, message: error.message },
      });
    }
  }
  return {
    rows: results.length,
    shipped: results.filter((r) => r.outcome === "shipped").length,
    refused: results.filter((r) => r.outcome === "refused").length,
    results,
  };
}
