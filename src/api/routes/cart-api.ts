// Everything a cart talks to, registered from server.ts in one call: the OAuth2 provider (/oauth/…) and the
// versioned cart API under /api/v1/merchant/:merchantId (OAuth2 bearer tokens, not API keys).
import type { FastifyInstance } from "fastify";
import type { Db } from "../../db/connection.ts";
import { cartScopes, scopeLabels } from "../../operations/apps.ts";
import { type OAuthOptions, oauthRoutes } from "../oauth/routes.ts";
import { type ApiRateLimit, limitApiRate } from "../rate-limit.ts";
import { cartOrderRoutes } from "./cart-orders.ts";
import { cartStockRoutes } from "./cart-stock.ts";
import { cartTrackingRoutes } from "./cart-tracking.ts";

export { cartAppRoutes } from "./cart-apps.ts";
export type { OAuthOptions };

export async function cartApiRoutes(
  app: FastifyInstance,
  options: { db: Db; oauth?: OAuthOptions; rateLimit?: ApiRateLimit },
) {
  const { db } = options;
  await app.register(oauthRoutes, { db, ...options.oauth });
  await app.register(
    async (cart) => {
      await limitApiRate(cart, options.rateLimit);
      for (const routes of [cartOrderRoutes, cartStockRoutes, cartTrackingRoutes])
        await cart.register(routes, { db });
    },
    { prefix: "/api/v1/merchant/:merchantId" },
  );
}

/** The OpenAPI security scheme of the cart API. */
export const cartSecuritySchemes = {
  cartOAuth2: {
    type: "oauth2" as const,
    description: "A cart's access token from Kura's OAuth2 provider (authorization-code flow)",
    flows: {
      authorizationCode: {
        authorizationUrl: "/oauth/authorize",
        tokenUrl: "/oauth/token",
        refreshUrl: "/oauth/token",
        scopes: Object.fromEntries(cartScopes.map((s) => [s, scopeLabels[s].en])),
      },
    },
  },
};
