// Tables of the shipment workflow: bundle candidates (同梱候補) and their members, "do not bundle" pairs,
// the shipment slips' history, per-store shipment notices, and the organization's shipping settings.
// Re-exported from ../schema.ts so drizzle and the relational queries see them.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

const id = () => bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity();
const ref = (name: string) => bigint(name, { mode: "number" });
const at = (name: string) => timestamp(name, { withTimezone: true });

/** Per organization: the shipping cut-off (出荷依頼の締め時間) and the bundling rules. */
export const shipmentSettings = pgTable("shipment_settings", {
  organizationId: ref("organization_id").primaryKey(),
  /** "HH:MM" in Asia/Tokyo; null: no cut-off, nothing is urgent. */
  cutoffTime: text("cutoff_time"),
  /** Undecided candidates are urgent from this many minutes before the cut-off. */
  urgentMinutes: integer("urgent_minutes").notNull().default(60),
  /** Bundle slips of different stores of the organization (default: same store only). */
  crossStoreBundling: boolean("cross_store_bundling").notNull().default(false),
  /** Payment method code pairs never bundled together, e.g. [["cod", "credit_card"]]. */
  nonBundlablePaymentPairs: jsonb("non_bundlable_payment_pairs")
    .$type<Array<[string, string]>>()
    .notNull()
    .default([]),
  updatedAt: at("updated_at").notNull().defaultNow(),
});

export const bundleCandidateStatuses = ["open", "bundled", "dismissed", "dissolved"] as const;
export type BundleCandidateStatus = (typeof bundleCandidateStatuses)[number];

/** 同梱候補: open slips with the same delivery key; their shipments are locked while it is open. */
export const bundleCandidates = pgTable(
  "bundle_candidates",
  {
    id: id(),
    organizationId: ref("organization_id").notNull(),
    deliveryKey: text("delivery_key").notNull(),
    status: text("status", { enum: bundleCandidateStatuses }).notNull().default("open"),
    /** The shipment slip the members were merged into (同梱を実行). */
    shipmentId: ref("shipment_id"),
    decidedBy: text("decided_by"),
    decidedAt: at("decided_at"),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("bundle_candidates_org_status").on(t.organizationId, t.status, t.createdAt),
    index("bundle_candidates_open_key").on(t.organizationId, t.deliveryKey).where(sql`${t.status} = 'open'`),
  ],
);

export const bundleCandidateMembers = pgTable(
  "bundle_candidate_members",
  {
    candidateId: ref("candidate_id")
      .notNull()
      .references(() => bundleCandidates.id, { onDelete: "cascade" }),
    orderId: ref("order_id").notNull(),
    addedAt: at("added_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.candidateId, t.orderId] }),
    index("bundle_candidate_members_order").on(t.orderId),
  ],
);

/** 同梱しない: two orders the operator decided not to bundle; never proposed together again. */
export const bundleExclusions = pgTable(
  "bundle_exclusions",
  {
    organizationId: ref("organization_id").notNull(),
    /** The smaller order id of the pair. */
    orderIdLow: ref("order_id_low").notNull(),
    orderIdHigh: ref("order_id_high").notNull(),
    actor: text("actor").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orderIdLow, t.orderIdHigh] }),
    check("bundle_exclusions_ordered", sql`${t.orderIdLow} < ${t.orderIdHigh}`),
  ],
);

/** Every change of a shipment slip: who, when, from which status to which, and why. */
export const shipmentHistory = pgTable(
  "shipment_history",
  {
    id: id(),
    organizationId: ref("organization_id").notNull(),
    shipmentId: ref("shipment_id").notNull(),
    action: text("action").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status"),
    actor: text("actor").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [index("shipment_history_shipment").on(t.shipmentId, t.id)],
);

export const shipmentNoticeStatuses = ["pending", "accepted", "done", "failed", "not_supported"] as const;

/**
 * 出荷通知 per shipment × store: a bundled slip may carry orders of several stores (cross-store bundling),
 * and each store's channel is told about its own orders.
 */
export const shipmentNotices = pgTable(
  "shipment_notices",
  {
    shipmentId: ref("shipment_id").notNull(),
    storeId: ref("store_id").notNull(),
    status: text("status", { enum: shipmentNoticeStatuses }).notNull().default("pending"),
    requestIds: jsonb("request_ids").$type<string[]>(),
    /**
     * The batch this notice goes out in, fixed before it is sent: a batch sent again after a crash carries
     * the same notices under the same idempotency key, so the channel applies it once.
     */
    batchKey: text("batch_key"),
    error: text("error"),
    noticeAt: at("notice_at"),
  },
  (t) => [
    primaryKey({ columns: [t.shipmentId, t.storeId] }),
    index("shipment_notices_pending")
      .on(t.storeId, t.shipmentId)
      .where(sql`${t.status} IN ('pending', 'accepted')`),
  ],
);
