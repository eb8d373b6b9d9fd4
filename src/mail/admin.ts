// What a merchant manages for mail intake: the store's inbox (address, stock mode, default methods), its
// templates (checked when saved), "test this template against a pasted mail", and the received mails.
import { and, asc, count, desc, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/connection.ts";
import { getStore } from "../db/repositories/scope.ts";
import { mailInboxes, mailMessageStatuses, mailMessages, mailTemplates } from "../db/schema.ts";
import { conflict, invalid, notFound } from "../domain/errors.ts";
import { parseInput } from "../domain/parse.ts";
import { type DecodedMail, decodeMail } from "./decode.ts";
import { normalizeAddress, toOrderInput } from "./intake.ts";
import {
  appliesTo,
  type CompiledTemplate,
  compileTemplate,
  ExtractionError,
  extractOrder,
  TemplateError,
} from "./template.ts";

// ---- inbox ----------------------------------------------------------------------------------------------

export const inboxInput = z.object({
  address: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, "must be a mail address such as orders+shop1@mail.example.jp"),
  stockMode: z
    .enum(["reserve", "consume"])
    .default("reserve")
    .describe(
      "reserve: a normal order (引当, shipment slip); consume: stock only (在庫のみ), no shipment slip",
    ),
  defaultPaymentMethod: z.string().trim().min(1).nullable().default(null),
  defaultDeliveryMethod: z.string().trim().min(1).nullable().default(null),
  enabled: z.boolean().default(true),
});

export async function getInbox(db: Db, organizationId: number, storeId: number) {
  await getStore(db, organizationId, storeId);
  const [inbox] = await db.select().from(mailInboxes).where(eq(mailInboxes.storeId, storeId));
  if (!inbox) throw notFound(`the mail inbox of store ${storeId}`, "storeId");
  return inbox;
}

export async function listInboxes(db: Db, organizationId: number) {
  return db
    .select()
    .from(mailInboxes)
    .where(eq(mailInboxes.organizationId, organizationId))
    .orderBy(asc(mailInboxes.storeId));
}

export async function setInbox(
  db: Db,
  organizationId: number,
  storeId: number,
  input: z.input<typeof inboxInput>,
) {
  const data = parseInput(inboxInput, input);
  await getStore(db, organizationId, storeId);
  const [taken] = await db
    .select({ storeId: mailInboxes.storeId })
    .from(mailInboxes)
    .where(and(eq(mailInboxes.address, normalizeAddress(data.address)), ne(mailInboxes.storeId, storeId)));
  if (taken) throw conflict("address_taken", `${data.address} is already another store's inbox`, "address");
  const [row] = await db
    .insert(mailInboxes)
    .values({ storeId, organizationId, ...data })
    .onConflictDoUpdate({ target: mailInboxes.storeId, set: { ...data, updatedAt: sql`now()` } })
    .returning();
  return row as typeof mailInboxes.$inferSelect;
}

// ---- templates ------------------------------------------------------------------------------------------

export const templateInput = z.object({
  name: z.string().trim().min(1, "is required").max(100),
  body: z.string().min(1, "is required").describe("The template text (docs/mail.md documents the syntax)"),
  position: z.number().int().default(0).describe("Templates are tried by position, then by id"),
  active: z.boolean().default(true),
});
export const templateUpdate = templateInput.partial();

/** A template that does not compile is refused, naming the template line. */
function checkTemplate(body: string): void {
  try {
    compileTemplate(body);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw invalid("invalid_template", error.message, "body", {
      issues: [{ field: "body", message: error.message }],
      line: error.line,
    });
  }
}

export async function listTemplates(db: Db, organizationId: number, storeId: number) {
  await getStore(db, organizationId, storeId);
  return db
    .select()
    .from(mailTemplates)
    .where(eq(mailTemplates.storeId, storeId))
    .orderBy(asc(mailTemplates.position), asc(mailTemplates.id));
}

export async function getTemplate(db: Db, organizationId: number, storeId: number, templateId: number) {
  const [row] = await db
    .select()
    .from(mailTemplates)
    .where(
      and(
        eq(mailTemplates.id, templateId),
        eq(mailTemplates.storeId, storeId),
        eq(mailTemplates.organizationId, organizationId),
      ),
    );
  if (!row) throw notFound(`mail template ${templateId}`, "templateId");
  return row;
}

export async function createTemplate(
  db: Db,
  organizationId: number,
  storeId: number,
  input: z.input<typeof templateInput>,
) {
  const data = parseInput(templateInput, input);
  await getStore(db, organizationId, storeId);
  checkTemplate(data.body);
  const [row] = await db
    .insert(mailTemplates)
    .values({ organizationId, storeId, ...data })
    .returning();
  return row as typeof mailTemplates.$inferSelect;
}

export async function updateTemplate(
  db: Db,
  organizationId: number,
  storeId: number,
  templateId: number,
  input: z.input<typeof templateUpdate>,
) {
  const data = parseInput(templateUpdate, input);
  await getTemplate(db, organizationId, storeId, templateId);
  if (data.body !== undefined) checkTemplate(data.body);
  const [row] = await db
    .update(mailTemplates)
    .set({ ...data, updatedAt: sql`now()` })
    .where(eq(mailTemplates.id, templateId))
    .returning();
  return row as typeof mailTemplates.$inferSelect;
}

