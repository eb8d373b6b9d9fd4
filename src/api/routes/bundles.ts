// Bundle candidates (同梱候補): list (urgent ones before the shipping cut-off too), read, bundle
// (同梱を実行), do not bundle (同梱しない); and the organization's shipping settings.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { bundleCandidateDetail, listBundleCandidates } from "../../db/repositories/queries/bundles.ts";
import { bundleCandidateStatuses } from "../../db/schema.ts";
import { urgentIfCreatedBy } from "../../domain/bundling.ts";
import { notFound } from "../../domain/errors.ts";
import { orderStatuses, shipmentStatuses } from "../../domain/statuses.ts";
import { loadShipmentSettings } from "../../operations/bundle-lookup.ts";
import { dismissCandidate, executeBundle } from "../../operations/bundling.ts";
import { setShipmentSettings, shipmentSettingsInput } from "../../operations/shipment-settings.ts";
import {
  bearerSecurity,
  idSchema,
  merchantParams,
  page,
  pageOf,
  pagingQuery,
  paramsWith,
} from "../schemas.ts";

const member = z.object({
  orderId: z.number().int(),
  orderCode: z.string(),
  storeId: z.number().int(),
  status: z.enum(orderStatuses),
  orderedAt: z.date(),
  deliveryAddress: z.record(z.string(), z.unknown()).describe("As received"),
  deliveryMethodCode: z.string().nullable(),
  deliveryMethodReceived: z.string().nullable(),
  paymentMethodCode: z.string().nullable(),
  requestedDate: z.string().nullable(),
  timeSlot: z.string().nullable(),
  total: z.number().int(),
  shipmentId: z.number().int().nullable(),
  shipmentCode: z.string().nullable(),
  shipmentStatus: z.enum(shipmentStatuses).nullable(),
});

const candidate = z.object({
  id: z.number().int(),
  status: z.enum(bundleCandidateStatuses),
  members: z.array(member),
  conflicts: z
    .object({ requestedDates: z.array(z.string()), timeSlots: z.array(z.string()) })
    .describe("Requested delivery dates / time slots that differ between the members (empty: none)"),
  deadline: z.date().nullable().describe("The shipping cut-off this candidate should be decided by"),
  urgent: z.boolean().describe("Undecided and the cut-off is near (or passed)"),
  overdue: z.boolean(),
  shipmentId: z.number().int().nullable().describe("The bundled slip, once bundled"),
  shipmentCode: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const settings = z.object({
  cutoffTime: z.string().nullable(),
  urgentMinutes: z.number().int(),
  crossStoreBundling: z.boolean(),
  nonBundlablePaymentPairs: z.array(z.tuple([z.string(), z.string()])),
});

const candidateParams = paramsWith({ candidateId: idSchema });

export const bundleRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["bundling"], security: bearerSecurity };

  const urgencyFor = async (organizationId: number) => {
    const s = await loadShipmentSettings(db, organizationId);
    return { now: new Date(), cutoffTime: s.cutoffTime, urgentMinutes: s.urgentMinutes };
  };
  const detail = async (organizationId: number, candidateId: number) => {
    const found = await bundleCandidateDetail(
      db,
      organizationId,
      candidateId,
      await urgencyFor(organizationId),
    );
    if (!found) throw notFound(`bundle candidate ${candidateId}`, "candidateId");
    return found;
  };

  app.get(
    "/bundle-candidates",
    {
      schema: {
        ...doc,
        summary:
          "List bundle candidates (同梱候補), oldest first; urgent=true lists those to decide before the cut-off",
        params: merchantParams,
        querystring: pagingQuery.extend({
          status: z.enum(bundleCandidateStatuses).default("open"),
          urgent: z
            .enum(["true", "false"])
            .transform((value) => value === "true")
            .optional()
            .describe("Only undecided candidates whose cut-off (出荷依頼の締め時間) is near or passed"),
          orderId: idSchema.optional().describe("Candidates this order is a member of"),
        }),
        response: { 200: pageOf(candidate) },
      },
    },
    async (request) => {
      const { organizationId } = request;
      const { status, urgent, orderId } = request.query;
      const urgency = await urgencyFor(organizationId);
      if (urgent && (!urgency.cutoffTime || status !== "open"))
        return page(request.query, { rows: [], total: 0 });
      const createdBy =
        urgent && urgency.cutoffTime
          ? urgentIfCreatedBy(urgency.now, urgency.cutoffTime, urgency.urgentMinutes)
          : undefined;
      return page(
        request.query,
        await listBundleCandidates(
          db,
          organizationId,
          { status, createdBy, orderId },
          request.query,
          urgency,
        ),
      );
    },
  );

  app.get(
    "/bundle-candidates/:candidateId",
    {
      schema: {
        ...doc,
        summary: "One bundle candidate with its members, their slips and conflicts",
        params: candidateParams,
        response: { 200: candidate },
      },
    },
    async (request) => detail(request.organizationId, request.params.candidateId),
  );

  app.post(
    "/bundle-candidates/:candidateId/bundle",
    {
      schema: {
        ...doc,
        summary:
          "Bundle (同梱を実行): the members' slips merge into one shipment slip with one shipment code",
        params: candidateParams,
        response: { 200: candidate },
      },
    },
    async (request) => {
      const { organizationId, actor } = request;
      await executeBundle(db, { organizationId, candidateId: request.params.candidateId, actor });
      return detail(organizationId, request.params.candidateId);
    },
  );

  app.post(
    "/bundle-candidates/:candidateId/dismiss",
    {
      schema: {
        ...doc,
        summary:
          "Do not bundle (同梱しない): the locks are released and these orders are not proposed together again",
        params: candidateParams,
        response: { 200: candidate },
      },
    },
    async (request) => {
      const { organizationId, actor } = request;
      await dismissCandidate(db, { organizationId, candidateId: request.params.candidateId, actor });
      return detail(organizationId, request.params.candidateId);
    },
  );

  app.get(
    "/shipment-settings",
    {
      schema: {
        ...doc,
        summary: "The shipping cut-off and the bundling rules of the organization",
        params: merchantParams,
        response: { 200: settings },
      },
    },
    async (request) => loadShipmentSettings(db, request.organizationId),
  );

  app.put(
    "/shipment-settings",
    {
      schema: {
        ...doc,
        summary: "Set the shipping cut-off (出荷依頼の締め時間) and the bundling rules",
        params: merchantParams,
        body: shipmentSettingsInput,
        response: { 200: settings },
      },
    },
    async (request) => setShipmentSettings(db, request.organizationId, request.body),
  );
};
