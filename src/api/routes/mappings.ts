// A store's mappings of the channel's strings (payment, delivery method, time slot) onto Kura's masters.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { listStoreMappings } from "../../db/repositories/queries/masters.ts";
import { getStore } from "../../db/repositories/scope.ts";
import { mappingKinds } from "../../db/schema.ts";
import { storeMappingInput } from "../../domain/master-inputs.ts";
import { setStoreMapping } from "../../operations/masters.ts";
import { bearerSecurity, page, pageOf, pagingQuery } from "../schemas.ts";
import { releaseSummary } from "./order-rules.ts";
import { storeParams } from "./stores.ts";

const mapping = z.object({
  id: z.number().int(),
  storeId: z.number().int(),
  kind: z.enum(mappingKinds),
  channelValue: z.string().describe("The string the channel sends"),
  target: z.string().describe("Kura's master code (time slots: the slot string)"),
  release: releaseSummary
    .optional()
    .describe("Orders held for this string, re-processed when the rule was set, and how many were released"),
});

export const mappingRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["mappings"], security: bearerSecurity, params: storeParams };

  app.get(
    "/stores/:storeId/mappings",
    {
      schema: {
        ...doc,
        summary: "List the store's mappings",
        querystring: pagingQuery.extend({ kind: z.enum(mappingKinds).optional() }),
        response: { 200: pageOf(mapping) },
      },
    },
    async (request) => {
      const { organizationId } = request;
      const { storeId } = request.params;
      await getStore(db, organizationId, storeId);
      return page(
        request.query,
        await listStoreMappings(db, organizationId, storeId, { kind: request.query.kind }, request.query),
      );
    },
  );

  app.put(
    "/stores/:storeId/mappings",
    {
      schema: {
        ...doc,
        summary: "Map one channel string of the store (replaces its previous target)",
        body: storeMappingInput,
        response: { 200: mapping },
      },
    },
    async (request) =>
      setStoreMapping(db, request.organizationId, request.params.storeId, request.body, request.actor),
  );
};
