// Payment methods (支払方法), delivery services (配送サービス) and delivery methods (配送方法).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import {
  findDeliveryMethod,
  listDeliveryMethods,
  listDeliveryServices,
  listPaymentMethods,
} from "../../db/repositories/queries/masters.ts";
import { deliveryMethodInput, deliveryServiceInput, paymentMethodInput } from "../../domain/master-inputs.ts";
import {
  createDeliveryMethod,
  createDeliveryService,
  createPaymentMethod,
} from "../../operations/masters.ts";
import { bearerSecurity, merchantParams, page, pageOf, pagingQuery } from "../schemas.ts";

const paymentMethod = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  requiresPaymentConfirmation: z.boolean().describe("Prepaid: orders wait for payment (入金待ち)"),
});

const deliveryService = z.object({
  id: z.number().int(),
  code: z.string(),
  carrier: z.string(),
  serviceName: z.string(),
  timeSlots: z.array(z.string()),
});

const deliveryMethod = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  deliveryServiceId: z.number().int(),
  deliveryServiceCode: z.string(),
});

export const masterRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["masters"], security: bearerSecurity, params: merchantParams };

  app.get(
    "/payment-methods",
    {
      schema: {
        ...doc,
        summary: "List payment methods",
        querystring: pagingQuery,
        response: { 200: pageOf(paymentMethod) },
      },
    },
    async (request) =>
      page(request.query, await listPaymentMethods(db, request.organizationId, request.query)),
  );

  app.post(
    "/payment-methods",
    {
      schema: {
        ...doc,
        summary: "Create a payment method",
        body: paymentMethodInput,
        response: { 201: paymentMethod },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createPaymentMethod(db, request.organizationId, request.body)),
  );

  app.get(
    "/delivery-services",
    {
      schema: {
        ...doc,
        summary: "List delivery services (carrier + service + time slots)",
        querystring: pagingQuery,
        response: { 200: pageOf(deliveryService) },
      },
    },
    async (request) =>
      page(request.query, await listDeliveryServices(db, request.organizationId, request.query)),
  );

  app.post(
    "/delivery-services",
    {
      schema: {
        ...doc,
        summary: "Create a delivery service",
        body: deliveryServiceInput,
        response: { 201: deliveryService },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createDeliveryService(db, request.organizationId, request.body)),
  );

  app.get(
    "/delivery-methods",
    {
      schema: {
        ...doc,
        summary: "List delivery methods",
        querystring: pagingQuery,
        response: { 200: pageOf(deliveryMethod) },
      },
    },
    async (request) =>
      page(request.query, await listDeliveryMethods(db, request.organizationId, request.query)),
  );

  app.post(
    "/delivery-methods",
    {
      schema: {
        ...doc,
        summary: "Create a delivery method served by a delivery service",
        body: deliveryMethodInput,
        response: { 201: deliveryMethod },
      },
    },
    async (request, reply) => {
      const created = await createDeliveryMethod(db, request.organizationId, request.body);
      const saved = await findDeliveryMethod(db, request.organizationId, created.id);
      if (!saved) throw new Error("the delivery method vanished after saving");
      return reply.status(201).send(saved);
    },
  );
};
