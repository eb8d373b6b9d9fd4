// The database schema. Migrations are generated from it (`npm run db:generate`) and applied at start.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { HoldReason } from "../domain/order-mapping.ts";
import { orderStatuses, shipmentStatuses, syncFunctions } from "../domain/statuses.ts";

const id = () => bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity();
const ref = (name: string) => bigint(name, { mode: "number" });
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/** 組織: the tenant. Every other row belongs to one, and every query is scoped by it. */
export const organizations = pgTable("organizations", {
  id: id(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    /** sha256 of the token; the token itself is shown once at creation. */
    tokenHash: text("token_hash").notNull(),
    tokenPrefix: text("token_prefix").notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("api_keys_token_hash").on(t.tokenHash)],
);

export const warehouses = pgTable(
  "warehouses",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    code: text("code").notNull(),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("warehouses_org_code").on(t.organizationId, t.code)],
);

/** 店舗: one shop on one channel. */
export const stores = pgTable(
  "stores",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    channel: text("channel").notNull(),
    name: text("name").notNull(),
    status: text("status", { enum: ["open", "closed"] })
      .notNull()
      .default("open"),
    /** The warehouse this store ships from (引当 happens there). */
    warehouseId: ref("warehouse_id")
      .notNull()
      .references(() => warehouses.id),
    /** Channel statuses that mean "ship it"; empty means every imported order is shippable. */
    targetStatuses: text("target_statuses").array().notNull().default(sql`'{}'::text[]`),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    /** The channel plan's item limit for stock sync (e.g. 100 / 3,000 / 10,000); null for none. */
    itemCap: integer("item_cap"),
    /** Put before the channel's order code to make Kura's code, unique in the organization (O11). */
    orderCodePrefix: text("order_code_prefix").notNull().default(""),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("stores_org_name").on(t.organizationId, t.name)],
);

/** Products / SKUs (商品). `code` is the 商品コード: half-width letters, digits, `-`, `_`. */
export const products = pgTable(
  "products",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    code: text("code").notNull(),
    name: text("name").notNull(),
    janCode: text("jan_code"),
    /** Units kept back from every channel (never offered for sale). */
    safetyStock: integer("safety_stock").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("products_org_code").on(t.organizationId, t.code),
    check("products_safety_stock_nonneg", sql`${t.safetyStock} >= 0`),
  ],
);

/** 商品対応表: a channel item (code + option) of a store maps to one or more SKUs × quantity (sets). */
export const correspondences = pgTable(
  "correspondences",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    itemCode: text("item_code").notNull(),
    optionCode: text("option_code").notNull().default(""),
    /** The channel sells this item with unlimited stock: never push a number for it. */
    unlimitedStock: boolean("unlimited_stock").notNull().default(false),
    // The stock formula (I0, src/domain/stock-formula.ts): what is pushed is derived from free stock.
    /** 予備在庫数: units kept back from this item. */
    stockReserve: integer("stock_reserve").notNull().default(0),
    /** 在庫割当率: the share of free stock offered, in percent. */
    stockSharePercent: integer("stock_share_percent").notNull().default(100),
    /** 上限在庫数: never send more than this; null for no cap. */
    stockMaximum: integer("stock_maximum"),
    /** 下限在庫数: below this, 0 is sent; null for none. */
    stockMinimum: integer("stock_minimum"),
    /** Send the number once after each receipt, then leave the channel to count down. */
    stockSendOnceAfterReceipt: boolean("stock_send_once_after_receipt").notNull().default(false),
    /** The warehouses whose stock counts; empty means the store's default warehouse. */
    stockWarehouseIds: bigint("stock_warehouse_ids", { mode: "number" })
      .array()
      .notNull()
      .default(sql`'{}'::bigint[]`),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("correspondences_store_item").on(t.storeId, t.itemCode, t.optionCode),
    check("correspondences_stock_reserve_nonneg", sql`${t.stockReserve} >= 0`),
    check("correspondences_stock_share", sql`${t.stockSharePercent} BETWEEN 0 AND 100`),
  ],
);

export const correspondenceComponents = pgTable(
  "correspondence_components",
  {
    correspondenceId: ref("correspondence_id")
      .notNull()
      .references(() => correspondences.id, { onDelete: "cascade" }),
    productId: ref("product_id")
      .notNull()
      .references(() => products.id),
    quantity: integer("quantity").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.correspondenceId, t.productId] }),
    index("correspondence_components_product").on(t.productId),
    check("correspondence_components_qty_pos", sql`${t.quantity} > 0`),
  ],
);

