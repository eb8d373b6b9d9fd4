// メール受注: a mail received for a store's inbox becomes an order registration on that store. Every mail is
// kept with its outcome — registered, duplicate (the order code was already registered: a mail received
// twice counts once), held (registered, but held for review with the reason), or failed (unreadable or
// refused, with the reason and the mail line it failed on). Nothing is dropped.
import { and, asc, eq } from "drizzle-orm";
import { type Db, inTransaction } from "../db/connection.ts";
import { mailInboxes, mailMessages, mailTemplates, orders, stores } from "../db/schema.ts";
import { DomainError } from "../domain/errors.ts";
import type { OrderInputRaw } from "../domain/order-input.ts";
import type { HoldReason } from "../domain/order-mapping.ts";
import { registerOrder } from "../operations/register-order.ts";
import { type DecodedMail, decodeMail } from "./decode.ts";
import { absorbOwnOrder } from "./own-order.ts";
import { consumeAtRegistration } from "./stock-only.ts";
import { appliesTo, compileTemplate, type Extracted, ExtractionError, extractOrder } from "./template.ts";

export type Inbox = typeof mailInboxes.$inferSelect;
type MailMessageStatus = (typeof mailMessages.$inferInsert)["status"];

export const normalizeAddress = (address: string) => address.trim().toLowerCase();

/** The inbox an address belongs to, if it is known and enabled. */
export async function findInbox(db: Db, address: string): Promise<Inbox | undefined> {
  const [inbox] = await db
    .select()
    .from(mailInboxes)
    .where(and(eq(mailInboxes.address, normalizeAddress(address)), eq(mailInboxes.enabled, true)));
  return inbox;
}

export interface ReceivedMail {
  recipient: string;
  /** The message as received (RFC 5322). */
  source: Buffer;
  /** The SMTP envelope sender. */
  sender?: string | null;
}

export interface MailOutcome {
  mailId: number;
  status: MailMessageStatus;
  reason: string | null;
  reasonLine: number | null;
  orderCode: string | null;
  orderId: number | null;
}

interface Reading {
  status: MailMessageStatus;
  reasonCode?: string;
  reason?: string;
  reasonLine?: number | null;
  templateId?: number | null;
  extracted?: Extracted;
  orderId?: number | null;
}

/** Decodes, reads and registers one mail for one inbox; throws only when the database fails. */
export async function receiveMail(db: Db, mail: ReceivedMail): Promise<MailOutcome> {
  const inbox = await findInbox(db, mail.recipient);
  if (!inbox) throw new DomainError("not_found", "unknown_recipient", `${mail.recipient} is not an inbox`);
  let decoded: DecodedMail;
  try {
    decoded = await decodeMail(mail.source);
  } catch (error) {
    const reason = `the mail could not be decoded: ${error instanceof Error ? error.message : String(error)}`;
    decoded = { subject: "", from: null, messageId: null, date: null, text: "" };
    return record(db, inbox, mail, decoded, { status: "failed", reasonCode: "undecodable", reason });
  }
  return inTransaction(db, async (tx) => {
    const reading = await readAndRegister(tx, inbox, decoded, `mail:${inbox.storeId}`);
    return record(tx, inbox, mail, decoded, reading);
  });
}

/** Reads a stored mail again (after its template was fixed); a new outcome replaces the old one. */
export async function reprocessMail(db: Db, organizationId: number, mailId: number): Promise<MailOutcome> {
  const [message] = await db
    .select()
    .from(mailMessages)
    .where(and(eq(mailMessages.id, mailId), eq(mailMessages.organizationId, organizationId)));
  if (!message) throw new DomainError("not_found", "not_found", `mail ${mailId} was not found`, "mailId");
  if (message.status !== "failed") {
    throw new DomainError(
      "conflict",
      "not_failed",
      `mail ${mailId} is ${message.status}; only a failed mail is read again (a held order is reviewed on the order)`,
      "mailId",
    );
  }
  const [inbox] = await db.select().from(mailInboxes).where(eq(mailInboxes.storeId, message.storeId));
  if (!inbox) throw new DomainError("conflict", "no_inbox", `store ${message.storeId} has no mail inbox`);
  const decoded = await decodeMail(Buffer.from(message.source, "base64"));
  return inTransaction(db, async (tx) => {
    const reading = await readAndRegister(tx, inbox, decoded, `mail:${inbox.storeId}`);
    await tx.update(mailMessages).set(columnsOf(reading, decoded)).where(eq(mailMessages.id, message.id));
    return outcomeOf(message.id, reading);
  });
}

