// Signing in to the web admin: open a session (rate-limited), read who is signed in, sign out.
import rateLimit from "@fastify/rate-limit";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { getOrganization } from "../../db/repositories/queries/organizations.ts";
import { userRoles } from "../../domain/statuses.ts";
import { authenticateUser, closeSession, openSession, type SignedInUser } from "../../operations/users.ts";
import { unauthorized } from "../errors.ts";
import { clearSessionCookie, sessionToken, sessionUser, setSessionCookie } from "../session-auth.ts";

const signedIn = z.object({
  user: z.object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    role: z.enum(userRoles),
  }),
  organization: z.object({ id: z.number().int(), name: z.string() }),
});

export interface SessionRouteOptions {
  db: Db;
  /** Sign-in attempts per client address per minute (default 10). */
  loginAttemptsPerMinute?: number;
}

export const sessionRoutes: FastifyPluginAsyncZod<SessionRouteOptions> = async (app, options) => {
  const { db } = options;
  const doc = { tags: ["session"] };
  // Counted per client address and e-mail, once the body is read (preHandler).
  await app.register(rateLimit, { global: false, hook: "preHandler" });

  const describe = async (user: SignedInUser) => {
    const organization = await getOrganization(db, user.organizationId);
    const { id, email, name, role } = user;
    return {
      user: { id, email, name, role },
      organization: { id: organization.id, name: organization.name },
    };
  };

  app.post(
    "/session",
    {
      config: {
        rateLimit: {
          max: options.loginAttemptsPerMinute ?? 10,
          timeWindow: "1 minute",
          keyGenerator: (request) => {
            const email = (request.body as { email?: unknown } | undefined)?.email;
            return `${request.ip}:${String(email ?? "")
              .trim()
              .toLowerCase()}`;
          },
        },
      },
      schema: {
        ...doc,
        summary: "Sign in to the web admin: sets the session cookie (HttpOnly, SameSite=Strict)",
        body: z.object({
          email: z.string().trim().min(1, "is required"),
          password: z.string().min(1, "is required"),
        }),
        response: { 200: signedIn },
      },
    },
    async (request, reply) => {
      const user = await authenticateUser(db, request.body.email, request.body.password);
      if (!user) throw unauthorized("the e-mail address or the password is wrong");
      const session = await openSession(db, user.id);
      setSessionCookie(reply, session.token, session.expiresAt, request.protocol === "https");
      return describe(user);
    },
  );

  app.get(
    "/session",
    { schema: { ...doc, summary: "Who is signed in (401 when nobody)", response: { 200: signedIn } } },
    async (request) => {
      const user = await sessionUser(db, request);
      if (!user) throw unauthorized("not signed in");
      return describe(user);
    },
  );

  app.delete(
    "/session",
    { schema: { ...doc, summary: "Sign out: the session ends in the database and the cookie is cleared" } },
    async (request, reply) => {
      const token = sessionToken(request);
      if (token) await closeSession(db, token);
      clearSessionCookie(reply);
      return reply.status(204).send();
    },
  );
};
