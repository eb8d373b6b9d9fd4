// Who is calling: an API key (Bearer) scoped to one organization, or the operator's admin token.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { Db } from "../db/connection.ts";
import { apiKeyForToken } from "../db/repositories/queries/api-keys.ts";
import { notFound } from "../domain/errors.ts";
import { unauthorized } from "./errors.ts";
import { sessionUser } from "./session-auth.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The organization of the API key; set on every merchant route. */
    organizationId: number;
    /** Recorded on every change made through the API: `api-key:<key id>`. */
    actor: string;
  }
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * Resolves the API key and checks it belongs to the merchant in the path. Another organization's
 * merchant id answers 404, exactly like one that does not exist.
 */
export function authenticateMerchant(db: Db) {
  return async (request: FastifyRequest) => {
    const token = bearerToken(request);
    if (!token) return authenticateSession(db, request);
    const key = await apiKeyForToken(db, token);
    if (key === null) throw unauthorized("the API key is unknown or revoked");
    const { organizationId } = key;
    const merchantId = (request.params as { merchantId?: string }).merchantId ?? "";
    if (String(organizationId) !== merchantId) throw notFound(`merchant ${merchantId}`, "merchantId");
    request.organizationId = organizationId;
    request.actor = `api-key:${key.id}`;
  };
}

/** The web admin: a signed-in user's session cookie stands for an API key of the user's organization. */
async function authenticateSession(db: Db, request: FastifyRequest) {
  const user = await sessionUser(db, request);
  if (!user) throw unauthorized("an API key is required: send Authorization: Bearer <api key>");
  const merchantId = (request.params as { merchantId?: string }).merchantId ?? "";
  if (String(user.organizationId) !== merchantId) throw notFound(`merchant ${merchantId}`, "merchantId");
  request.organizationId = user.organizationId;
  request.actor = `user:${user.id}`;
  request.user = user;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** The admin token guards creating organizations; without one configured the route answers 404. */
export function checkAdminToken(request: FastifyRequest, adminToken: string | undefined): void {
  if (!adminToken) throw notFound("route");
  const token = bearerToken(request);
  if (!token || !timingSafeEqual(digest(token), digest(adminToken))) {
    throw unauthorized("the admin token is required: send Authorization: Bearer <admin token>");
  }
}
