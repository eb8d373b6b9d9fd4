// The cart API: stock per item of the store, by codes or changed since a cursor
// (LOGILESS's `logical_inventory_summaries`).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { stockByCodes, stockChangesSince } from "../../operations/cart-stock.ts";
import { authenticateCart } from "../oauth/bearer.ts";
import { errorBody, merchantParams } from "../schemas.ts";
import { cartSecurity } from "./cart-orders.ts";

const stockItem = z
  .object({
    article_code: z.string(),
    option_code: z.string(),
    free: z.number().int().describe("フリー在庫: available to sell now"),
    stock_out: z.boolean(),
    unlimited: z.boolean().describe("The store sells it with unlimited stock: leave the cart's number alone"),
  })
  .meta({ id: "CartStockItem" });

const codesQuery = z.object({
  article_code: z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((v) => v.split(","))
        .map((v) => v.trim())
        .filter((v) => v !== ""),
    )
    .describe("Item codes, repeated or comma-separated (at most 100)"),
});

const changesQuery = z.object({
  cursor: z.string().optional().describe("next_cursor of the previous answer; none: from the start"),
  limit: z.coerce.number().int().min(1, "must be at least 1").max(100, "must be at most 100").default(100),
});

export const cartStockRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["cart API"], security: cartSecurity("stock:read") };
  const onRequest = authenticateCart(db, "stock:read");

  app.get(
    "/logical_inventory_summaries",
    {
      onRequest,
      schema: {
        ...doc,
        summary: "Stock of items by code (cart)",
        params: merchantParams,
        querystring: codesQuery,
        response: {
          200: z.object({ data: z.array(stockItem), not_found: z.array(z.string()) }),
          403: errorBody,
        },
      },
    },
    async (request) => stockByCodes(db, request.cart, request.query.article_code),
  );

  app.get(
    "/logical_inventory_summaries/changes",
    {
      onRequest,
      schema: {
        ...doc,
        summary: "Items whose stock changed since a cursor (cart)",
        description:
          "Pages of at most `limit` products, ordered by their last stock change; every item of the store " +
          "that contains one of them is in `data`. Ask again with `next_cursor` while `has_more`; keep the " +
          "last `next_cursor` for the next poll.",
        params: merchantParams,
        querystring: changesQuery,
        response: {
          200: z.object({ data: z.array(stockItem), next_cursor: z.string(), has_more: z.boolean() }),
          403: errorBody,
        },
      },
    },
    async (request) => stockChangesSince(db, request.cart, request.query.cursor, request.query.limit),
  );
};
