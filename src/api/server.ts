// The HTTP API: one Fastify app with zod schemas at the edge and the OpenAPI document at /docs.
import cookie from "@fastify/cookie";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from "fastify-type-provider-zod";
import type { Db } from "../db/connection.ts";
import type { SecretBox } from "../lib/secrets.ts";
import { authenticateMerchant } from "./auth.ts";
import { handleError, handleNotFound } from "./errors.ts";
import { type ApiRateLimit, limitApiRate } from "./rate-limit.ts";
import { adminConsoleRoutes } from "./routes/admin-console.ts";
import { bundleRoutes } from "./routes/bundles.ts";
import { cartApiRoutes, cartAppRoutes, cartSecuritySchemes, type OAuthOptions } from "./routes/cart-api.ts";
import { correspondenceRoutes } from "./routes/correspondences.ts";
import { healthRoutes } from "./routes/health.ts";
import { mailRoutes } from "./routes/mail.ts";
import { mappingRoutes } from "./routes/mappings.ts";
import { masterRoutes } from "./routes/masters.ts";
import { multiWarehouseRoutes } from "./routes/multi-warehouse.ts";
import { orderImportRoutes } from "./routes/order-import.ts";
import { orderRuleRoutes } from "./routes/order-rules.ts";
import { orderRoutes } from "./routes/orders.ts";
import { adminRoutes, organizationRoutes } from "./routes/organizations.ts";
import { productUploadRoutes } from "./routes/product-uploads.ts";
import { productRoutes } from "./routes/products.ts";
import { shipmentRoutes } from "./routes/shipments.ts";
import { stockRoutes } from "./routes/stock.ts";
import { storeRoutes } from "./routes/stores.ts";
import { syncRoutes } from "./routes/sync.ts";
import { warehouseRoutes } from "./routes/warehouses.ts";
import { errorResponses } from "./schemas.ts";
import { checkTenantScope } from "./tenant-scope.ts";
import { registerWebAdmin } from "./web-admin.ts";

export interface ServerOptions {
  db: Db;
  databaseKind: "pglite" | "postgres";
  /** Guards `POST /api/v1/organizations`; without one that route answers 404. */
  adminToken?: string;
  /** true, pino options, or a ready pino logger to share. */
  logger?: boolean | object;
  /** Seals store credentials; without it the credentials routes answer 422. */
  secretBox?: SecretBox;
  /** Lifetimes of the cart OAuth2 provider's codes and tokens (defaults: src/api/oauth/routes.ts). */
  oauth?: OAuthOptions;
  /** The built web admin to serve at `/` (see web-admin.ts); without it only the API is served. */
  webRoot?: string;
  /** Requests per minute per client on the merchant and cart API (rate-limit.ts); without it, no limit. */
  rateLimit?: ApiRateLimit;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { db } = options;
  const app = createFastify(options.logger ?? false);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  app.addHook("onRoute", documentErrors);

  await app.register(swagger, {
    openapi: {
      info: {
        title: "Kura API",
        version: "1",
        description:
          "Orders, shipments, stock and masters of one merchant (organization). Lists answer " +
          "`{ data, current_page, limit, total_count }`; errors answer `{ error: { code, message, field? } }`.",
      },
      components: {
        securitySchemes: {
          apiKey: { type: "http", scheme: "bearer", description: "An API key of the merchant" },
          adminToken: { type: "http", scheme: "bearer", description: "The operator's admin token" },
          ...cartSecuritySchemes,
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  await app.register(cookie); // once, for the web admin's session and the OAuth2 consent page
  await registerWebAdmin(app, { db, webRoot: options.webRoot });
  await app.register(healthRoutes, { db, databaseKind: options.databaseKind });
  await app.register(adminRoutes, { prefix: "/api/v1", db, adminToken: options.adminToken });
  await app.register(
    async (merchant) => {
      merchant.addHook("onRequest", authenticateMerchant(db));
      merchant.addHook("preValidation", checkTenantScope(db));
      await limitApiRate(merchant, options.rateLimit);
      for (const routes of [
        organizationRoutes,
        warehouseRoutes,
        storeRoutes,
        productRoutes,
        correspondenceRoutes,
        masterRoutes,
        mappingRoutes,
        orderRoutes,
        shipmentRoutes,
        bundleRoutes,
        stockRoutes,
        productUploadRoutes,
        orderRuleRoutes,
        multiWarehouseRoutes,
        cartAppRoutes,
        mailRoutes,
        adminConsoleRoutes,
      ]) {
        await merchant.register(routes, { db });
      }
      await merchant.register(syncRoutes, { db, secretBox: options.secretBox });
      await merchant.register(orderImportRoutes, { db, secretBox: options.secretBox });
    },
    { prefix: "/api/v1/merchant/:merchantId" },
  );
  await app.register(cartApiRoutes, { db, oauth: options.oauth, rateLimit: options.rateLimit });

  await app.ready();
  return app;
}

function createFastify(logger: boolean | object): FastifyInstance {
  const isLoggerInstance =
    typeof logger === "object" && typeof (logger as { child?: unknown }).child === "function";
  if (isLoggerInstance)
    return Fastify({ loggerInstance: logger as FastifyBaseLogger }) as unknown as FastifyInstance;
  return Fastify({ logger });
}

/** Adds the error answers to every API route's documented responses (and serializes them the same way). */
function documentErrors(route: RouteOptions): void {
  if (!route.url.startsWith("/api/")) return;
  const schema = route.schema ?? {};
  route.schema = { ...schema, response: { ...errorResponses, ...(schema.response as object | undefined) } };
}
