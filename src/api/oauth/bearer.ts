// Who is calling the cart API: an OAuth2 access token (RFC 6750 Bearer) granted for one organization and
// store. An expired, revoked or unknown token answers 401 `invalid_token` (the cart then refreshes or asks
// the merchant to authorize again); a token without the route's scope answers 403 `insufficient_scope`.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "../../db/connection.ts";
import { DomainError, notFound } from "../../domain/errors.ts";
import { type CartCaller, type CartScope, checkAccessToken } from "../../operations/apps.ts";
import { bearerToken } from "../auth.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The cart's authorization; set on every cart route. */
    cart: CartCaller;
  }
}

const reasons = {
  unknown: "the access token is unknown",
  expired: "the access token has expired: refresh it with the refresh token",
  revoked: "the access token was revoked (the app or its authorization was withdrawn)",
};

export function authenticateCart(db: Db, scope: CartScope) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearerToken(request);
    if (!token) {
      reply.header("www-authenticate", 'Bearer realm="kura"');
      throw new DomainError(
        "unauthorized",
        "invalid_request",
        "an access token is required: send Authorization: Bearer <access token>",
      );
    }
    const check = await checkAccessToken(db, token);
    if (!check.ok) {
      reply.header(
        "www-authenticate",
        `Bearer realm="kura", error="invalid_token", error_description="${reasons[check.reason]}"`,
      );
      throw new DomainError("unauthorized", "invalid_token", reasons[check.reason]);
    }
    const merchantId = (request.params as { merchantId?: string }).merchantId ?? "";
    if (String(check.caller.organizationId) !== merchantId)
      throw notFound(`merchant ${merchantId}`, "merchantId");
    if (!check.caller.scopes.includes(scope)) {
      reply.header("www-authenticate", `Bearer realm="kura", error="insufficient_scope", scope="${scope}"`);
      throw new DomainError("forbidden", "insufficient_scope", `the app was not allowed ${scope}`);
    }
    request.cart = check.caller;
    request.organizationId = check.caller.organizationId;
    request.actor = `oauth-app:${check.caller.appId}`;
  };
}
