// Tables of the mail intake (メール受注, zaikoRobot style); re-exported from ../schema.ts so drizzle and the
// relational queries see them. A store gets an inbox address and templates; every mail received for it is
// kept with what became of it.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { orders, organizations, stores } from "../schema.ts";

const ref = (name: string) => bigint(name, { mode: "number" });

/** One inbox per store: the address the cart's order-acceptance mail is forwarded to, and how it counts. */
export const mailInboxes = pgTable(
  "mail_inboxes",
  {
    storeId: ref("store_id")
      .primaryKey()
      .references(() => stores.id),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    /** Lower-cased, e.g. `orders+shop1@mail.example.jp`; only known addresses are accepted over SMTP. */
    address: text("address").notNull(),
    /** `reserve`: a normal order (引当, shipment slip); `consume`: stock only (在庫のみ), no shipment slip. */
    stockMode: text("stock_mode", { enum: ["reserve", "consume"] })
      .notNull()
      .default("reserve"),
    /** Master codes (or mapped strings) used when the template extracts no payment / delivery method. */
    defaultPaymentMethod: text("default_payment_method"),
    defaultDeliveryMethod: text("default_delivery_method"),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("mail_inboxes_address").on(t.address)],
);

/** How to read a store's order mail (src/mail/template.ts documents the syntax). Tried by position. */
export const mailTemplates = pgTable(
  "mail_templates",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    name: text("name").notNull(),
    /** The template text; checked when saved, so a stored one always compiles. */
    body: text("body").notNull(),
    position: integer("position").notNull().default(0),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("mail_templates_store_name").on(t.storeId, t.name)],
);

export const mailMessageStatuses = ["registered", "duplicate", "held", "failed"] as const;
export type MailMessageStatus = (typeof mailMessageStatuses)[number];

/**
 * Every mail received for an inbox, decoded, with its outcome: registered, a duplicate of an order already
 * registered, registered but held for review, or failed (unreadable or refused) with the reason and the
 * line it failed on. Never deleted: nothing is silently dropped.
 */
export const mailMessages = pgTable(
  "mail_messages",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    recipient: text("recipient").notNull(),
    sender: text("sender"),
    messageId: text("message_id"),
    subject: text("subject"),
    /** The decoded plain text (HTML-only mails: the HTML turned into text). */
    text: text("text").notNull(),
    /** The message as received (RFC 5322 source, base64), so it can be decoded again. */
    source: text("source").notNull(),
    status: text("status", { enum: mailMessageStatuses }).notNull(),
    reasonCode: text("reason_code"),
    reason: text("reason"),
    /** The line of the mail (1-based) the template failed on, when it failed on one. */
    reasonLine: integer("reason_line"),
    templateId: ref("template_id").references(() => mailTemplates.id, { onDelete: "set null" }),
    orderCode: text("order_code"),
    orderId: ref("order_id").references(() => orders.id),
    extracted: jsonb("extracted").$type<Record<string, unknown>>(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
  },
  (t) => [
    index("mail_messages_store").on(t.storeId, t.id),
    index("mail_messages_review").on(t.organizationId, t.id).where(sql`${t.status} IN ('held', 'failed')`),
  ],
);
