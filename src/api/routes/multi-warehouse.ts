// Several warehouses and stock sent per item: the store's warehouse choice rules, stock transfers
// between warehouses (在庫移動), allocation transfers between orders (引当振替), and the stock formula of a
// correspondence entry (在庫連動の計算式).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { orderStatuses } from "../../domain/statuses.ts";
import { allocationTransferInput, transferAllocation } from "../../operations/allocation-transfer.ts";
import { getStockFormula, setStockFormula, stockFormulaSetting } from "../../operations/stock-formula.ts";
import { listStockTransfers, stockTransferInput, transferStock } from "../../operations/stock-transfer.ts";
import {
  listWarehouseChoiceRules,
  setWarehouseChoiceRules,
  warehouseChoiceInput,
} from "../../operations/warehouse-choice.ts";
import { bearerSecurity, merchantParams } from "../schemas.ts";
import { storeParams } from "./stores.ts";

const warehouseChoice = z.object({
  defaultWarehouseCode: z
    .string()
    .describe("The store's default source warehouse (PATCH the store to change)"),
  rules: z.array(
    z.object({ position: z.number().int(), prefectures: z.array(z.string()), warehouseCode: z.string() }),
  ),
});

const level = z.object({ onHand: z.number().int(), reserved: z.number().int() });

const transfer = z.object({
  id: z.number().int(),
  productCode: z.string(),
  fromWarehouseCode: z.string(),
  toWarehouseCode: z.string(),
  quantity: z.number().int(),
});

const formulaView = z.object({
  itemCode: z.string(),
  optionCode: z.string(),
  formula: z.object({
    reserve: z.number().int(),
    sharePercent: z.number().int(),
    maximum: z.number().int().nullable(),
    minimum: z.number().int().nullable(),
  }),
  sendOnceAfterReceipt: z.boolean(),
  warehouseCodes: z.array(z.string()),
});

export const multiWarehouseRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { security: bearerSecurity };

  app.get(
    "/stores/:storeId/warehouse-rules",
    {
      schema: {
        ...doc,
        tags: ["warehouses"],
        summary: "Where the store's orders ship from: the default warehouse and the rules by prefecture",
        params: storeParams,
        response: { 200: warehouseChoice },
      },
    },
    async (request) => listWarehouseChoiceRules(db, request.organizationId, request.params.storeId),
  );

  app.put(
    "/stores/:storeId/warehouse-rules",
    {
      schema: {
        ...doc,
        tags: ["warehouses"],
        summary: "Replace the store's warehouse choice rules (first rule naming the prefecture wins)",
        params: storeParams,
        body: warehouseChoiceInput,
        response: { 200: warehouseChoice },
      },
    },
    async (request) =>
      setWarehouseChoiceRules(db, request.organizationId, request.params.storeId, request.body),
  );

  app.post(
    "/stock/transfers",
    {
      schema: {
        ...doc,
        tags: ["stock"],
        summary: "Move free units of a product to another warehouse (在庫移動)",
        params: merchantParams,
        body: stockTransferInput,
        response: {
          201: transfer.extend({
            from: level,
            to: level,
            allocatedOrderIds: z.array(z.number().int()).describe("Waiting orders the units went to"),
          }),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await transferStock(db, request.organizationId, request.body, request.actor)),
  );

  app.get(
    "/stock/transfers",
    {
      schema: {
        ...doc,
        tags: ["stock"],
        summary: "The latest stock transfers, newest first",
        params: merchantParams,
        response: {
          200: z.object({
            data: z.array(
              transfer.extend({ reason: z.string().nullable(), actor: z.string(), createdAt: z.date() }),
            ),
          }),
        },
      },
    },
    async (request) => ({ data: await listStockTransfers(db, request.organizationId) }),
  );

  app.post(
    "/allocation-transfers",
    {
      schema: {
        ...doc,
        tags: ["orders"],
        summary: "Move an order's allocation to an order waiting for allocation (引当振替)",
        params: merchantParams,
        body: allocationTransferInput,
        response: {
          200: z.object({
            from: z.object({ orderId: z.number().int(), status: z.enum(orderStatuses) }),
            to: z.object({ orderId: z.number().int(), status: z.enum(orderStatuses) }),
          }),
        },
      },
    },
    async (request) => transferAllocation(db, request.organizationId, request.body, request.actor),
  );

  app.get(
    "/stores/:storeId/stock-formulas",
    {
      schema: {
        ...doc,
        tags: ["correspondences"],
        summary: "The stock formula of one correspondence entry",
        params: storeParams,
        querystring: z.object({
          itemCode: z.string().trim().min(1, "is required"),
          optionCode: z.string().trim().default(""),
        }),
        response: { 200: formulaView },
      },
    },
    async (request) =>
      getStockFormula(
        db,
        request.organizationId,
        request.params.storeId,
        request.query.itemCode,
        request.query.optionCode,
      ),
  );

  app.put(
    "/stores/:storeId/stock-formulas",
    {
      schema: {
        ...doc,
        tags: ["correspondences"],
        summary:
          "Set the stock formula of one entry: reserve (予備在庫数), share % (在庫割当率), maximum (上限在庫数), " +
          "minimum (下限在庫数), send once after a receipt, warehouses counted",
        params: storeParams,
        body: stockFormulaSetting,
        response: { 200: formulaView },
      },
    },
    async (request) => setStockFormula(db, request.organizationId, request.params.storeId, request.body),
  );
};
