// Kura's own API is rate-limited per credential, as LOGILESS's is (feature C4): every answer carries
// X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset; a client over its allowance gets 429
// with Retry-After and the usual error body, and nothing of that request is done. A client is its
// Authorization header (an API key or a cart's access token), else its web admin session, else its
// address. Counted in the API process's memory: with several API processes, each counts on its own.
import { createHash } from "node:crypto";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { sessionToken } from "./session-auth.ts";

export interface ApiRateLimit {
  /** Requests one client may make per minute; 0 or less turns the limit off. */
  requestsPerMinute: number;
}

/** Limits every route registered in `scope` after this call. */
export async function limitApiRate(scope: FastifyInstance, limit: ApiRateLimit | undefined): Promise<void> {
  if (!limit || limit.requestsPerMinute <= 0) return;
  await scope.register(rateLimit, {
    max: limit.requestsPerMinute,
    timeWindow: 60_000,
    hook: "onRequest",
    keyGenerator: clientKey,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `more than ${context.max} requests in a minute from this client; try again in ${context.after}`,
    }),
  });
}

function clientKey(request: FastifyRequest): string {
  const credential = request.headers.authorization ?? sessionToken(request);
  if (!credential) return `address:${request.ip}`;
  return `credential:${createHash("sha256").update(credential).digest("base64url")}`;
}