/** Stock per SKU × warehouse. `reserved` is the sum of allocated order items; it never exceeds on hand. */
export const stockLevels = pgTable(
  "stock_levels",
  {
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    productId: ref("product_id")
      .notNull()
      .references(() => products.id),
    warehouseId: ref("warehouse_id")
      .notNull()
      .references(() => warehouses.id),
    onHand: integer("on_hand").notNull().default(0),
    reserved: integer("reserved").notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.productId, t.warehouseId] }),
    check("stock_levels_on_hand_nonneg", sql`${t.onHand} >= 0`),
    check("stock_levels_reserved_nonneg", sql`${t.reserved} >= 0`),
    check("stock_levels_reserved_le_on_hand", sql`${t.reserved} <= ${t.onHand}`),
  ],
);

export const stockMovementKinds = [
  "receipt",
  "adjustment",
  "reservation",
  "release",
  "shipment",
  "transfer",
] as const;
export type StockMovementKind = (typeof stockMovementKinds)[number];

/** Append-only ledger: summing the deltas per SKU × warehouse gives the levels back. */
export const stockLedger = pgTable(
  "stock_ledger",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    productId: ref("product_id")
      .notNull()
      .references(() => products.id),
    warehouseId: ref("warehouse_id")
      .notNull()
      .references(() => warehouses.id),
    kind: text("kind", { enum: stockMovementKinds }).notNull(),
    onHandDelta: integer("on_hand_delta").notNull(),
    reservedDelta: integer("reserved_delta").notNull(),
    orderId: ref("order_id"),
    shipmentId: ref("shipment_id"),
    reason: text("reason"),
    actor: text("actor").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("stock_ledger_product").on(t.productId, t.warehouseId, t.id)],
);

/** 支払方法 master. Prepaid methods (bank transfer, konbini) wait for payment before shipping. */
export const paymentMethods = pgTable(
  "payment_methods",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    code: text("code").notNull(),
    name: text("name").notNull(),
    requiresPaymentConfirmation: boolean("requires_payment_confirmation").notNull().default(false),
  },
  (t) => [uniqueIndex("payment_methods_org_code").on(t.organizationId, t.code)],
);

/** 配送サービス: carrier + service with the time-slot strings it offers. */
export const deliveryServices = pgTable(
  "delivery_services",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    code: text("code").notNull(),
    carrier: text("carrier").notNull(),
    serviceName: text("service_name").notNull(),
    timeSlots: text("time_slots").array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [uniqueIndex("delivery_services_org_code").on(t.organizationId, t.code)],
);

/** 配送方法 master, each served by one delivery service. */
export const deliveryMethods = pgTable(
  "delivery_methods",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    code: text("code").notNull(),
    name: text("name").notNull(),
    deliveryServiceId: ref("delivery_service_id")
      .notNull()
      .references(() => deliveryServices.id),
  },
  (t) => [uniqueIndex("delivery_methods_org_code").on(t.organizationId, t.code)],
);

export const mappingKinds = ["payment_method", "delivery_method", "time_slot"] as const;
export type MappingKind = (typeof mappingKinds)[number];

/** Per-store mapping of a channel's string to Kura's master code (or, for time slots, slot string). */
export const storeMappings = pgTable(
  "store_mappings",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    kind: text("kind", { enum: mappingKinds }).notNull(),
    channelValue: text("channel_value").notNull(),
    target: text("target").notNull(),
  },
  (t) => [uniqueIndex("store_mappings_store_kind_value").on(t.storeId, t.kind, t.channelValue)],
);

