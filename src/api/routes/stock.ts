// Stock: levels per SKU × warehouse, the ledger, receipts (入荷), stocktakes (棚卸) and availability.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/connection.ts";
import { findCorrespondence } from "../../db/repositories/queries/correspondences.ts";
import { findProductByCode } from "../../db/repositories/queries/products.ts";
import {
  listLedger,
  listProductTotals,
  listStockLevels,
  stockInWarehouse,
  stockLevelOf,
} from "../../db/repositories/queries/stock.ts";
import { findStoreView } from "../../db/repositories/queries/stores.ts";
import { stockMovementKinds } from "../../db/schema.ts";
import { availableForItem, availableToSell } from "../../domain/availability.ts";
import { notFound } from "../../domain/errors.ts";
import { receiveStock, stocktake } from "../../operations/stock-movements.ts";
import { bearerSecurity, merchantParams, page, pageOf, pagingQuery } from "../schemas.ts";
import { storeParams } from "./stores.ts";

const figures = {
  onHand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int().describe("On hand − reserved − safety stock, never below 0"),
};

const level = z.object({
  productCode: z.string(),
  productName: z.string(),
  warehouseCode: z.string(),
  ...figures,
  safetyStock: z.number().int(),
  updatedAt: z.date(),
});

const movement = z.object({
  id: z.number().int(),
  productCode: z.string(),
  warehouseCode: z.string(),
  kind: z.enum(stockMovementKinds),
  onHandDelta: z.number().int(),
  reservedDelta: z.number().int(),
  orderId: z.number().int().nullable(),
  shipmentId: z.number().int().nullable(),
  reason: z.string().nullable(),
  actor: z.string(),
  createdAt: z.date(),
});

const productAvailability = z.object({
  productCode: z.string(),
  productName: z.string(),
  ...figures,
  safetyStock: z.number().int(),
});

const itemAvailability = z.object({
  itemCode: z.string(),
  optionCode: z.string(),
  source: z
    .enum(["correspondence", "product"])
    .describe("Through the correspondence table, or the product 1:1"),
  unlimitedStock: z.boolean(),
  warehouseCode: z.string(),
  available: z.number().int().describe("Whole items (sets) the parts allow"),
  components: z.array(
    z.object({ productCode: z.string(), quantity: z.number().int(), available: z.number().int() }),
  ),
});

const movementResult = z.object({
  productCode: z.string(),
  warehouseCode: z.string(),
  ...figures,
  allocatedOrderIds: z.array(z.number().int()).describe("Waiting orders the stock went to"),
});

const movementTarget = {
  productCode: z.string().trim().min(1, "is required"),
  warehouseCode: z.string().trim().min(1, "is required"),
  reason: z.string().trim().max(500).optional(),
};

const withAvailable = <T extends { onHand: number; reserved: number; safetyStock: number }>(row: T) => ({
  ...row,
  available: availableToSell(row),
});

