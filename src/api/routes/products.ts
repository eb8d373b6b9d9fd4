// Products / SKUs (商品), addressed by their product code (商品コード).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { findProductByCode, listProducts } from "../../db/repositories/queries/products.ts";
import { notFound } from "../../domain/errors.ts";
import { productCodeSchema, productInput } from "../../domain/master-inputs.ts";
import { upsertProduct } from "../../operations/masters.ts";
import { bearerSecurity, merchantParams, page, pageOf, pagingQuery, paramsWith } from "../schemas.ts";

const product = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  janCode: z.string().nullable(),
  safetyStock: z.number().int().describe("Units kept back from every channel"),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const productRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["products"], security: bearerSecurity };

  app.get(
    "/products",
    {
      schema: {
        ...doc,
        summary: "List products, optionally those whose code starts with q",
        params: merchantParams,
        querystring: pagingQuery.extend({ q: z.string().trim().optional() }),
        response: { 200: pageOf(product) },
      },
    },
    async (request) =>
      page(
        request.query,
        await listProducts(db, request.organizationId, { codePrefix: request.query.q }, request.query),
      ),
  );

  app.get(
    "/products/:code",
    {
      schema: {
        ...doc,
        summary: "One product by its code",
        params: paramsWith({ code: z.string() }),
        response: { 200: product },
      },
    },
    async (request) => {
      const found = await findProductByCode(db, request.organizationId, request.params.code);
      if (!found) throw notFound(`product ${request.params.code}`, "code");
      return found;
    },
  );

  app.put(
    "/products/:code",
    {
      schema: {
        ...doc,
        summary: "Create the product with this code, or update it",
        params: paramsWith({ code: productCodeSchema }),
        body: productInput.omit({ code: true }),
        response: { 200: product, 201: product },
      },
    },
    async (request, reply) => {
      const { code } = request.params;
      const existed = (await findProductByCode(db, request.organizationId, code)) !== null;
      const saved = await upsertProduct(db, request.organizationId, { ...request.body, code });
      return reply.status(existed ? 200 : 201).send(saved);
    },
  );
};