/** 受注伝票. The channel's payload is kept as received in `raw`. */
export const orders = pgTable(
  "orders",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    orderCode: text("order_code").notNull(),
    /** Kura's code: the store's prefix + the channel's code, unique in the organization (O11). */
    kuraCode: text("kura_code"),
    /** The warehouse this order ships from (chosen at registration); null: the store's default. */
    warehouseId: ref("warehouse_id").references(() => warehouses.id),
    /** Tags set by order rules (or an operator). */
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    /** Set when a cancellation freed the code for a new order (同じ受注コードで新規受注の作成を許可). */
    originalOrderCode: text("original_order_code"),
    channelStatus: text("channel_status"),
    status: text("status", { enum: orderStatuses }).notNull(),
    holdReasons: jsonb("hold_reasons").$type<HoldReason[]>().notNull().default([]),
    allocated: boolean("allocated").notNull().default(false),
    orderedAt: timestamp("ordered_at", { withTimezone: true }).notNull(),
    buyer: jsonb("buyer").$type<Record<string, unknown>>().notNull(),
    deliveryAddress: jsonb("delivery_address").$type<Record<string, unknown>>().notNull(),
    deliveryMethodReceived: text("delivery_method_received"),
    deliveryMethodId: ref("delivery_method_id").references(() => deliveryMethods.id),
    requestedDate: date("requested_date"),
    timeSlotReceived: text("time_slot_received"),
    timeSlot: text("time_slot"),
    paymentMethodReceived: text("payment_method_received"),
    paymentMethodId: ref("payment_method_id").references(() => paymentMethods.id),
    paymentConfirmed: boolean("payment_confirmed").notNull().default(false),
    amounts: jsonb("amounts").$type<Record<string, unknown>>().notNull(),
    total: integer("total").notNull(),
    shipmentId: ref("shipment_id"),
    /** Normalized delivery address + recipient + delivery method + warehouse (同梱 lookup; address-key.ts). */
    deliveryKey: text("delivery_key"),
    shippedAt: timestamp("shipped_at", { withTimezone: true }),
    payloadHash: text("payload_hash").notNull(),
    raw: jsonb("raw"),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    cancelledBy: text("cancelled_by"),
    cancelReason: text("cancel_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("orders_store_code").on(t.storeId, t.orderCode),
    // Cancelled orders step aside, so a code freed by a cancellation can come in again.
    uniqueIndex("orders_org_kura_code").on(t.organizationId, t.kuraCode).where(sql`${t.cancelledAt} IS NULL`),
    index("orders_org_status").on(t.organizationId, t.status, t.orderedAt),
    index("orders_awaiting_allocation")
      .on(t.orderedAt, t.id)
      .where(sql`${t.allocated} = false AND ${t.status} NOT IN ('held', 'cancelled', 'shipped')`),
    index("orders_open_delivery_key")
      .on(t.organizationId, t.deliveryKey)
      .where(sql`${t.cancelledAt} IS NULL AND ${t.shippedAt} IS NULL`),
  ],
);

export const orderLines = pgTable(
  "order_lines",
  {
    id: id(),
    orderId: ref("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    lineNo: integer("line_no").notNull(),
    itemCode: text("item_code"),
    optionCode: text("option_code").notNull().default(""),
    name: text("name").notNull(),
    quantity: integer("quantity").notNull(),
    unitPrice: integer("unit_price").notNull(),
    taxRate: integer("tax_rate"),
    correspondenceId: ref("correspondence_id").references(() => correspondences.id),
  },
  (t) => [index("order_lines_order").on(t.orderId)],
);

/** The SKUs an order needs (sets exploded into their parts); stock moves only on these. */
export const orderItems = pgTable(
  "order_items",
  {
    id: id(),
    orderId: ref("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    orderLineId: ref("order_line_id")
      .notNull()
      .references(() => orderLines.id, { onDelete: "cascade" }),
    productId: ref("product_id")
      .notNull()
      .references(() => products.id),
    warehouseId: ref("warehouse_id")
      .notNull()
      .references(() => warehouses.id),
    quantity: integer("quantity").notNull(),
    allocated: boolean("allocated").notNull().default(false),
  },
  (t) => [
    index("order_items_order").on(t.orderId),
    index("order_items_waiting_product").on(t.productId, t.warehouseId).where(sql`${t.allocated} = false`),
    check("order_items_qty_pos", sql`${t.quantity} > 0`),
  ],
);

export const shipmentCodeSequence = pgSequence("shipment_code_seq");

/** 出荷伝票, identified to the warehouse by its 出荷管理コード (`code`). */
export const shipments = pgTable(
  "shipments",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    warehouseId: ref("warehouse_id")
      .notNull()
      .references(() => warehouses.id),
    code: text("code").notNull().default(sql`'S' || lpad(nextval('shipment_code_seq')::text, 9, '0')`),
    status: text("status", { enum: shipmentStatuses }).notNull(),
    carrier: text("carrier"),
    trackingNumber: text("tracking_number"),
    shippedOn: date("shipped_on"),
    /** 出荷通知 to the channel: pending once shipped, then sent (sync) or accepted (async) → done, or failed. */
    noticeStatus: text("notice_status", { enum: ["pending", "accepted", "done", "failed", "not_supported"] }),
    noticeRequestId: text("notice_request_id"),
    noticeError: text("notice_error"),
    noticeAt: timestamp("notice_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("shipments_org_code").on(t.organizationId, t.code),
    index("shipments_org_status").on(t.organizationId, t.status),
    index("shipments_notice_pending")
      .on(t.storeId, t.id)
      .where(sql`${t.noticeStatus} IN ('pending', 'accepted')`),
  ],
);

export const shipmentLines = pgTable(
  "shipment_lines",
  {
    id: id(),
    shipmentId: ref("shipment_id")
      .notNull()
      .references(() => shipments.id, { onDelete: "cascade" }),
    orderId: ref("order_id")
      .notNull()
      .references(() => orders.id),
    productId: ref("product_id")
      .notNull()
      .references(() => products.id),
    quantity: integer("quantity").notNull(),
  },
  (t) => [index("shipment_lines_shipment").on(t.shipmentId)],
);

/** Who did what to an order and why: registration, updates, holds, cancellation, shipping. */
export const orderHistory = pgTable(
  "order_history",
  {
    id: id(),
    orderId: ref("order_id")
      .notNull()
      .references(() => orders.id),
    action: text("action").notNull(),
    actor: text("actor").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index("order_history_order").on(t.orderId, t.id)],
);

/** Domain events written in the transaction that caused them; the job engine consumes them. */
export const outboxEvents = pgTable(
  "outbox_events",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    type: text("type").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
  },
  (t) => [index("outbox_unprocessed").on(t.id).where(sql`${t.processedAt} IS NULL`)],
);

// ── Sync engine ────────────────────────────────────────────────────────────────────────────────────

/** Store credentials, each value sealed with AES-256-GCM (src/lib/secrets.ts); never returned in clear. */
export const storeCredentials = pgTable(
  "store_credentials",
  {
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    name: text("name").notNull(),
    sealedValue: text("sealed_value").notNull(),
    /** When the channel stops accepting it (license keys, API keys, OAuth tokens). */
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.name] })],
);

