// The cart API: a cart registers an order (LOGILESS's `POST /sales_orders/new` shape).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { orderStatuses } from "../../domain/statuses.ts";
import { registerSalesOrder, registerSalesOrderBody } from "../../operations/cart-orders.ts";
import { authenticateCart } from "../oauth/bearer.ts";
import { errorBody, merchantParams } from "../schemas.ts";

export const cartSecurity = (scope: string) => [{ cartOAuth2: [scope] }];

const registered = z.object({
  sales_order: z.object({
    id: z.number().int(),
    code: z.string(),
    outcome: z.enum(["created", "updated", "unchanged"]),
    status: z.enum(orderStatuses),
    held: z.boolean().describe("Accepted but held for review (確認待ち): see hold_reasons"),
    hold_reasons: z.array(
      z.object({
        code: z.string(),
        field: z.string(),
        message: z.string(),
        value: z.string().optional(),
        valid_values: z
          .array(z.string())
          .optional()
          .describe("e.g. the time slots the delivery method offers"),
      }),
    ),
    message: z.string(),
  }),
});

export const cartOrderRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.post(
    "/sales_orders/new",
    {
      onRequest: authenticateCart(db, "orders:write"),
      schema: {
        tags: ["cart API"],
        summary: "Register an order (cart)",
        description:
          "Idempotent by `code`: the same order again changes nothing (200, unchanged); a changed order " +
          "updates it until picking starts (423 after). Refused with 400, naming the field: several delivery " +
          "addresses, a line without `article_code` (bundled extra), an `article_code` with characters other " +
          "than half-width letters, digits, `-` and `_`. An order that cannot be mapped (unknown code, " +
          "unmapped payment or delivery method, time slot the method does not offer) is accepted and held: " +
          "`held: true` with `hold_reasons`.",
        security: cartSecurity("orders:write"),
        params: merchantParams,
        body: registerSalesOrderBody,
        response: { 200: registered, 201: registered, 403: errorBody },
      },
    },
    async (request, reply) => {
      const result = await registerSalesOrder(db, request.cart, request.body.sales_order);
      return reply.status(result.outcome === "created" ? 201 : 200).send({ sales_order: result });
    },
  );
};
