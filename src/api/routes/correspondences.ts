// A store's product correspondence table (商品対応表): entries, and the whole table as CSV.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { findCorrespondence, listCorrespondences } from "../../db/repositories/queries/correspondences.ts";
import { getStore } from "../../db/repositories/scope.ts";
import { correspondenceInput } from "../../domain/master-inputs.ts";
import {
  type CsvEncoding,
  csvEncodings,
  exportCorrespondencesCsv,
  importCorrespondencesCsv,
} from "../../operations/correspondence-csv.ts";
import { deleteCorrespondence } from "../../operations/correspondences.ts";
import { setCorrespondence } from "../../operations/masters.ts";
import { bearerSecurity, page, pageOf, pagingQuery } from "../schemas.ts";
import { storeParams } from "./stores.ts";

const correspondence = z.object({
  id: z.number().int(),
  itemCode: z.string(),
  optionCode: z.string(),
  unlimitedStock: z.boolean(),
  components: z.array(z.object({ productCode: z.string(), quantity: z.number().int() })),
  stockFormula: z
    .object({
      reserve: z.number().int(),
      sharePercent: z.number().int(),
      maximum: z.number().int().nullable(),
      minimum: z.number().int().nullable(),
      sendOnceAfterReceipt: z.boolean(),
      warehouseIds: z.array(z.number().int()).describe("Empty: the store's default warehouse"),
    })
    .describe("Set with PUT /stores/:storeId/stock-formulas"),
});

const itemKey = z.object({
  itemCode: z.string().trim().min(1, "is required"),
  optionCode: z.string().trim().default(""),
});

const encodingQuery = z.object({
  encoding: z
    .enum(csvEncodings)
    .optional()
    .describe("Default utf-8 (or the charset of Content-Type on import)"),
});

export const csvLimit = 20 * 1024 * 1024;

export const csvBytes = z
  .custom<Buffer>((value) => Buffer.isBuffer(value))
  .meta({ type: "string", format: "binary" });

/** The raw bytes of the uploaded file; a JSON body is refused (400), another media type too (415). */
export const csvFile = z
  .custom<Buffer>(
    (value) => Buffer.isBuffer(value),
    "must be the CSV file as text/csv or application/octet-stream",
  )
  .meta({ type: "string", format: "binary" });

/** `encoding=` wins; otherwise the charset the client declared; otherwise UTF-8. */
function encodingOf(query: CsvEncoding | undefined, contentType: string | undefined): CsvEncoding {
  if (query) return query;
  const charset = /charset=["']?([\w-]+)/i.exec(contentType ?? "")?.[1]?.toLowerCase();
  return charset && ["shift_jis", "shift-jis", "sjis", "windows-31j", "cp932"].includes(charset)
    ? "shift_jis"
    : "utf-8";
}

export const correspondenceRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["correspondences"], security: bearerSecurity, params: storeParams };

  app.addContentTypeParser(
    ["text/csv", "application/octet-stream"],
    { parseAs: "buffer", bodyLimit: csvLimit },
    (_request, body, done) => done(null, body),
  );

  app.get(
    "/stores/:storeId/correspondences",
    {
      schema: {
        ...doc,
        summary: "List the store's correspondence table, each entry with its products and quantities",
        querystring: pagingQuery.extend({ itemCode: z.string().optional() }),
        response: { 200: pageOf(correspondence) },
      },
    },
    async (request) => {
      const { organizationId } = request;
      await getStore(db, organizationId, request.params.storeId);
      const filter = { itemCode: request.query.itemCode };
      return page(
        request.query,
        await listCorrespondences(db, organizationId, request.params.storeId, filter, request.query),
      );
    },
  );

  app.put(
    "/stores/:storeId/correspondences",
    {
      schema: {
        ...doc,
        summary: "Set the entry of one channel item (and option), replacing its products",
        body: correspondenceInput,
        response: { 200: correspondence, 201: correspondence },
      },
    },
    async (request, reply) => {
      const { organizationId } = request;
      const { storeId } = request.params;
      const { itemCode, optionCode } = request.body;
      const existed = await findCorrespondence(db, organizationId, storeId, itemCode, optionCode);
      await setCorrespondence(db, organizationId, storeId, request.body);
      const saved = await findCorrespondence(db, organizationId, storeId, itemCode, optionCode);
      if (!saved) throw new Error("the correspondence vanished after saving");
      return reply.status(existed ? 200 : 201).send(saved);
    },
  );

  app.delete(
    "/stores/:storeId/correspondences",
    {
      schema: {
        ...doc,
        summary: "Delete the entry of one channel item (and option)",
        querystring: itemKey,
        response: { 204: z.undefined() },
      },
    },
    async (request, reply) => {
      await deleteCorrespondence(db, request.organizationId, request.params.storeId, request.query);
      return reply.status(204).send();
    },
  );

  app.get(
    "/stores/:storeId/correspondences.csv",
    {
      schema: {
        ...doc,
        summary: "Export the table as CSV: item_code, option_code, product_code, quantity, unlimited_stock",
        querystring: encodingQuery,
        response: {
          200: {
            description: "The CSV file (CRLF line ends, a header row)",
            content: { "text/csv": { schema: csvBytes } },
          },
        },
      },
    },
    async (request, reply) => {
      const encoding = request.query.encoding ?? "utf-8";
      const csv = await exportCorrespondencesCsv(
        db,
        request.organizationId,
        request.params.storeId,
        encoding,
      );
      return reply
        .header("content-type", `text/csv; charset=${encoding === "utf-8" ? "utf-8" : "Shift_JIS"}`)
        .header("content-disposition", `attachment; filename="correspondences-${request.params.storeId}.csv"`)
        .send(csv);
    },
  );

  app.post(
    "/stores/:storeId/correspondences/import",
    {
      bodyLimit: csvLimit,
      schema: {
        ...doc,
        summary: "Import a CSV (all rows or none): rows with the same item_code / option_code form one set",
        description:
          "Send the file as the raw body (text/csv or application/octet-stream). Every row is checked " +
          "first; any bad row answers 422 csv_invalid with every row error and imports nothing.",
        consumes: ["text/csv", "application/octet-stream"],
        body: csvFile,
        querystring: encodingQuery,
        response: {
          200: z.object({
            rows: z.number().int(),
            entries: z.number().int(),
            created: z.number().int(),
            updated: z.number().int(),
          }),
        },
      },
    },
    async (request) => {
      const encoding = encodingOf(request.query.encoding, request.headers["content-type"]);
      return importCorrespondencesCsv(
        db,
        request.organizationId,
        request.params.storeId,
        request.body,
        encoding,
      );
    },
  );
};
