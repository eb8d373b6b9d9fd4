// The organization (組織) and its API keys. Creating an organization needs the operator's admin token.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { getOrganization } from "../../db/repositories/queries/organizations.ts";
import { organizationInput } from "../../domain/master-inputs.ts";
import { createOrganization, issueApiKey } from "../../operations/masters.ts";
import { checkAdminToken } from "../auth.ts";
import { bearerSecurity, merchantParams } from "../schemas.ts";
import { requireAdmin } from "../session-auth.ts";

const organization = z.object({ id: z.number().int(), name: z.string(), createdAt: z.date() });
const newApiKey = z
  .object({ id: z.number().int(), name: z.string(), token: z.string() })
  .describe("The token is shown only now; Kura keeps its hash.");

export const adminRoutes: FastifyPluginAsyncZod<{ db: Db; adminToken?: string }> = async (
  app,
  { db, adminToken },
) => {
  app.post(
    "/organizations",
    {
      onRequest: async (request) => checkAdminToken(request, adminToken),
      schema: {
        tags: ["organizations"],
        summary: "Create an organization with its first API key (admin token)",
        security: [{ adminToken: [] }],
        body: organizationInput,
        response: { 201: z.object({ organization, apiKey: newApiKey }) },
      },
    },
    async (request, reply) => reply.status(201).send(await createOrganization(db, request.body)),
  );
};

export const organizationRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["organizations"], security: bearerSecurity, params: merchantParams };

  app.get(
    "/",
    {
      prefixTrailingSlash: "no-slash",
      schema: {
        ...doc,
        summary: "The merchant (organization) of the API key",
        response: { 200: organization },
      },
    },
    async (request) => getOrganization(db, request.organizationId),
  );

  app.post(
    "/api-keys",
    {
      schema: {
        ...doc,
        summary: "Issue another API key",
        body: z.object({ name: z.string().trim().min(1, "is required").max(100) }),
        response: { 201: newApiKey },
      },
    },
    async (request, reply) => {
      requireAdmin(request); // a key acts for the whole organization: an operator's session may not mint one
      return reply.status(201).send(await issueApiKey(db, request.organizationId, request.body.name));
    },
  );
};
