// Every id in a merchant route's path must name a row of the caller's organization, checked before the
// body is validated or a handler runs: another organization's id answers 404 exactly like one that does
// not exist, whatever the route and its body. Handlers scope their queries too; this is the one place
// that guarantees it for every route (test/faults/tenant-isolation.test.ts tries them all).
import { and, eq, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { FastifyRequest } from "fastify";
import type { Db } from "../db/connection.ts";
import {
  apiKeys,
  bundleCandidates,
  mailMessages,
  mailTemplates,
  oauthApps,
  oauthGrants,
  orderRules,
  orders,
  shipments,
  stores,
  users,
} from "../db/schema.ts";
import { notFound } from "../domain/errors.ts";

interface OwnedTable {
  table: PgTable;
  key: PgColumn;
  organizationId: PgColumn;
}

const owned = (table: PgTable & { id: PgColumn; organizationId: PgColumn }): OwnedTable => ({
  table,
  key: table.id,
  organizationId: table.organizationId,
});

/**
 * Path parameter → the table it names. A merchant route with a parameter missing here (other than
 * `merchantId` and the plain words in `unscopedParams`) fails the tenant-isolation test.
 */
export const scopedParams: Record<string, OwnedTable> = {
  storeId: owned(stores),
  orderId: owned(orders),
  shipmentId: owned(shipments),
  candidateId: owned(bundleCandidates),
  ruleId: owned(orderRules),
  appId: owned(oauthApps),
  authorizationId: owned(oauthGrants),
  templateId: owned(mailTemplates),
  mailId: owned(mailMessages),
  userId: owned(users),
  keyId: owned(apiKeys),
};

/**
 * Parameters that name nothing across organizations: a store function's name, and product codes, which
 * are each organization's own namespace (the same code elsewhere is another product, never visible).
 */
export const unscopedParams = new Set(["merchantId", "function", "code"]);

export function checkTenantScope(db: Db) {
  return async (request: FastifyRequest) => {
    const params = (request.params ?? {}) as Record<string, string>;
    for (const [name, value] of Object.entries(params)) {
      const scoped = scopedParams[name];
      if (!scoped) continue;
      if (!/^\d{1,18}$/.test(value)) throw notFound(`${name} ${value}`, name);
      const [row] = await db
        .select({ found: sql<number>`1` })
        .from(scoped.table)
        .where(and(eq(scoped.key, value), eq(scoped.organizationId, request.organizationId)))
        .limit(1);
      if (!row) throw notFound(`${name} ${value}`, name);
    }
  };
}
