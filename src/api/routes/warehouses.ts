// Warehouses (倉庫): where stock is kept and stores ship from.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { listWarehouses } from "../../db/repositories/queries/warehouses.ts";
import { warehouseInput } from "../../domain/master-inputs.ts";
import { createWarehouse } from "../../operations/masters.ts";
import { bearerSecurity, merchantParams, page, pageOf, pagingQuery } from "../schemas.ts";

const warehouse = z.object({ id: z.number().int(), code: z.string(), name: z.string(), createdAt: z.date() });

export const warehouseRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["warehouses"], security: bearerSecurity, params: merchantParams };

  app.get(
    "/warehouses",
    {
      schema: {
        ...doc,
        summary: "List warehouses",
        querystring: pagingQuery,
        response: { 200: pageOf(warehouse) },
      },
    },
    async (request) => page(request.query, await listWarehouses(db, request.organizationId, request.query)),
  );

  app.post(
    "/warehouses",
    { schema: { ...doc, summary: "Create a warehouse", body: warehouseInput, response: { 201: warehouse } } },
    async (request, reply) =>
      reply.status(201).send(await createWarehouse(db, request.organizationId, request.body)),
  );
};
