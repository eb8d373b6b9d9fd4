// The web admin's server side: the session cookie, sign-in routes, and the built app served at `/`
// (any path that is not a file gets index.html, so the app's own routes survive a reload; /api and
// /docs keep their own answers).
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import type { Db } from "../db/connection.ts";
import { handleNotFound } from "./errors.ts";
import { sessionRoutes } from "./routes/session.ts";

/** Where `npm run build:web` puts the app; KURA_WEB_ROOT overrides. Undefined when it was not built. */
export function builtWebRoot(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const root = env.KURA_WEB_ROOT ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../dist/web");
  return existsSync(join(root, "index.html")) ? root : undefined;
}

export async function registerWebAdmin(app: FastifyInstance, options: { db: Db; webRoot?: string }) {
  await app.register(sessionRoutes, { prefix: "/api/v1", db: options.db });
  if (options.webRoot) await serveApp(app, options.webRoot);
}

async function serveApp(app: FastifyInstance, root: string) {
  await app.register(fastifyStatic, { root, wildcard: false, index: false });
  const isApiOrDocs = (url: string) => /^\/(api|docs|health|metrics)(\/|$|\?)/.test(url);
  app.get("/", { schema: { hide: true } }, (_request, reply) => reply.sendFile("index.html"));
  app.get("/*", { schema: { hide: true } }, (request, reply) => {
    if (isApiOrDocs(request.url)) return handleNotFound(request, reply);
    return reply.sendFile("index.html");
  });
}