async function readAndRegister(tx: Db, inbox: Inbox, decoded: DecodedMail, actor: string): Promise<Reading> {
  const templates = await tx
    .select()
    .from(mailTemplates)
    .where(and(eq(mailTemplates.storeId, inbox.storeId), eq(mailTemplates.active, true)))
    .orderBy(asc(mailTemplates.position), asc(mailTemplates.id));
  const template = templates
    .flatMap((t) => {
      // Saved templates compile (they are checked when saved); one that no longer does is passed over.
      const compiled = tryCompile(t.body);
      return compiled ? [{ row: t, compiled }] : [];
    })
    .find((t) => appliesTo(t.compiled, decoded.subject));
  if (!template) {
    return {
      status: "failed",
      reasonCode: "no_template",
      reason:
        templates.length === 0
          ? "the store has no active mail template"
          : `no active template applies to the subject "${decoded.subject}"`,
    };
  }
  const templateId = template.row.id;
  let extracted: Extracted;
  try {
    extracted = extractOrder(template.compiled, decoded.text);
  } catch (error) {
    if (!(error instanceof ExtractionError)) throw error;
    return {
      status: "failed",
      reasonCode: error.code,
      reason: `template "${template.row.name}": ${error.message}`,
      reasonLine: error.line,
      templateId,
    };
  }

  const [existing] = await tx
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.storeId, inbox.storeId), eq(orders.orderCode, extracted.orderCode)));
  if (existing) {
    return {
      status: "duplicate",
      reasonCode: "already_registered",
      reason: `order ${extracted.orderCode} was already registered; this mail counts once`,
      templateId,
      extracted,
      orderId: existing.id,
    };
  }

  try {
    const result = await registerOrder(tx, {
      organizationId: inbox.organizationId,
      storeId: inbox.storeId,
      order: toOrderInput(extracted, inbox, decoded),
      actor,
      afterAllocation: inbox.stockMode === "consume" ? consumeAtRegistration(actor) : undefined,
    });
    const [store] = await tx.select().from(stores).where(eq(stores.id, inbox.storeId));
    if (store) await absorbOwnOrder(tx, store, result.orderId);
    if (result.status !== "held")
      return { status: "registered", templateId, extracted, orderId: result.orderId };
    const [order] = await tx
      .select({ holdReasons: orders.holdReasons })
      .from(orders)
      .where(eq(orders.id, result.orderId));
    const reasons: HoldReason[] = order?.holdReasons ?? [];
    return {
      status: "held",
      reasonCode: reasons[0]?.code ?? "held",
      reason: reasons.map((r) => r.message).join("; ") || "held for review",
      reasonLine: lineOfHold(reasons[0], extracted),
      templateId,
      extracted,
      orderId: result.orderId,
    };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { status: "failed", reasonCode: error.code, reason: error.message, templateId, extracted };
  }
}

function tryCompile(body: string) {
  try {
    return compileTemplate(body);
  } catch {
    return undefined;
  }
}

/** `lines[2].itemCode` → the mail line item 3 was read from. */
function lineOfHold(reason: HoldReason | undefined, extracted: Extracted): number | null {
  const index = reason?.field.match(/^lines\[(\d+)\]/)?.[1];
  return index === undefined ? null : (extracted.items[Number(index)]?.line ?? null);
}

/** What the template read, as an order the way a channel hands it to Kura. */
export function toOrderInput(extracted: Extracted, inbox: Inbox, decoded: DecodedMail): OrderInputRaw {
  const person = {
    name: extracted.buyerName ?? "メール注文のお客様",
    email: extracted.buyerEmail,
    phone: extracted.buyerPhone,
    postalCode: extracted.postalCode,
    address1: extracted.address,
  };
  const lines = extracted.items.map((item) => ({
    itemCode: item.code,
    optionCode: item.optionCode,
    name: item.name ?? item.code,
    quantity: item.quantity,
    unitPrice: item.unitPrice ?? 0,
  }));
  const itemsTotal = lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
  const subtotal = extracted.subtotal ?? itemsTotal;
  const shippingFee = extracted.shippingFee ?? 0;
  return {
    orderCode: extracted.orderCode,
    orderedAt: extracted.orderedAt ?? (decoded.date ?? new Date()).toISOString(),
    buyer: person,
    deliveryAddresses: [person],
    paymentMethod: extracted.paymentMethod ?? inbox.defaultPaymentMethod ?? undefined,
    deliveryMethod: extracted.deliveryMethod ?? inbox.defaultDeliveryMethod ?? undefined,
    lines,
    amounts: { subtotal, shippingFee, total: extracted.total ?? subtotal + shippingFee },
    raw: { source: "mail", subject: decoded.subject, messageId: decoded.messageId, extracted },
  };
}

function columnsOf(reading: Reading, decoded: DecodedMail) {
  return {
    subject: decoded.subject,
    text: decoded.text,
    status: reading.status,
    reasonCode: reading.reasonCode ?? null,
    reason: reading.reason ?? null,
    reasonLine: reading.reasonLine ?? null,
    templateId: reading.templateId ?? null,
    orderCode: reading.extracted?.orderCode ?? null,
    orderId: reading.orderId ?? null,
    extracted: (reading.extracted as unknown as Record<string, unknown>) ?? null,
    processedAt: new Date(),
  };
}

async function record(
  db: Db,
  inbox: Inbox,
  mail: ReceivedMail,
  decoded: DecodedMail,
  reading: Reading,
): Promise<MailOutcome> {
  const [row] = await db
    .insert(mailMessages)
    .values({
      organizationId: inbox.organizationId,
      storeId: inbox.storeId,
      recipient: normalizeAddress(mail.recipient),
      sender: mail.sender ?? decoded.from,
      messageId: decoded.messageId,
      source: mail.source.toString("base64"),
      ...columnsOf(reading, decoded),
    })
    .returning({ id: mailMessages.id });
  if (!row) throw new Error("mail insert returned nothing");
  return outcomeOf(row.id, reading);
}

function outcomeOf(mailId: number, reading: Reading): MailOutcome {
  return {
    mailId,
    status: reading.status,
    reason: reading.reason ?? null,
    reasonLine: reading.reasonLine ?? null,
    orderCode: reading.extracted?.orderCode ?? null,
    orderId: reading.orderId ?? null,
  };
}
