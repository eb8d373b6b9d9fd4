// Shipment slips (出荷伝票): list, read, start picking, return to waiting, ship with a tracking number.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { listShipments, shipmentDetail } from "../../db/repositories/queries/shipments.ts";
import { notFound } from "../../domain/errors.ts";
import { shipmentStatuses } from "../../domain/statuses.ts";
import { returnShipmentToWaiting, shipShipment, startShipmentWork } from "../../operations/shipping.ts";
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

export const shipmentRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["shipments"], security: bearerSecurity };

  const detail = async (organizationId: number, shipmentId: number) => {
    const found = await shipmentDetail(db, organizationId, shipmentId);
    if (!found) throw notFound(`shipment ${shipmentId}`, "shipmentId");
    return found;
  };

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
        summary: "Start picking (出荷作業中): the order can no longer change or be cancelled",
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