/** One row per store × function: its schedule, whether it is paused, failing, and where it stopped. */
export const storeFunctions = pgTable(
  "store_functions",
  {
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    function: text("function", { enum: syncFunctions }).notNull(),
    paused: boolean("paused").notNull().default(false),
    intervalSeconds: integer("interval_seconds"),
    /** "HH:MM" in Asia/Tokyo, as an alternative to an interval. */
    timesOfDay: text("times_of_day").array().notNull().default(sql`'{}'::text[]`),
    /** Set by a permanent error (bad credentials, validation); cleared by the next good run. */
    failingReason: text("failing_reason"),
    failingSince: timestamp("failing_since", { withTimezone: true }),
    /** Where a paged run stopped (resumes from here after a crash). */
    cursor: jsonb("cursor").$type<Record<string, unknown>>(),
    nextRunAt: timestamp("next_run_at", { withTimezone: true }),
    /**
     * An operator asked to run it now ("run now", `kura run`) and no run has begun since. Kept here and not
     * only on the job: a request that meets a job already queued (or a run in progress) is still honoured
     * as a manual run, also while the function is paused.
     */
    runRequestedAt: timestamp("run_requested_at", { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.function] })],
);

/** Run history: one row per run of a store × function. */
export const syncRuns = pgTable(
  "sync_runs",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    function: text("function", { enum: syncFunctions }).notNull(),
    trigger: text("trigger", { enum: ["schedule", "manual", "event"] }).notNull(),
    attempt: integer("attempt").notNull().default(1),
    outcome: text("outcome", { enum: ["running", "succeeded", "failed", "abandoned"] })
      .notNull()
      .default("running"),
    counts: jsonb("counts").$type<Record<string, number>>().notNull().default({}),
    /** The first errors, with the channel's own message. */
    errors: jsonb("errors").$type<Array<Record<string, unknown>>>().notNull().default([]),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("sync_runs_store_function").on(t.storeId, t.function, t.id),
    // Never two runs of one store × function at once: the database says so, not memory.
    uniqueIndex("sync_runs_one_running").on(t.storeId, t.function).where(sql`${t.outcome} = 'running'`),
  ],
);

/** Per store and channel item: what was last pushed and when, and the last error (diagnosis, I6). */
export const channelItemStates = pgTable(
  "channel_item_states",
  {
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    itemCode: text("item_code").notNull(),
    optionCode: text("option_code").notNull().default(""),
    lastPushedQuantity: integer("last_pushed_quantity"),
    lastPushedAt: timestamp("last_pushed_at", { withTimezone: true }),
    lastError: text("last_error"),
    lastErrorAt: timestamp("last_error_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.itemCode, t.optionCode] })],
);

/**
 * Orders a channel sent that Kura could not even read (failed validation): kept with the reason and the
 * payload as received, for review — never dropped.
 */
export const inboundRejects = pgTable(
  "inbound_rejects",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    orderCode: text("order_code"),
    code: text("code").notNull(),
    field: text("field"),
    message: text("message").notNull(),
    payload: jsonb("payload"),
    createdAt: createdAt(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (t) => [index("inbound_rejects_store").on(t.storeId, t.id)],
);

// Each feature's own tables live in schema/<feature>.ts; one line each here.
export * from "./schema/cart-api.ts";
export * from "./schema/channels.ts";
export * from "./schema/mail.ts";
export * from "./schema/order-rules.ts";
export * from "./schema/shipment-workflow.ts";
export * from "./schema/users.ts";
export * from "./schema/web-admin.ts";
