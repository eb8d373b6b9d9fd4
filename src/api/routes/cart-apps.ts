// Cart apps (OAuth2 clients) of a merchant: register (client id + secret, shown once), list with the
// stores each is authorized for, withdraw one authorization, delete (revokes everything at once).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import {
  appInput,
  deleteApp,
  getApp,
  listApps,
  registerApp,
  revokeAuthorization,
} from "../../operations/apps.ts";
import { bearerSecurity, idSchema, merchantParams, paramsWith } from "../schemas.ts";
import { requireAdmin } from "../session-auth.ts";

const authorization = z.object({
  id: z.number().int(),
  storeId: z.number().int(),
  storeName: z.string(),
  scopes: z.array(z.string()),
  authorizedBy: z.string().describe("E-mail of the user who allowed the app"),
  createdAt: z.date(),
});

const app = z
  .object({
    id: z.number().int(),
    name: z.string(),
    redirectUri: z.string(),
    clientId: z.string(),
    createdAt: z.date(),
    authorizations: z.array(authorization).describe("Stores the app may act on now"),
  })
  .meta({ id: "CartApp" });

const appParams = paramsWith({ appId: idSchema });

export const cartAppRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (routes, { db }) => {
  const doc = { tags: ["cart apps"], security: bearerSecurity };

  routes.post(
    "/apps",
    {
      schema: {
        ...doc,
        summary: "Register a cart app (OAuth2 client)",
        description:
          "Answers the client id and the client secret; the secret is shown only here. The merchant then " +
          "authorizes the app for a store on Kura's consent page (`/oauth/authorize`).",
        params: merchantParams,
        body: appInput,
        response: { 201: app.extend({ clientSecret: z.string().describe("Shown once") }) },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      return reply.status(201).send(await registerApp(db, request.organizationId, request.body));
    },
  );

  routes.get(
    "/apps",
    {
      schema: {
        ...doc,
        summary: "List cart apps",
        params: merchantParams,
        response: { 200: z.object({ data: z.array(app) }) },
      },
    },
    async (request) => ({ data: await listApps(db, request.organizationId) }),
  );

  routes.get(
    "/apps/:appId",
    { schema: { ...doc, summary: "One cart app", params: appParams, response: { 200: app } } },
    async (request) => getApp(db, request.organizationId, request.params.appId),
  );

  routes.delete(
    "/apps/:appId",
    {
      schema: {
        ...doc,
        summary: "Delete a cart app",
        description: "Its authorizations and tokens are refused from now on.",
        params: appParams,
        response: { 204: z.undefined() },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      await deleteApp(db, request.organizationId, request.params.appId);
      return reply.status(204).send();
    },
  );

  routes.delete(
    "/apps/:appId/authorizations/:authorizationId",
    {
      schema: {
        ...doc,
        summary: "Withdraw one authorization of a cart app",
        params: paramsWith({ appId: idSchema, authorizationId: idSchema }),
        response: { 204: z.undefined() },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      const { appId, authorizationId } = request.params;
      await revokeAuthorization(db, request.organizationId, appId, authorizationId);
      return reply.status(204).send();
    },
  );
};
