// Tables of the order-rules feature (O9–O11, I0, P1 allocation details): order rules per store and what
// they did to each order, warehouse choice rules, releases of held orders, stock transfers.
// Re-exported from ../schema.ts so drizzle and the relational queries see them.
import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { RuleAction, RuleCondition } from "../../domain/order-rules.ts";
import { orders, organizations, products, stores, warehouses } from "../schema.ts";

const id = () => bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity();
const ref = (name: string) => bigint(name, { mode: "number" });
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/** 受注ルール (macros): run in `position` order, once, when an order of the store is registered. */
export const orderRules = pgTable(
  "order_rules",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    /** All must match (an empty list matches every order). */
    conditions: jsonb("conditions").$type<RuleCondition[]>().notNull(),
    actions: jsonb("actions").$type<RuleAction[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("order_rules_store").on(t.storeId, t.position, t.id)],
);

/**
 * What the rules did to an order at registration: a snapshot of each matched rule's actions, so a rule
 * changed later never touches the order, and a channel update of the order keeps the same effects.
 */
export const orderRuleApplications = pgTable(
  "order_rule_applications",
  {
    id: id(),
    orderId: ref("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    ruleId: ref("rule_id"),
    ruleName: text("rule_name").notNull(),
    actions: jsonb("actions").$type<RuleAction[]>().notNull(),
    /** An operator confirmed the hold this rule put on the order (確認済). */
    holdConfirmedAt: timestamp("hold_confirmed_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("order_rule_applications_order").on(t.orderId, t.id)],
);

/** Ships orders to these prefectures from another warehouse than the store's default (first match wins). */
export const warehouseChoiceRules = pgTable(
  "warehouse_choice_rules",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    position: integer("position").notNull(),
    prefectures: text("prefectures").array().notNull(),
    warehouseId: ref("warehouse_id")
      .notNull()
      .references(() => warehouses.id),
    createdAt: createdAt(),
  },
  (t) => [index("warehouse_choice_rules_store").on(t.storeId, t.position, t.id)],
);

/** History: orders re-processed after a replacement rule (置換ルール) was added, and how many were released. */
export const heldOrderReleases = pgTable(
  "held_order_releases",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    storeId: ref("store_id")
      .notNull()
      .references(() => stores.id),
    /** What triggered it: `payment_method` / `delivery_method` / `time_slot` (a rule), or `confirmation`. */
    trigger: text("trigger").notNull(),
    channelValue: text("channel_value"),
    examined: integer("examined").notNull(),
    released: integer("released").notNull(),
    stillHeld: integer("still_held").notNull(),
    orderIds: jsonb("order_ids").$type<number[]>().notNull(),
    actor: text("actor").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("held_order_releases_store").on(t.storeId, t.id)],
);

/** 在庫移動: units moved from one warehouse to another (the ledger has both legs). */
export const stockTransfers = pgTable(
  "stock_transfers",
  {
    id: id(),
    organizationId: ref("organization_id")
      .notNull()
      .references(() => organizations.id),
    productId: ref("product_id")
      .notNull()
      .references(() => products.id),
    fromWarehouseId: ref("from_warehouse_id")
      .notNull()
      .references(() => warehouses.id),
    toWarehouseId: ref("to_warehouse_id")
      .notNull()
      .references(() => warehouses.id),
    quantity: integer("quantity").notNull(),
    reason: text("reason"),
    actor: text("actor").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("stock_transfers_org").on(t.organizationId, t.id),
    check("stock_transfers_qty_pos", sql`${t.quantity} > 0`),
  ],
);
