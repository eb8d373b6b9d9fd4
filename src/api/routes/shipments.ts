// Shipment slips (出荷伝票): list, read, start picking (one or a batch, with the picking list as JSON or CSV),
// return to waiting, release a hold, ship with a tracking number (one, or many from a CSV), history.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { pickingList, shipmentHistoryOf } from "../../db/repositories/queries/shipment-work.ts";
import { listShipments, shipmentDetail } from "../../db/repositories/queries/shipments.ts";
import { notFound } from "../../domain/errors.ts";
import { shipmentStatuses } from "../../domain/statuses.ts";
import { lockingCandidate } from "../../operations/bundle-lookup.ts";
import { csvEncodings } from "../../operations/correspondence-csv.ts";
import { pickingListCsv, shipByCsv } from "../../operations/shipment-csv.ts";
import {
  releaseShipmentHold,
  returnShipmentToWaiting,
  shipShipment,
  startShipmentBatch,
  startShipmentWork,
} from "../../operations/shipping.ts";
import {
  bearerSecurity,
  idSchema,
  isoDate,
  merchantParams,
  page,
  pageOf,
  pagingQuery,
  paramsWith,
} from "../schemas.ts";
import { csvBytes, csvFile, csvLimit } from "./correspondences.ts";

const shipment = z.object({
  id: z.number().int(),
  code: z.string().describe("出荷管理コード"),
  status: z.enum(shipmentStatuses),
  storeId: z.number().int(),
  warehouseCode: z.string(),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  shippedOn: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const shipmentWithLines = shipment.extend({
  lockedByCandidateId: z
    .number()
    .int()
    .nullable()
    .describe("The undecided bundle candidate (同梱候補) that keeps this slip from starting, if any"),
  lines: z.array(
    z.object({
      orderId: z.number().int(),
      orderCode: z.string(),
      productCode: z.string(),
      productName: z.string(),
      quantity: z.number().int(),
    }),
  ),
});

const shipmentParams = paramsWith({ shipmentId: idSchema });

const pickingLine = z.object({
  productCode: z.string(),
  productName: z.string(),
  quantity: z.number().int(),
});
const pickingListSchema = z
  .object({
    shipments: z.array(
      z.object({
        shipmentId: z.number().int(),
        code: z.string(),
        status: z.enum(shipmentStatuses),
        orderCodes: z.array(z.string()),
        recipientName: z.string(),
        lines: z.array(pickingLine),
      }),
    ),
    totals: z.array(pickingLine).describe("Per product, over all the slips: what to pick"),
  })
  .describe("ピッキングリスト");

const refusal = z.object({ code: z.string(), message: z.string() });

export const encodingQuery = z.object({
  encoding: z.enum(csvEncodings).optional().describe("utf-8 (default) or shift_jis"),
});

const idList = z
  .string()
  .regex(/^\d+(,\d+)*$/, "must be shipment ids separated by commas")
  .transform((value) => value.split(",").map(Number));

/** `encoding=` wins; then the charset the client declared; else detected (UTF-8, or Shift_JIS if not). */
export function uploadEncoding(query: "utf-8" | "shift_jis" | undefined, contentType: string | undefined) {
  if (query) return query;
  const charset = /charset=["']?([\w-]+)/i.exec(contentType ?? "")?.[1]?.toLowerCase();
  if (!charset) return undefined;
  return ["shift_jis", "shift-jis", "sjis", "windows-31j", "cp932"].includes(charset) ? "shift_jis" : "utf-8";
}

export const shipmentRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["shipments"], security: bearerSecurity };

  const detail = async (organizationId: number, shipmentId: number) => {
    const found = await shipmentDetail(db, organizationId, shipmentId);
    if (!found) throw notFound(`shipment ${shipmentId}`, "shipmentId");
    const lock = await lockingCandidate(db, shipmentId);
    return { ...found, lockedByCandidateId: lock?.candidateId ?? null };
  };

  app.addContentTypeParser(
    ["text/csv", "application/octet-stream"],
    { parseAs: "buffer", bodyLimit: csvLimit },
    (_request, body, done) => done(null, body),
  );

  app.post(
    "/shipments/start",
    {
      schema: {
        ...doc,
        summary:
          "Start work (出荷作業中) on a batch of slips; answers what started, what was refused and why, and the picking list",
        params: merchantParams,
        body: z.object({
          shipmentIds: z
            .array(idSchema)
            .min(1, "needs at least one shipment")
            .max(1000, "at most 1000 at once"),
        }),
        response: {
          200: z.object({
            started: z.array(z.object({ shipmentId: z.number().int(), code: z.string() })),
            refused: z.array(
              z.object({ shipmentId: z.number().int(), code: z.string().nullable(), error: refusal }),
            ),
            pickingList: pickingListSchema,
          }),
        },
      },
    },
    async (request) => {
      const { organizationId, actor } = request;
      const result = await startShipmentBatch(db, organizationId, request.body.shipmentIds, actor);
      const list = await pickingList(
        db,
        organizationId,
        result.started.map((s) => s.shipmentId),
      );
      return { ...result, pickingList: list };
    },
  );

  app.get(
    "/shipments/picking-list",
    {
      schema: {
        ...doc,
        summary: "The picking list (ピッキングリスト) of these slips, as JSON or as CSV (format=csv)",
        params: merchantParams,
        querystring: encodingQuery.extend({
          shipmentIds: idList.describe("Comma-separated shipment ids"),
          format: z.enum(["json", "csv"]).default("json"),
        }),
        response: {
          200: pickingListSchema.or(csvBytes).meta({ description: "JSON, or text/csv with format=csv" }),
        },
      },
    },
    async (request, reply) => {
      const list = await pickingList(db, request.organizationId, request.query.shipmentIds);
      if (request.query.format === "json") return list;
      const encoding = request.query.encoding ?? "utf-8";
      return reply
        .header("content-type", `text/csv; charset=${encoding === "utf-8" ? "utf-8" : "Shift_JIS"}`)
        .header("content-disposition", 'attachment; filename="picking-list.csv"')
        .send(pickingListCsv(list, encoding));
    },
  );

  app.post(
    "/shipments/ship.csv",
    {
      bodyLimit: csvLimit,
      schema: {
        ...doc,
        summary:
          "Ship many slips from a CSV: shipment_code, carrier, tracking_number, shipped_on (UTF-8 or Shift_JIS)",
        description:
          "Send the file as the raw body (text/csv or application/octet-stream). Japanese headers are accepted " +
          "(出荷管理コード, 配送業者, 送り状番号, 出荷日). A malformed file or an unknown shipment code answers 422 " +
          "csv_invalid with every row error and ships nothing; otherwise each row ships on its own and the " +
          "answer lists, row by row, what was shipped and what was refused and why.",
        consumes: ["text/csv", "application/octet-stream"],
        params: merchantParams,
        querystring: encodingQuery,
        body: csvFile,
        response: {
          200: z.object({
            rows: z.number().int(),
            shipped: z.number().int(),
            refused: z.number().int(),
            results: z.array(
              z.object({
                row: z.number().int(),
                shipmentCode: z.string(),
                shipmentId: z.number().int().nullable(),
                outcome: z.enum(["shipped", "refused"]),
                error: refusal.optional(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const encoding = uploadEncoding(request.query.encoding, request.headers["content-type"]);
      return shipByCsv(db, request.organizationId, request.body, encoding, request.actor);
    },
  );

  app.get(
    "/shipments/:shipmentId/history",
    {
      schema: {
        ...doc,
        summary: "Every change of the slip: action, from and to status, who and when",
        params: shipmentParams,
        response: {
          200: z.object({
            data: z.array(
              z.object({
                id: z.number().int(),
                action: z.string(),
                fromStatus: z.string().nullable(),
                toStatus: z.string().nullable(),
                actor: z.string(),
                detail: z.record(z.string(), z.unknown()),
                createdAt: z.date(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      await detail(request.organizationId, request.params.shipmentId);
      return { data: await shipmentHistoryOf(db, request.organizationId, request.params.shipmentId) };
    },
  );

  app.post(
    "/shipments/:shipmentId/release-hold",
    {
      schema: {
        ...doc,
        summary:
          "Release a slip on hold (保留解除): back to allocated; a channel cancellation flag is cleared",
        params: shipmentParams,
        response: { 200: shipmentWithLines },
      },
    },
    async (request) => {
      const { organizationId, actor } = request;
      await releaseShipmentHold(db, organizationId, request.params.shipmentId, actor);
      return detail(organizationId, request.params.shipmentId);
    },
  );

  app.get(
    "/shipments",
    {
      schema: {
        ...doc,
        summary: "List shipment slips, newest first",
        params: merchantParams,
        querystring: pagingQuery.extend({
          status: z.enum(shipmentStatuses).optional(),
          storeId: idSchema.optional(),
        }),
        response: { 200: pageOf(shipment) },
      },
    },
    async (request) => {
      const { status, storeId } = request.query;
      return page(
        request.query,
        await listShipments(db, request.organizationId, { status, storeId }, request.query),
      );
    },
  );

  app.get(
    "/shipments/:shipmentId",
    {
      schema: {
        ...doc,
        summary: "One shipment slip with its lines (products and quantities)",
        params: shipmentParams,
        response: { 200: shipmentWithLines },
      },
    },
    async (request) => detail(request.organizationId, request.params.shipmentId),
  );

  app.post(
    "/shipments/:shipmentId/start",
    {
      schema: {
        ...doc,
        summary:
          "Start picking (出荷作業中): the order can no longer change or be cancelled; 423 while an undecided bundle candidate locks it",
        params: shipmentParams,
        response: { 200: shipmentWithLines },
      },
    },
    async (request) => {
      const { organizationId, actor } = request;
      await startShipmentWork(db, organizationId, request.params.shipmentId, actor);
      return detail(organizationId, request.params.shipmentId);
    },
  );

  app.post(
    "/shipments/:shipmentId/return",
    {
      schema: {
        ...doc,
        summary: "Return a shipment in progress to waiting (to change or cancel its order)",
        params: shipmentParams,
        response: { 200: shipmentWithLines },
      },
    },
    async (request) => {
      const { organizationId, actor } = request;
      await returnShipmentToWaiting(db, organizationId, request.params.shipmentId, actor);
      return detail(organizationId, request.params.shipmentId);
    },
  );

  app.post(
    "/shipments/:shipmentId/ship",
    {
      schema: {
        ...doc,
        summary: "Ship: record the carrier and tracking number; the reserved stock leaves the warehouse",
        params: shipmentParams,
        body: z.object({
          carrier: z.string().trim().min(1, "is required"),
          trackingNumber: z.string().trim().min(1, "is required").describe("送り状番号"),
          shippedOn: isoDate.describe("The day it left, in Japan time"),
        }),
        response: { 200: shipmentWithLines },
      },
    },
    async (request) => {
      const { organizationId, actor } = request;
      await shipShipment(db, {
        organizationId,
        shipmentId: request.params.shipmentId,
        actor,
        ...request.body,
      });
      return detail(organizationId, request.params.shipmentId);
    },
  );
};
