// What the web admin needs beyond the resource routes: the dashboard's read model, the organization's
// users and its API keys (list, revoke). Users and keys are for admins; operators see the rest.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import {
  credentialExpiries,
  latestHeldOrders,
  listApiKeys,
  orderCountsByStatus,
  ordersPerDay,
  pushedStock,
  shipmentCountsByStatus,
} from "../../db/repositories/queries/dashboard.ts";
import { listStores } from "../../db/repositories/queries/stores.ts";
import { getStore } from "../../db/repositories/scope.ts";
import { apiKeys, users } from "../../db/schema.ts";
import { invalid, notFound } from "../../domain/errors.ts";
import { userRoles } from "../../domain/statuses.ts";
import { remapHeldOrder, remapHeldOrders } from "../../operations/remap-order.ts";
import { listStoreFunctions } from "../../operations/sync-admin.ts";
import { createUser, listUsers, userInput } from "../../operations/users.ts";
import { bearerSecurity, idSchema, merchantParams, paramsWith } from "../schemas.ts";
import { requireAdmin } from "../session-auth.ts";

const expiryWarningMs = 14 * 86_400_000;

const user = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: z.enum(userRoles),
});

export const adminConsoleRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["web admin"], security: bearerSecurity };

  app.get(
    "/dashboard",
    {
      schema: {
        ...doc,
        summary:
          "Per store and function the last run and what is failing; held orders, shipments, orders per day",
        params: merchantParams,
        querystring: z.object({ days: z.coerce.number().int().min(1).max(90).default(14) }),
      },
    },
    async (request) => {
      const { organizationId } = request;
      const { rows: storeRows } = await listStores(db, organizationId, { page: 1, limit: 100 });
      const credentials = await credentialExpiries(db, organizationId);
      const warnAt = Date.now() + expiryWarningMs;
      const storesView = [];
      for (const store of storeRows) {
        storesView.push({
          id: store.id,
          name: store.name,
          channel: store.channel,
          status: store.status,
          functions: await listStoreFunctions(db, organizationId, store.id),
          credentialsExpiring: credentials
            .filter((c) => c.storeId === store.id && c.expiresAt && c.expiresAt.getTime() <= warnAt)
            .map((c) => ({ name: c.name, expiresAt: c.expiresAt })),
        });
      }
      return {
        stores: storesView,
        orders: await orderCountsByStatus(db, organizationId),
        shipments: await shipmentCountsByStatus(db, organizationId),
        heldOrders: await latestHeldOrders(db, organizationId, 10),
        ordersPerDay: await ordersPerDay(db, organizationId, request.query.days),
      };
    },
  );

  app.post(
    "/orders/:orderId/remap",
    {
      schema: {
        ...doc,
        summary:
          "Map a held order again after its correspondence or mapping was fixed; allocates it if it maps",
        params: paramsWith({ orderId: idSchema }),
      },
    },
    async (request) =>
      remapHeldOrder(db, {
        organizationId: request.organizationId,
        orderId: request.params.orderId,
        actor: request.actor,
      }),
  );

  app.post(
    "/orders/remap-held",
    {
      schema: {
        ...doc,
        summary: "Map every held order again (up to 500, oldest first) after a fix that concerns many",
        params: merchantParams,
      },
    },
    async (request) => remapHeldOrders(db, { organizationId: request.organizationId, actor: request.actor }),
  );

  app.get(
    "/stores/:storeId/pushed-stock",
    {
      schema: {
        ...doc,
        summary: "Per channel item the stock last pushed to the store, and the last push error",
        params: paramsWith({ storeId: idSchema }),
      },
    },
    async (request) => {
      await getStore(db, request.organizationId, request.params.storeId);
      return { data: await pushedStock(db, request.params.storeId, 200) };
    },
  );

  app.get(
    "/users",
    { schema: { ...doc, summary: "The organization's users", params: merchantParams } },
    async (request) => ({ data: await listUsers(db, request.organizationId) }),
  );

  app.post(
    "/users",
    {
      schema: {
        ...doc,
        summary: "Add a user who signs in to the web admin (admins only)",
        params: merchantParams,
        body: userInput,
        response: { 201: user },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      const created = await createUser(db, request.organizationId, request.body);
      return reply.status(201).send(created);
    },
  );

  app.delete(
    "/users/:userId",
    {
      schema: {
        ...doc,
        summary: "Disable a user: they can no longer sign in and their sessions end (admins only)",
        params: paramsWith({ userId: idSchema }),
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      if (request.user?.id === request.params.userId) {
        throw invalid("cannot_disable_self", "you cannot disable yourself", "userId");
      }
      const disabled = await db
        .update(users)
        .set({ disabledAt: sql`now()`, updatedAt: sql`now()` })
        .where(
          and(
            eq(users.id, request.params.userId),
            eq(users.organizationId, request.organizationId),
            isNull(users.disabledAt),
          ),
        )
        .returning({ id: users.id });
      if (disabled.length === 0) throw notFound(`user ${request.params.userId}`, "userId");
      return reply.status(204).send();
    },
  );

  app.get(
    "/api-keys",
    {
      schema: {
        ...doc,
        summary: "The organization's API keys (names and prefixes, never the tokens)",
        params: merchantParams,
      },
    },
    async (request) => ({ data: await listApiKeys(db, request.organizationId) }),
  );

  app.delete(
    "/api-keys/:keyId",
    {
      schema: {
        ...doc,
        summary: "Revoke an API key (admins only)",
        params: paramsWith({ keyId: idSchema }),
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      const revoked = await db
        .update(apiKeys)
        .set({ revokedAt: sql`now()` })
        .where(
          and(
            eq(apiKeys.id, request.params.keyId),
            eq(apiKeys.organizationId, request.organizationId),
            isNull(apiKeys.revokedAt),
          ),
        )
        .returning({ id: apiKeys.id });
      if (revoked.length === 0) throw notFound(`API key ${request.params.keyId}`, "keyId");
      return reply.status(204).send();
    },
  );
};
