// Mail intake (メール受注): a store's inbox, its templates, "test this template against a pasted mail", and
// the mails received (held and failed ones to review, with the reason and the line).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { mailMessageStatuses } from "../../db/schema.ts";
import {
  createTemplate,
  deleteTemplate,
  getInbox,
  getMail,
  getTemplate,
  inboxInput,
  listInboxes,
  listMails,
  listTemplates,
  mailListQuery,
  setInbox,
  templateInput,
  templateTestInput,
  templateUpdate,
  testTemplate,
  updateTemplate,
} from "../../mail/admin.ts";
import { reprocessMail } from "../../mail/intake.ts";
import {
  bearerSecurity,
  idSchema,
  merchantParams,
  page,
  pageOf,
  pagingQuery,
  paramsWith,
} from "../schemas.ts";

const storeParams = paramsWith({ storeId: idSchema });
const templateParams = paramsWith({ storeId: idSchema, templateId: idSchema });
const mailParams = paramsWith({ mailId: idSchema });

const inboxSchema = z.object({
  storeId: z.number().int(),
  address: z.string(),
  stockMode: z.enum(["reserve", "consume"]),
  defaultPaymentMethod: z.string().nullable(),
  defaultDeliveryMethod: z.string().nullable(),
  enabled: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const templateSchema = z.object({
  id: z.number().int(),
  storeId: z.number().int(),
  name: z.string(),
  body: z.string(),
  position: z.number().int(),
  active: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const mailSummarySchema = z.object({
  id: z.number().int(),
  storeId: z.number().int(),
  recipient: z.string(),
  sender: z.string().nullable(),
  messageId: z.string().nullable(),
  subject: z.string().nullable(),
  status: z.enum(mailMessageStatuses),
  reasonCode: z.string().nullable(),
  reason: z.string().nullable(),
  reasonLine: z.number().int().nullable().describe("The mail line (1-based) the template failed on"),
  templateId: z.number().int().nullable(),
  orderCode: z.string().nullable(),
  orderId: z.number().int().nullable(),
  receivedAt: z.date(),
  processedAt: z.date().nullable(),
});

const mailSchema = mailSummarySchema.extend({
  text: z.string(),
  extracted: z.record(z.string(), z.unknown()).nullable(),
});

const outcomeSchema = z.object({
  mailId: z.number().int(),
  status: z.enum(mailMessageStatuses),
  reason: z.string().nullable(),
  reasonLine: z.number().int().nullable(),
  orderCode: z.string().nullable(),
  orderId: z.number().int().nullable(),
});

const testResultSchema = z.object({
  ok: z.boolean(),
  applies: z.boolean().describe("Whether the template's subject rule accepts the mail's subject"),
  subject: z.string(),
  extracted: z.unknown().optional().describe("What the template read"),
  order: z.unknown().optional().describe("The order that would be registered"),
  error: z
    .object({
      stage: z.enum(["template", "mail"]),
      code: z.string(),
      message: z.string(),
      line: z.number().int().nullable().describe("The template's line (stage template) or the mail's"),
    })
    .optional(),
});

export const mailRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["mail"], security: bearerSecurity };

  app.get(
    "/mail/inboxes",
    {
      schema: {
        ...doc,
        summary: "Every store's mail inbox",
        params: merchantParams,
        response: { 200: z.object({ data: z.array(inboxSchema) }) },
      },
    },
    async (request) => ({ data: await listInboxes(db, request.organizationId) }),
  );

  app.get(
    "/stores/:storeId/mail-inbox",
    {
      schema: {
        ...doc,
        summary: "The store's mail inbox: address, stock mode, default methods",
        params: storeParams,
        response: { 200: inboxSchema },
      },
    },
    async (request) => getInbox(db, request.organizationId, request.params.storeId),
  );

  app.put(
    "/stores/:storeId/mail-inbox",
    {
      schema: {
        ...doc,
        summary: "Set the store's mail inbox (the address order mails are forwarded to)",
        params: storeParams,
        body: inboxInput,
        response: { 200: inboxSchema },
      },
    },
    async (request) => setInbox(db, request.organizationId, request.params.storeId, request.body),
  );

  app.get(
    "/stores/:storeId/mail-templates",
    {
      schema: {
        ...doc,
        summary: "The store's mail templates, in the order they are tried",
        params: storeParams,
        response: { 200: z.object({ data: z.array(templateSchema) }) },
      },
    },
    async (request) => ({ data: await listTemplates(db, request.organizationId, request.params.storeId) }),
  );

  app.post(
    "/stores/:storeId/mail-templates",
    {
      schema: {
        ...doc,
        summary: "Add a mail template (refused with the template line when it does not compile)",
        params: storeParams,
        body: templateInput,
        response: { 201: templateSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createTemplate(db, request.organizationId, request.params.storeId, request.body)),
  );

  app.get(
    "/stores/:storeId/mail-templates/:templateId",
    {
      schema: {
        ...doc,
        summary: "One mail template",
        params: templateParams,
        response: { 200: templateSchema },
      },
    },
    async (request) =>
      getTemplate(db, request.organizationId, request.params.storeId, request.params.templateId),
  );

  app.patch(
    "/stores/:storeId/mail-templates/:templateId",
    {
      schema: {
        ...doc,
        summary: "Change a mail template",
        params: templateParams,
        body: templateUpdate,
        response: { 200: templateSchema },
      },
    },
    async (request) =>
      updateTemplate(
        db,
        request.organizationId,
        request.params.storeId,
        request.params.templateId,
        request.body,
      ),
  );

  app.delete(
    "/stores/:storeId/mail-templates/:templateId",
    { schema: { ...doc, summary: "Delete a mail template", params: templateParams } },
    async (request, reply) => {
      await deleteTemplate(db, request.organizationId, request.params.storeId, request.params.templateId);
      return reply.status(204).send();
    },
  );

  app.post(
    "/stores/:storeId/mail-templates/test",
    {
      schema: {
        ...doc,
        summary: "Test a template against a pasted mail: what it extracts, or where it fails",
        params: storeParams,
        body: templateTestInput,
        response: { 200: testResultSchema },
      },
    },
    async (request) => testTemplate(db, request.organizationId, request.params.storeId, request.body),
  );

  app.get(
    "/mail/messages",
    {
      schema: {
        ...doc,
        summary: "Mails received, newest first; review=true lists the held and failed ones",
        params: merchantParams,
        querystring: pagingQuery.extend(mailListQuery.shape),
        response: { 200: pageOf(mailSummarySchema) },
      },
    },
    async (request) => {
      const { page: pageNo, limit, ...filters } = request.query;
      const result = await listMails(db, request.organizationId, {
        ...filters,
        limit,
        offset: (pageNo - 1) * limit,
      });
      return page(request.query, result);
    },
  );

  app.get(
    "/mail/messages/:mailId",
    {
      schema: {
        ...doc,
        summary: "One received mail with its decoded text and what was extracted",
        params: mailParams,
        response: { 200: mailSchema },
      },
    },
    async (request) => getMail(db, request.organizationId, request.params.mailId),
  );

  app.post(
    "/mail/messages/:mailId/reprocess",
    {
      schema: {
        ...doc,
        summary: "Read a received mail again with the store's current templates (after fixing one)",
        params: mailParams,
        response: { 200: outcomeSchema },
      },
    },
    async (request) => reprocessMail(db, request.organizationId, request.params.mailId),
  );
};