export const stockRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const doc = { tags: ["stock"], security: bearerSecurity };
  const filters = {
    productCode: z.string().optional(),
    warehouseCode: z.string().optional(),
  };

  app.get(
    "/stock",
    {
      schema: {
        ...doc,
        summary: "Stock levels per SKU × warehouse",
        params: merchantParams,
        querystring: pagingQuery.extend(filters),
        response: { 200: pageOf(level) },
      },
    },
    async (request) => {
      const { productCode, warehouseCode } = request.query;
      const result = await listStockLevels(
        db,
        request.organizationId,
        { productCode, warehouseCode },
        request.query,
      );
      return page(request.query, { ...result, rows: result.rows.map(withAvailable) });
    },
  );

  app.get(
    "/stock/ledger",
    {
      schema: {
        ...doc,
        summary: "Stock movements, newest first",
        params: merchantParams,
        querystring: pagingQuery.extend(filters),
        response: { 200: pageOf(movement) },
      },
    },
    async (request) => {
      const { productCode, warehouseCode } = request.query;
      return page(
        request.query,
        await listLedger(db, request.organizationId, { productCode, warehouseCode }, request.query),
      );
    },
  );

  app.post(
    "/stock/receipts",
    {
      schema: {
        ...doc,
        summary: "Receive stock (入荷); waiting orders are allocated at once",
        params: merchantParams,
        body: z.object({
          ...movementTarget,
          quantity: z.number().int("must be a whole number").positive("must be at least 1"),
        }),
        response: { 201: movementResult },
      },
    },
    async (request, reply) => {
      const { organizationId, actor, body } = request;
      const result = await receiveStock(db, { organizationId, actor, ...body });
      const after = await stockLevelOf(db, result.productId, result.warehouseId);
      return reply.status(201).send({
        productCode: body.productCode,
        warehouseCode: body.warehouseCode,
        ...withAvailable(after),
        allocatedOrderIds: result.allocatedOrderIds,
      });
    },
  );

  app.post(
    "/stock/stocktakes",
    {
      schema: {
        ...doc,
        summary: "Record a stocktake count (棚卸): on hand becomes the counted quantity",
        params: merchantParams,
        body: z.object({
          ...movementTarget,
          countedQuantity: z.number().int("must be a whole number").min(0, "must be 0 or more"),
        }),
        response: {
          200: movementResult.extend({
            delta: z.number().int(),
            deallocatedOrderIds: z
              .array(z.number().int())
              .describe("Orders that wait again: fewer were counted"),
          }),
        },
      },
    },
    async (request) => {
      const { organizationId, actor, body } = request;
      const result = await stocktake(db, { organizationId, actor, ...body });
      const after = await stockLevelOf(db, result.productId, result.warehouseId);
      return {
        productCode: body.productCode,
        warehouseCode: body.warehouseCode,
        ...withAvailable(after),
        delta: result.delta,
        deallocatedOrderIds: result.deallocatedOrderIds,
        allocatedOrderIds: result.allocatedOrderIds,
      };
    },
  );

  app.get(
    "/availability",
    {
      schema: {
        ...doc,
        summary: "Available to sell per SKU, over all warehouses",
        params: merchantParams,
        querystring: pagingQuery.extend({ productCode: z.string().optional() }),
        response: { 200: pageOf(productAvailability) },
      },
    },
    async (request) => {
      const filter = { productCode: request.query.productCode };
      const result = await listProductTotals(db, request.organizationId, filter, request.query);
      return page(request.query, { ...result, rows: result.rows.map(withAvailable) });
    },
  );

  app.get(
    "/stores/:storeId/availability",
    {
      schema: {
        ...doc,
        summary:
          "Available to sell of one channel item in the store's warehouse (a set: the min over its parts)",
        params: storeParams,
        querystring: z.object({
          itemCode: z.string().trim().min(1, "is required"),
          optionCode: z.string().trim().default(""),
        }),
        response: { 200: itemAvailability },
      },
    },
    async (request) => {
      const { organizationId } = request;
      const { itemCode, optionCode } = request.query;
      const store = await findStoreView(db, organizationId, request.params.storeId);
      const item = await resolveItem(db, organizationId, store.id, itemCode, optionCode);
      const stock = await stockInWarehouse(
        db,
        organizationId,
        store.warehouseId,
        item.components.map((c) => c.productId),
      );
      const availableByProduct = new Map(stock.map((s) => [s.productId, availableToSell(s)]));
      return {
        itemCode,
        optionCode,
        source: item.source,
        unlimitedStock: item.unlimitedStock,
        warehouseCode: store.warehouseCode,
        available: availableForItem(item.components, availableByProduct),
        components: item.components.map((c) => ({
          productCode: c.productCode,
          quantity: c.quantity,
          available: availableByProduct.get(c.productId) ?? 0,
        })),
      };
    },
  );
};

/** The SKUs behind a channel item: its correspondence entry, else the product of that code 1:1. */
async function resolveItem(
  db: Db,
  organizationId: number,
  storeId: number,
  itemCode: string,
  optionCode: string,
) {
  const entry = await findCorrespondence(db, organizationId, storeId, itemCode, optionCode);
  if (entry)
    return {
      source: "correspondence" as const,
      unlimitedStock: entry.unlimitedStock,
      components: entry.components,
    };
  const product = optionCode === "" ? await findProductByCode(db, organizationId, itemCode) : null;
  if (product) {
    return {
      source: "product" as const,
      unlimitedStock: false,
      components: [{ productId: product.id, productCode: product.code, quantity: 1 }],
    };
  }
  const what = optionCode ? `${itemCode} / ${optionCode}` : itemCode;
  throw notFound(`item ${what} (neither in the correspondence table nor a product)`, "itemCode");
}
