// The web admin's dashboard: what needs attention now, per store and function, in a few queries.
import { and, asc, desc, eq, gte, sql } from "drizzle-orm";
import type { Db } from "../../connection.ts";
import { apiKeys, channelItemStates, orders, shipments, storeCredentials, stores } from "../../schema.ts";

const dayMs = 86_400_000;

/** Orders per day (Japan time) and store over the last `days` days, oldest first. */
export async function ordersPerDay(db: Db, organizationId: number, days: number) {
  const since = new Date(Date.now() - days * dayMs);
  const day = sql<string>`to_char(${orders.orderedAt} at time zone 'Asia/Tokyo', 'YYYY-MM-DD')`;
  return db
    .select({ day, storeId: orders.storeId, count: sql<number>`count(*)::int` })
    .from(orders)
    .where(and(eq(orders.organizationId, organizationId), gte(orders.orderedAt, since)))
    .groupBy(day, orders.storeId)
    .orderBy(day, orders.storeId);
}

export async function orderCountsByStatus(db: Db, organizationId: number) {
  return db
    .select({ status: orders.status, count: sql<number>`count(*)::int` })
    .from(orders)
    .where(eq(orders.organizationId, organizationId))
    .groupBy(orders.status);
}

export async function shipmentCountsByStatus(db: Db, organizationId: number) {
  return db
    .select({ status: shipments.status, count: sql<number>`count(*)::int` })
    .from(shipments)
    .where(eq(shipments.organizationId, organizationId))
    .groupBy(shipments.status);
}

/** The newest held orders with their first reason. */
export async function latestHeldOrders(db: Db, organizationId: number, limit: number) {
  return db
    .select({
      id: orders.id,
      storeId: orders.storeId,
      orderCode: orders.orderCode,
      orderedAt: orders.orderedAt,
      holdReasons: orders.holdReasons,
    })
    .from(orders)
    .where(and(eq(orders.organizationId, organizationId), sql`jsonb_array_length(${orders.holdReasons}) > 0`))
    .orderBy(desc(orders.orderedAt), desc(orders.id))
    .limit(limit);
}

/** Credential names and expiry of every store (never the values). */
export async function credentialExpiries(db: Db, organizationId: number) {
  return db
    .select({
      storeId: storeCredentials.storeId,
      name: storeCredentials.name,
      expiresAt: storeCredentials.expiresAt,
    })
    .from(storeCredentials)
    .innerJoin(stores, eq(stores.id, storeCredentials.storeId))
    .where(eq(stores.organizationId, organizationId))
    .orderBy(asc(storeCredentials.storeId), asc(storeCredentials.name));
}

export async function listApiKeys(db: Db, organizationId: number) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      tokenPrefix: apiKeys.tokenPrefix,
      createdAt: apiKeys.createdAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.organizationId, organizationId))
    .orderBy(asc(apiKeys.id));
}

/** What was last pushed to the store per channel item (在庫連動の送信値), newest first. */
export async function pushedStock(db: Db, storeId: number, limit: number) {
  return db
    .select({
      itemCode: channelItemStates.itemCode,
      optionCode: channelItemStates.optionCode,
      lastPushedQuantity: channelItemStates.lastPushedQuantity,
      lastPushedAt: channelItemStates.lastPushedAt,
      lastError: channelItemStates.lastError,
      lastErrorAt: channelItemStates.lastErrorAt,
    })
    .from(channelItemStates)
    .where(eq(channelItemStates.storeId, storeId))
    .orderBy(desc(sql`greatest(${channelItemStates.lastPushedAt}, ${channelItemStates.lastErrorAt})`))
    .limit(limit);
}
