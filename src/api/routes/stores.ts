// Stores (店舗): one shop on one channel, shipping from one warehouse.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { findStoreView, listStores } from "../../db/repositories/queries/stores.ts";
import { storeInput, storeUpdate } from "../../domain/master-inputs.ts";
import { createStore, updateStore } from "../../operations/masters.ts";
import {
  bearerSecurity,
  idSchema,
  merchantParams,
  page,
  pageOf,
  pagingQuery,
  paramsWith,
} from "../schemas.ts";

export const storeSchema = z.object({
  id: z.number().int(),
  channel: z.string(),
  name: z.string(),
  status: z.enum(["open", "closed"]),
  warehouseId: z.number().int(),
  warehouseCode: z.string(),
  targetStatuses: z.array(z.string()).describe("Channel statuses that mean ship it; empty: every order"),
  settings: z.record(z.string(), z.unknown()),
  itemCap: z
    .number()
    .int()
    .nullable()
    .describe("The channel plan's item limit for stock sync; null for none"),
  orderCodePrefix: z
    .string()
    .describe("Put before the channel's order codes to make Kura's codes (unique in the organization)"),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const storeParams = paramsWith({ storeId: idSchema });

export const storeRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["stores"], security: bearerSecurity };

  app.get(
    "/stores",
    {
      schema: {
        ...doc,
        summary: "List stores",
        params: merchantParams,
        querystring: pagingQuery,
        response: { 200: pageOf(storeSchema) },
      },
    },
    async (request) => page(request.query, await listStores(db, request.organizationId, request.query)),
  );

  app.get(
    "/stores/:storeId",
    { schema: { ...doc, summary: "One store", params: storeParams, response: { 200: storeSchema } } },
    async (request) => findStoreView(db, request.organizationId, request.params.storeId),
  );

  app.post(
    "/stores",
    {
      schema: {
        ...doc,
        summary: "Create a store",
        params: merchantParams,
        body: storeInput,
        response: { 201: storeSchema },
      },
    },
    async (request, reply) => {
      const store = await createStore(db, request.organizationId, request.body);
      return reply.status(201).send(await findStoreView(db, request.organizationId, store.id));
    },
  );

  app.patch(
    "/stores/:storeId",
    {
      schema: {
        ...doc,
        summary: "Change a store (name, status, warehouse, target statuses, settings)",
        params: storeParams,
        body: storeUpdate,
        response: { 200: storeSchema },
      },
    },
    async (request) => {
      await updateStore(db, request.organizationId, request.params.storeId, request.body);
      return findStoreView(db, request.organizationId, request.params.storeId);
    },
  );
};
