// Liveness with a database round trip, for load balancers and `kura api` checks.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type Db, ping } from "../../db/connection.ts";
import { errorBody } from "../schemas.ts";

export const healthRoutes: FastifyPluginAsyncZod<{ db: Db; databaseKind: "pglite" | "postgres" }> = async (
  app,
  { db, databaseKind },
) => {
  app.get(
    "/health",
    {
      schema: {
        tags: ["health"],
        summary: "The server is up and its database answers",
        response: {
          200: z.object({ status: z.literal("ok"), database: z.enum(["pglite", "postgres"]) }),
          503: errorBody,
        },
      },
    },
    async (request, reply) => {
      try {
        await ping(db);
      } catch (error) {
        request.log.error({ err: error }, "database ping failed");
        return reply
          .status(503)
          .send({ error: { code: "database_unavailable", message: "the database does not answer" } });
      }
      return { status: "ok" as const, database: databaseKind };
    },
  );
};
