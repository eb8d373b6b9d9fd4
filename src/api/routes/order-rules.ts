// Order rules (受注ルール) of a store with their dry run, the history of held orders released when a
// replacement rule (置換ルール) was added, and confirming an order a rule held (確認待ち).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { ruleActionSchema, ruleConditionSchema } from "../../domain/order-rules.ts";
import { orderStatuses } from "../../domain/statuses.ts";
import {
  createOrderRule,
  deleteOrderRule,
  dryRunInput,
  dryRunOrderRules,
  listOrderRules,
  orderRuleInput,
  reorderInput,
  reorderOrderRules,
  updateOrderRule,
} from "../../operations/order-rules.ts";
import { confirmOrder, listReleases } from "../../operations/release-held.ts";
import { bearerSecurity, idSchema, paramsWith } from "../schemas.ts";
import { storeParams } from "./stores.ts";

const orderRule = z.object({
  id: z.number().int(),
  storeId: z.number().int(),
  position: z.number().int().describe("Rules run in this order, 1 first"),
  name: z.string(),
  enabled: z.boolean(),
  conditions: z.array(ruleConditionSchema),
  actions: z.array(ruleActionSchema),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const holdReason = z.object({
  code: z.string(),
  field: z.string(),
  message: z.string(),
  value: z.string().optional(),
  validValues: z.array(z.string()).optional(),
});

export const releaseSummary = z.object({
  id: z.number().int(),
  trigger: z
    .string()
    .describe("payment_method / delivery_method / time_slot (a rule was set), or confirmation"),
  channelValue: z.string().nullable().describe("The string the rule maps"),
  examined: z.number().int().describe("Orders that were held for it"),
  released: z.number().int().describe("Of those, released (nothing else holds them)"),
  stillHeld: z.number().int().describe("Still held for another reason"),
  orderIds: z.array(z.number().int()).describe("The released orders"),
});

const dryRunResult = z.object({
  rules: z.array(
    z.object({
      ruleId: z.number().int(),
      name: z.string(),
      enabled: z.boolean(),
      matched: z.boolean(),
      conditions: z.array(z.object({ condition: ruleConditionSchema, matched: z.boolean() })),
      actions: z.array(ruleActionSchema),
    }),
  ),
  triggered: z.array(z.object({ ruleId: z.number().int(), name: z.string() })),
  result: z.object({
    held: z.boolean(),
    holdReasons: z.array(holdReason),
    tags: z.array(z.string()),
    requestedDate: z.string().nullable(),
    deliveryMethod: z.string().nullable(),
    paymentMethod: z.string().nullable(),
    timeSlot: z.string().nullable(),
    recipient: z.record(z.string(), z.unknown()).nullable(),
    fees: z.array(z.object({ name: z.string(), amount: z.number().int(), kind: z.string() })),
    total: z.number().int(),
  }),
});

const ruleParams = paramsWith({ storeId: idSchema, ruleId: idSchema });
const orderParams = paramsWith({ orderId: idSchema });

export const orderRuleRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["order rules"], security: bearerSecurity };

  app.get(
    "/stores/:storeId/order-rules",
    {
      schema: {
        ...doc,
        summary: "The store's order rules, in the order they run at registration",
        params: storeParams,
        response: { 200: z.object({ data: z.array(orderRule) }) },
      },
    },
    async (request) => ({ data: await listOrderRules(db, request.organizationId, request.params.storeId) }),
  );

  app.post(
    "/stores/:storeId/order-rules",
    {
      schema: {
        ...doc,
        summary: "Add an order rule (at the end, or at `position`)",
        params: storeParams,
        body: orderRuleInput,
        response: { 201: orderRule },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createOrderRule(db, request.organizationId, request.params.storeId, request.body)),
  );

  app.put(
    "/stores/:storeId/order-rules/:ruleId",
    {
      schema: {
        ...doc,
        summary: "Replace an order rule; orders already registered keep what it did to them",
        params: ruleParams,
        body: orderRuleInput,
        response: { 200: orderRule },
      },
    },
    async (request) =>
      updateOrderRule(
        db,
        request.organizationId,
        request.params.storeId,
        request.params.ruleId,
        request.body,
      ),
  );

  app.delete(
    "/stores/:storeId/order-rules/:ruleId",
    {
      schema: {
        ...doc,
        summary: "Delete an order rule",
        params: ruleParams,
        response: { 204: z.undefined() },
      },
    },
    async (request, reply) => {
      await deleteOrderRule(db, request.organizationId, request.params.storeId, request.params.ruleId);
      return reply.status(204).send();
    },
  );

  app.put(
    "/stores/:storeId/order-rules-order",
    {
      schema: {
        ...doc,
        summary: "Set the order the rules run in (every rule id once)",
        params: storeParams,
        body: reorderInput,
        response: { 200: z.object({ data: z.array(orderRule) }) },
      },
    },
    async (request) => ({
      data: await reorderOrderRules(db, request.organizationId, request.params.storeId, request.body),
    }),
  );

  app.post(
    "/stores/:storeId/order-rules/dry-run",
    {
      schema: {
        ...doc,
        summary: "Which rules an order would trigger and what they would do (nothing is saved)",
        params: storeParams,
        body: dryRunInput,
        response: { 200: dryRunResult },
      },
    },
    async (request) => dryRunOrderRules(db, request.organizationId, request.params.storeId, request.body),
  );

  app.get(
    "/stores/:storeId/held-order-releases",
    {
      schema: {
        ...doc,
        summary:
          "History: held orders re-processed when a replacement rule (置換ルール) was set, newest first",
        params: storeParams,
        response: {
          200: z.object({
            data: z.array(releaseSummary.extend({ actor: z.string(), createdAt: z.date() })),
          }),
        },
      },
    },
    async (request) => ({ data: await listReleases(db, request.organizationId, request.params.storeId) }),
  );

  app.post(
    "/orders/:orderId/confirm",
    {
      schema: {
        ...doc,
        summary: "Confirm an order an order rule held (確認待ち): it is mapped, allocated and released",
        params: orderParams,
        response: {
          200: z.object({
            orderId: z.number().int(),
            released: z.boolean(),
            status: z.enum(orderStatuses).optional(),
            holdReasons: z.array(holdReason),
          }),
        },
      },
    },
    async (request) => confirmOrder(db, request.organizationId, request.params.orderId, request.actor),
  );
};