export async function deleteTemplate(db: Db, organizationId: number, storeId: number, templateId: number) {
  await getTemplate(db, organizationId, storeId, templateId);
  await db.delete(mailTemplates).where(eq(mailTemplates.id, templateId));
}

// ---- "test this template against a pasted mail" -----------------------------------------------------------

export const templateTestInput = z
  .object({
    template: z.string().optional().describe("A template text to try; or give templateId"),
    templateId: z.number().int().positive().optional(),
    mail: z.string().min(1, "is required").describe("The mail: its text as pasted, or its whole source"),
    format: z
      .enum(["text", "source"])
      .default("text")
      .describe("text: the body as pasted; source: the whole message with headers (decoded first)"),
    subject: z.string().default("").describe("For format text: the subject, checked against `subject`"),
  })
  .refine((v) => v.template !== undefined || v.templateId !== undefined, {
    message: "give template or templateId",
    path: ["template"],
  });

export type TemplateTestResult =
  | { ok: true; applies: boolean; subject: string; extracted: unknown; order: unknown }
  | {
      ok: false;
      applies: boolean;
      subject: string;
      error: { stage: "template" | "mail"; code: string; message: string; line: number | null };
    };

export async function testTemplate(
  db: Db,
  organizationId: number,
  storeId: number,
  input: z.input<typeof templateTestInput>,
): Promise<TemplateTestResult> {
  const data = parseInput(templateTestInput, input);
  await getStore(db, organizationId, storeId);
  const body =
    data.template ?? (await getTemplate(db, organizationId, storeId, data.templateId as number)).body;
  const decoded: DecodedMail =
    data.format === "source"
      ? await decodeMail(Buffer.from(data.mail, "utf8"))
      : { subject: data.subject, from: null, messageId: null, date: null, text: data.mail };
  let compiled: CompiledTemplate;
  try {
    compiled = compileTemplate(body);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return {
      ok: false,
      applies: false,
      subject: decoded.subject,
      error: { stage: "template", code: "invalid_template", message: error.message, line: error.line },
    };
  }
  const applies = appliesTo(compiled, decoded.subject);
  try {
    const extracted = extractOrder(compiled, decoded.text);
    const [inbox] = await db.select().from(mailInboxes).where(eq(mailInboxes.storeId, storeId));
    const order = toOrderInput(
      extracted,
      inbox ?? {
        storeId,
        organizationId,
        address: "",
        stockMode: "reserve",
        defaultPaymentMethod: null,
        defaultDeliveryMethod: null,
        enabled: true,
        createdAt: new Date(),
        updatedAt: new Date(),
      },
      decoded,
    );
    const { raw: _raw, ...shown } = order;
    return { ok: true, applies, subject: decoded.subject, extracted, order: shown };
  } catch (error) {
    if (!(error instanceof ExtractionError)) throw error;
    return {
      ok: false,
      applies,
      subject: decoded.subject,
      error: { stage: "mail", code: error.code, message: error.message, line: error.line },
    };
  }
}

// ---- received mails -------------------------------------------------------------------------------------

export const mailListQuery = z.object({
  storeId: z.coerce.number().int().positive().optional(),
  status: z.enum(mailMessageStatuses).optional(),
  review: z
    .enum(["true", "false"])
    .optional()
    .describe("true: only held and failed mails, the ones to review"),
});

const listColumns = {
  id: mailMessages.id,
  storeId: mailMessages.storeId,
  recipient: mailMessages.recipient,
  sender: mailMessages.sender,
  messageId: mailMessages.messageId,
  subject: mailMessages.subject,
  status: mailMessages.status,
  reasonCode: mailMessages.reasonCode,
  reason: mailMessages.reason,
  reasonLine: mailMessages.reasonLine,
  templateId: mailMessages.templateId,
  orderCode: mailMessages.orderCode,
  orderId: mailMessages.orderId,
  receivedAt: mailMessages.receivedAt,
  processedAt: mailMessages.processedAt,
};

export async function listMails(
  db: Db,
  organizationId: number,
  query: z.infer<typeof mailListQuery> & { limit: number; offset: number },
) {
  const where = and(
    eq(mailMessages.organizationId, organizationId),
    query.storeId ? eq(mailMessages.storeId, query.storeId) : undefined,
    query.status ? eq(mailMessages.status, query.status) : undefined,
    query.review === "true" ? sql`${mailMessages.status} IN ('held', 'failed')` : undefined,
  );
  const rows = await db
    .select(listColumns)
    .from(mailMessages)
    .where(where)
    .orderBy(desc(mailMessages.id))
    .limit(query.limit)
    .offset(query.offset);
  const [total] = await db.select({ n: count() }).from(mailMessages).where(where);
  return { rows, total: total?.n ?? 0 };
}

export async function getMail(db: Db, organizationId: number, mailId: number) {
  const [row] = await db
    .select({ ...listColumns, text: mailMessages.text, extracted: mailMessages.extracted })
    .from(mailMessages)
    .where(and(eq(mailMessages.id, mailId), eq(mailMessages.organizationId, organizationId)));
  if (!row) throw notFound(`mail ${mailId}`, "mailId");
  return row;
}
