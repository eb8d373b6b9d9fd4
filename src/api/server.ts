// The HTTP API: one Fastify app with zod schemas at the edge and the OpenAPI document at /docs.
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
import { correspondenceRoutes } from "./routes/correspondences.ts";
import { healthRoutes } from "./routes/health.ts";
import { mappingRoutes } from "./routes/mappings.ts";
import { masterRoutes } from "./routes/masters.ts";
import { orderRoutes } from "./routes/orders.ts";
import { adminRoutes, organizationRoutes } from "./routes/organizations.ts";
import { productRoutes } from "./routes/products.ts";
import { shipmentRoutes } from "./routes/shipments.ts";
import { stockRoutes } from "./routes/stock.ts";
import { storeRoutes } from "./routes/stores.ts";
import { syncRoutes } from "./routes/sync.ts";
import { warehouseRoutes } from "./routes/warehouses.ts";
import { errorResponses } from "./schemas.ts";

export interface ServerOptions {
  db: Db;
  databaseKind: "pglite" | "postgres";
  /** Guards `POST /api/v1/organizations`; without one that route answers 404. */
  adminToken?: string;
  /** true, pino options, or a ready pino logger to share. */
  logger?: boolean | object;
  /** Seals store credentials; without it the credentials routes answer 422. */
  secretBox?: SecretBox;
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
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  await app.register(healthRoutes, { db, databaseKind: options.databaseKind });
  await app.register(adminRoutes, { prefix: "/api/v1", db, adminToken: options.adminToken });
  await app.register(
    async (merchant) => {
      merchant.addHook("onRequest", authenticateMerchant(db));
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
        stockRoutes,
      ]) {
        await merchant.register(routes, { db });
      }
      await merchant.register(syncRoutes, { db, secretBox: options.secretBox });
    },
    { prefix: "/api/v1/merchant/:merchantId" },
  );

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
