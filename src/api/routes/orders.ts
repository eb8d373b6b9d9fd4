// Order slips (受注伝票): register from a channel, search, read everything about one, cancel.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { listOrders, orderDetail, orderHoldReasons } from "../../db/repositories/queries/orders.ts";
import { notFound } from "../../domain/errors.ts";
import { orderInputSchema } from "../../domain/order-input.ts";
import { orderStatuses, shipmentStatuses } from "../../domain/statuses.ts";
import { cancelOrder } from "../../operations/cancel-order.ts";
import { registerOrder } from "../../operations/register-order.ts";
import {
  bearerSecurity,
  idSchema,
  merchantParams,
  page,
  pageOf,
  pagingQuery,
  paramsWith,
} from "../schemas.ts";
import { storeParams } from "./stores.ts";

const holdReason = z.object({
  code: z.string(),
  field: z.string(),
  message: z.string(),
  value: z.string().optional(),
  validValues: z.array(z.string()).optional(),
});

const registered = z.object({
  orderId: z.number().int(),
  outcome: z.enum(["created", "updated", "unchanged"]),
  status: z.enum(orderStatuses),
  held: z.boolean(),
  holdReasons: z.array(holdReason),
});

const orderSummary = z.object({
  id: z.number().int(),
  storeId: z.number().int(),
  orderCode: z.string(),
  kuraCode: z
    .string()
    .nullable()
    .describe("The store's prefix + the channel's code, unique in the organization"),
  originalOrderCode: z.string().nullable(),
  tags: z.array(z.string()).describe("Set by order rules"),
  channelStatus: z.string().nullable(),
  status: z.enum(orderStatuses),
  holdReasons: z.array(holdReason),
  allocated: z.boolean(),
  orderedAt: z.date(),
  buyerName: z.string().nullable(),
  total: z.number().int(),
  shipmentId: z.number().int().nullable(),
  shippedAt: z.date().nullable(),
  cancelledAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const json = z.record(z.string(), z.unknown());
const orderDetailSchema = orderSummary.omit({ buyerName: true }).extend({
  held: z.boolean(),
  warehouseId: z
    .number()
    .int()
    .nullable()
    .describe("The warehouse chosen at registration; null: the store's"),
  buyer: json,
  deliveryAddress: json,
  deliveryMethodReceived: z.string().nullable(),
  deliveryMethodId: z.number().int().nullable(),
  deliveryMethodCode: z.string().nullable(),
  requestedDate: z.string().nullable(),
  timeSlotReceived: z.string().nullable(),
  timeSlot: z.string().nullable(),
  paymentMethodReceived: z.string().nullable(),
  paymentMethodId: z.number().int().nullable(),
  paymentMethodCode: z.string().nullable(),
  paymentConfirmed: z.boolean(),
  amounts: json,
  raw: z.unknown().describe("The channel's payload as received"),
  cancelledBy: z.string().nullable(),
  cancelReason: z.string().nullable(),
  lines: z.array(
    z.object({
      id: z.number().int(),
      lineNo: z.number().int(),
      itemCode: z.string().nullable(),
      optionCode: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      unitPrice: z.number().int(),
      taxRate: z.number().int().nullable(),
      correspondenceId: z.number().int().nullable(),
    }),
  ),
  items: z
    .array(
      z.object({
        lineNo: z.number().int(),
        productCode: z.string(),
        warehouseCode: z.string(),
        quantity: z.number().int(),
        allocated: z.boolean(),
      }),
    )
    .describe("The SKUs the order needs, sets exploded into their parts"),
  shipment: z.object({ id: z.number().int(), code: z.string(), status: z.enum(shipmentStatuses) }).nullable(),
  history: z.array(
    z.object({
      id: z.number().int(),
      action: z.string(),
      actor: z.string(),
      detail: json,
      createdAt: z.date(),
    }),
  ),
});

const dateOrDateTime = z
  .string()
  .refine(
    (value) =>
      z.iso.date().safeParse(value).success || z.iso.datetime({ offset: true }).safeParse(value).success,
    "must be a date (YYYY-MM-DD, a day in Japan time) or an ISO date-time with offset",
  );

const orderQuery = pagingQuery.extend({
  status: z.enum(orderStatuses).optional(),
  storeId: idSchema.optional(),
  code: z
    .string()
    .optional()
    .describe(
      "The order code, exactly (also a code freed by a cancellation, or Kura's code with the prefix)",
    ),
  codePrefix: z.string().optional().describe("Order codes starting with this"),
  orderedFrom: dateOrDateTime.optional().describe("Inclusive"),
  orderedTo: dateOrDateTime.optional().describe("Inclusive; a date means the whole day"),
  held: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .describe("Only orders held for review (true) or not held (false)"),
});

const isDateOnly = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);
const japanMidnight = (date: string) => new Date(`${date}T00:00:00+09:00`);
const oneDay = 24 * 60 * 60 * 1000;

function orderedRange(from?: string, to?: string) {
  return {
    orderedFrom: from ? (isDateOnly(from) ? japanMidnight(from) : new Date(from)) : undefined,
    orderedBefore: to
      ? new Date(isDateOnly(to) ? japanMidnight(to).getTime() + oneDay : new Date(to).getTime() + 1)
      : undefined,
  };
}

const orderParams = paramsWith({ orderId: idSchema });

export const orderRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["orders"], security: bearerSecurity };

  app.post(
    "/stores/:storeId/orders",
    {
      schema: {
        ...doc,
        summary: "Register a channel's order (受注取込): created, updated or unchanged by its order code",
        params: storeParams,
        body: orderInputSchema,
        response: { 200: registered, 201: registered },
      },
    },
    async (request, reply) => {
      const { organizationId } = request;
      const result = await registerOrder(db, {
        organizationId,
        storeId: request.params.storeId,
        order: request.body,
        actor: request.actor,
      });
      const holdReasons = await orderHoldReasons(db, organizationId, result.orderId);
      return reply.status(result.outcome === "created" ? 201 : 200).send({ ...result, holdReasons });
    },
  );

  app.get(
    "/orders",
    {
      schema: {
        ...doc,
        summary: "Search orders, newest first",
        params: merchantParams,
        querystring: orderQuery,
        response: { 200: pageOf(orderSummary) },
      },
    },
    async (request) => {
      const { orderedFrom, orderedTo, page: _page, limit: _limit, ...filter } = request.query;
      const range = orderedRange(orderedFrom, orderedTo);
      return page(
        request.query,
        await listOrders(db, request.organizationId, { ...filter, ...range }, request.query),
      );
    },
  );

  app.get(
    "/orders/:orderId",
    {
      schema: {
        ...doc,
        summary: "One order: its lines, SKUs, hold reasons, shipment slip and history",
        params: orderParams,
        response: { 200: orderDetailSchema },
      },
    },
    async (request) => {
      const detail = await orderDetail(db, request.organizationId, request.params.orderId);
      if (!detail) throw notFound(`order ${request.params.orderId}`, "orderId");
      return detail;
    },
  );

  app.post(
    "/orders/:orderId/cancel",
    {
      schema: {
        ...doc,
        summary: "Cancel an order: its stock goes to waiting orders, its shipment slip is cancelled",
        params: orderParams,
        body: z.object({
          reason: z.string().trim().min(1, "is required").max(500, "must be at most 500 characters"),
          allowSameCode: z
            .boolean()
            .default(false)
            .describe("同じ受注コードで新規受注の作成を許可: the channel may send this order code again"),
        }),
        response: {
          200: z.object({
            orderId: z.number().int(),
            status: z.enum(orderStatuses),
            orderCode: z.string(),
            reallocatedOrderIds: z.array(z.number().int()),
          }),
        },
      },
    },
    async (request) =>
      cancelOrder(db, {
        organizationId: request.organizationId,
        orderId: request.params.orderId,
        actor: request.actor,
        reason: request.body.reason,
        allowSameCode: request.body.allowSameCode,
      }),
  );
};
