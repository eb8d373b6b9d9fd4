// The sync engine as an operator sees it: each store function's schedule and state, "run now", the run
// history, the store's credentials (masked), and why an item does or does not sync.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { invalid } from "../../domain/errors.ts";
import { listRuns } from "../../jobs/run-history.ts";
import type { SecretBox } from "../../lib/secrets.ts";
import { credentialsInput, listStoreCredentials, setStoreCredentials } from "../../operations/credentials.ts";
import {
  diagnoseItem,
  itemsOverCap,
  listStoreFunctions,
  requestRun,
  storeFunctionUpdate,
  syncFunctionSchema,
  updateStoreFunction,
} from "../../operations/sync-admin.ts";
import { bearerSecurity, idSchema, merchantParams, page, pagingQuery, paramsWith } from "../schemas.ts";

const storeParams = paramsWith({ storeId: idSchema });
const functionParams = paramsWith({ storeId: idSchema, function: syncFunctionSchema });

export const syncRoutes: FastifyPluginAsyncZod<{ db: Db; secretBox?: SecretBox }> = async (
  app,
  { db, secretBox },
) => {
  const doc = { tags: ["sync"], security: bearerSecurity };
  const box = () => {
    if (!secretBox)
      throw invalid("credentials_unavailable", "this process has no secret key to seal credentials");
    return secretBox;
  };

  app.get(
    "/stores/:storeId/functions",
    {
      schema: {
        ...doc,
        summary: "The store's functions: schedule, paused, failing and why, last run",
        params: storeParams,
      },
    },
    async (request) => ({
      data: await listStoreFunctions(db, request.organizationId, request.params.storeId),
    }),
  );

  app.patch(
    "/stores/:storeId/functions/:function",
    {
      schema: {
        ...doc,
        summary: "Change a function's schedule (interval or HH:MM times in Japan time) or pause it",
        params: functionParams,
        body: storeFunctionUpdate,
      },
    },
    async (request) =>
      updateStoreFunction(
        db,
        request.organizationId,
        request.params.storeId,
        request.params.function,
        request.body,
      ),
  );

  app.post(
    "/stores/:storeId/functions/:function/run",
    {
      schema: {
        ...doc,
        summary: "Run a function now (a worker picks it up within a second)",
        params: functionParams,
      },
    },
    async (request, reply) => {
      const { storeId, function: fn } = request.params;
      const result = await requestRun(db, request.organizationId, storeId, fn, request.actor);
      return reply.status(202).send(result);
    },
  );

  app.get(
    "/runs",
    {
      schema: {
        ...doc,
        summary: "Run history, newest first, with counts and the channel's own error messages",
        params: merchantParams,
        querystring: pagingQuery.extend({
          storeId: idSchema.optional(),
          function: syncFunctionSchema.optional(),
        }),
      },
    },
    async (request) => {
      const { storeId, function: fn, limit, page: pageNo } = request.query;
      const result = await listRuns(db, request.organizationId, {
        storeId,
        fn,
        limit,
        offset: (pageNo - 1) * limit,
      });
      return page(request.query, result);
    },
  );

  app.get(
    "/stores/:storeId/credentials",
    {
      schema: {
        ...doc,
        summary: "The store's credentials, masked, with expiry warnings",
        params: storeParams,
      },
    },
    async (request) => ({
      data: await listStoreCredentials(db, box(), request.organizationId, request.params.storeId),
    }),
  );

  app.put(
    "/stores/:storeId/credentials",
    {
      schema: {
        ...doc,
        summary: "Set credentials (sealed at rest; never returned in clear)",
        params: storeParams,
        body: credentialsInput,
      },
    },
    async (request) => ({
      data: await setStoreCredentials(
        db,
        box(),
        request.organizationId,
        request.params.storeId,
        request.body,
      ),
    }),
  );

  app.get(
    "/stores/:storeId/items/diagnosis",
    {
      schema: {
        ...doc,
        summary:
          "Why an item does or does not sync, what it would send now (the stock formula step by step), and what was last sent",
        params: storeParams,
        querystring: z.object({
          itemCode: z.string().min(1, "is required"),
          optionCode: z.string().default(""),
        }),
      },
    },
    async (request) =>
      diagnoseItem(
        db,
        request.organizationId,
        request.params.storeId,
        request.query.itemCode,
        request.query.optionCode,
      ),
  );

  app.get(
    "/stores/:storeId/items/over-cap",
    { schema: { ...doc, summary: "Items beyond the store's item cap (not synced)", params: storeParams } },
    async (request) => ({ data: await itemsOverCap(db, request.organizationId, request.params.storeId) }),
  );
};
