// The cart API: tracking numbers of fully shipped orders since a cursor (LOGILESS's `outbound_deliveries`).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { trackingSince } from "../../operations/cart-tracking.ts";
import { authenticateCart } from "../oauth/bearer.ts";
import { errorBody, merchantParams } from "../schemas.ts";
import { cartSecurity } from "./cart-orders.ts";

const delivery = z.object({
  order_code: z.string(),
  code: z.string().describe("出荷管理コード"),
  finished_at: z.string().describe("When it was shipped (ISO 8601)"),
  shipped_on: z.string().nullable().describe("Ship date, Japan time"),
  carrier: z.string().nullable(),
  delivery_method: z.string().nullable().describe("As the cart sent it"),
  delivery_tracking_numbers: z.array(z.string()),
});

export const cartTrackingRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    "/outbound_deliveries",
    {
      onRequest: authenticateCart(db, "shipments:read"),
      schema: {
        tags: ["cart API"],
        summary: "Tracking numbers of fully shipped orders since a cursor (cart)",
        description:
          "Orders shipped in full on one shipment slip, oldest first. Orders shipped in part or split over " +
          "several slips are not reported; `pending` lists them with the orders not shipped yet.",
        security: cartSecurity("shipments:read"),
        params: merchantParams,
        querystring: z.object({
          cursor: z.string().optional().describe("next_cursor of the previous answer; none: from the start"),
          limit: z.coerce
            .number()
            .int()
            .min(1, "must be at least 1")
            .max(100, "must be at most 100")
            .default(100),
        }),
        response: {
          200: z.object({
            data: z.array(delivery),
            next_cursor: z.string(),
            has_more: z.boolean(),
            pending: z.array(
              z.object({
                order_code: z.string(),
                status: z.string(),
                reason: z.enum(["not_shipped", "partly_shipped", "split_shipment"]),
              }),
            ),
            pending_count: z.number().int(),
          }),
          403: errorBody,
        },
      },
    },
    async (request) => trackingSince(db, request.cart, request.query.cursor, request.query.limit),
  );
};
