// Master data: organizations and their API keys, warehouses, stores, products, correspondences,
// payment / delivery masters and per-store mappings. Each function validates its input and is one transaction.
import { createHash, randomBytes } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { z } from "zod";
import { type Db, inTransaction, pgErrorCode } from "../db/connection.ts";
import { getStore, getWarehouseByCode } from "../db/repositories/scope.ts";
import {
  apiKeys,
  correspondenceComponents,
  correspondences,
  deliveryMethods,
  deliveryServices,
  organizations,
  paymentMethods,
  products,
  storeMappings,
  stores,
  warehouses,
} from "../db/schema.ts";
import { conflict, invalid } from "../domain/errors.ts";
import {
  correspondenceInput,
  deliveryMethodInput,
  deliveryServiceInput,
  organizationInput,
  paymentMethodInput,
  productInput,
  storeInput,
  storeMappingInput,
  storeUpdate,
  warehouseInput,
} from "../domain/master-inputs.ts";
import { parseInput } from "../domain/parse.ts";
import { ensureStoreFunctions } from "../jobs/store-functions.ts";
import { releaseHeldOrders, releaseOrdersHeldForItem } from "./release-held.ts";

/** Runs an insert; a unique violation becomes a 409 naming the field that must be unique. */
async function uniquely<T>(field: string, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (pgErrorCode(error) === "23505") throw conflict("already_exists", `${what} already exists`, field);
    throw error;
  }
}

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createOrganization(db: Db, input: z.input<typeof organizationInput>) {
  const data = parseInput(organizationInput, input);
  return inTransaction(db, async (tx) => {
    const [organization] = await tx.insert(organizations).values(data).returning();
    if (!organization) throw new Error("organization insert returned nothing");
    const apiKey = await issueApiKey(tx, organization.id, "initial");
    return { organization, apiKey };
  });
}

/** A new API key; the token is returned once and only its hash is stored. */
export async function issueApiKey(db: Db, organizationId: number, name: string) {
  const token = `kura_${randomBytes(24).toString("base64url")}`;
  const [row] = await db
    .insert(apiKeys)
    .values({ organizationId, name, tokenHash: hashToken(token), tokenPrefix: token.slice(0, 9) })
    .returning({ id: apiKeys.id });
  return { id: row?.id ?? 0, name, token };
}

export async function createWarehouse(db: Db, organizationId: number, input: z.input<typeof warehouseInput>) {
  const data = parseInput(warehouseInput, input);
  return uniquely("code", `warehouse ${data.code}`, async () => {
    const [row] = await db
      .insert(warehouses)
      .values({ organizationId, ...data })
      .returning();
    return row as typeof warehouses.$inferSelect;
  });
}

export async function createStore(db: Db, organizationId: number, input: z.input<typeof storeInput>) {
  const { warehouseCode, ...data } = parseInput(storeInput, input);
  return inTransaction(db, async (tx) => {
    const warehouse = await getWarehouseByCode(tx, organizationId, warehouseCode);
    return uniquely("name", `store ${data.name}`, async () => {
      const [row] = await tx
        .insert(stores)
        .values({ organizationId, warehouseId: warehouse.id, ...data })
        .returning();
      const store = row as typeof stores.$inferSelect;
      await ensureStoreFunctions(tx, store); // its sync schedules, started when credentials are set
      return store;
    });
  });
}

export async function updateStore(
  db: Db,
  organizationId: number,
  storeId: number,
  input: z.input<typeof storeUpdate>,
) {
  const { warehouseCode, ...data } = parseInput(storeUpdate, input);
  return inTransaction(db, async (tx) => {
    await getStore(tx, organizationId, storeId);
    const warehouseId = warehouseCode
      ? (await getWarehouseByCode(tx, organizationId, warehouseCode)).id
      : undefined;
    return uniquely("name", `store ${data.name}`, async () => {
      const [row] = await tx
        .update(stores)
        .set({ ...data, ...(warehouseId ? { warehouseId } : {}), updatedAt: sql`now()` })
        .where(eq(stores.id, storeId))
        .returning();
      return row as typeof stores.$inferSelect;
    });
  });
}

/** Creates a product or updates the one with the same code. */
export async function upsertProduct(db: Db, organizationId: number, input: z.input<typeof productInput>) {
  const data = parseInput(productInput, input);
  const [row] = await db
    .insert(products)
    .values({ organizationId, ...data })
    .onConflictDoUpdate({
      target: [products.organizationId, products.code],
      set: {
        name: data.name,
        janCode: data.janCode ?? null,
        safetyStock: data.safetyStock,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return row as typeof products.$inferSelect;
}

/** Sets one entry of a store's correspondence table (商品対応表), replacing its components. */
export async function setCorrespondence(
  db: Db,
  organizationId: number,
  storeId: number,
  input: z.input<typeof correspondenceInput>,
) {
  const data = parseInput(correspondenceInput, input);
  return inTransaction(db, async (tx) => {
    const store = await getStore(tx, organizationId, storeId);
    const codes = data.components.map((c) => c.productCode);
    const found = await tx
      .select({ id: products.id, code: products.code })
      .from(products)
      .where(and(eq(products.organizationId, organizationId), inArray(products.code, codes)));
    const idByCode = new Map(found.map((p) => [p.code, p.id]));
    const missing = codes.findIndex((c) => !idByCode.has(c));
    if (missing >= 0) {
      throw invalid(
        "unknown_product",
        `product ${codes[missing]} does not exist`,
        `components[${missing}].productCode`,
      );
    }
    const [entry] = await tx
      .insert(correspondences)
      .values({
        organizationId,
        storeId,
        itemCode: data.itemCode,
        optionCode: data.optionCode,
        unlimitedStock: data.unlimitedStock,
      })
      .onConflictDoUpdate({
        target: [correspondences.storeId, correspondences.itemCode, correspondences.optionCode],
        set: { unlimitedStock: data.unlimitedStock },
      })
      .returning();
    if (!entry) throw new Error("correspondence upsert returned nothing");
    await tx.delete(correspondenceComponents).where(eq(correspondenceComponents.correspondenceId, entry.id));
    await tx.insert(correspondenceComponents).values(
      data.components.map((c) => ({
        correspondenceId: entry.id,
        productId: idByCode.get(c.productCode) as number,
        quantity: c.quantity,
      })),
    );
    // Orders held because this item had no entry are mapped again now.
    await releaseOrdersHeldForItem(tx, store, data, "correspondence");
    return { ...entry, components: data.components };
  });
}

export async function createPaymentMethod(
  db: Db,
  organizationId: number,
  input: z.input<typeof paymentMethodInput>,
) {
  const data = parseInput(paymentMethodInput, input);
  return uniquely("code", `payment method ${data.code}`, async () => {
    const [row] = await db
      .insert(paymentMethods)
      .values({ organizationId, ...data })
      .returning();
    return row as typeof paymentMethods.$inferSelect;
  });
}

export async function createDeliveryService(
  db: Db,
  organizationId: number,
  input: z.input<typeof deliveryServiceInput>,
) {
  const data = parseInput(deliveryServiceInput, input);
  return uniquely("code", `delivery service ${data.code}`, async () => {
    const [row] = await db
      .insert(deliveryServices)
      .values({ organizationId, ...data })
      .returning();
    return row as typeof deliveryServices.$inferSelect;
  });
}

export async function createDeliveryMethod(
  db: Db,
  organizationId: number,
  input: z.input<typeof deliveryMethodInput>,
) {
  const { deliveryServiceCode, ...data } = parseInput(deliveryMethodInput, input);
  return inTransaction(db, async (tx) => {
    const [service] = await tx
      .select({ id: deliveryServices.id })
      .from(deliveryServices)
      .where(
        and(
          eq(deliveryServices.organizationId, organizationId),
          eq(deliveryServices.code, deliveryServiceCode),
        ),
      );
    if (!service) {
      throw invalid(
        "unknown_delivery_service",
        `delivery service ${deliveryServiceCode} does not exist`,
        "deliveryServiceCode",
      );
    }
    return uniquely("code", `delivery method ${data.code}`, async () => {
      const [row] = await tx
        .insert(deliveryMethods)
        .values({ organizationId, deliveryServiceId: service.id, ...data })
        .returning();
      return row as typeof deliveryMethods.$inferSelect;
    });
  });
}

/**
 * Maps a channel string of one store to a Kura master code (time slots: to a slot string) — a replacement
 * rule (置換ルール). Orders held because the string had no rule are re-processed at once (`release`).
 */
export async function setStoreMapping(
  db: Db,
  organizationId: number,
  storeId: number,
  input: z.input<typeof storeMappingInput>,
  actor = "replacement rule",
) {
  const data = parseInput(storeMappingInput, input);
  return inTransaction(db, async (tx) => {
    const store = await getStore(tx, organizationId, storeId);
    await assertMappingTargetExists(tx, organizationId, data.kind, data.target);
    const [row] = await tx
      .insert(storeMappings)
      .values({ organizationId, storeId, ...data })
      .onConflictDoUpdate({
        target: [storeMappings.storeId, storeMappings.kind, storeMappings.channelValue],
        set: { target: data.target },
      })
      .returning();
    const release = await releaseHeldOrders(tx, store, data, actor);
    return { ...(row as typeof storeMappings.$inferSelect), release };
  });
}

async function assertMappingTargetExists(tx: Db, organizationId: number, kind: string, target: string) {
  const table =
    kind === "payment_method" ? paymentMethods : kind === "delivery_method" ? deliveryMethods : null;
  if (!table) return; // a time slot is a string, checked against the delivery service when an order uses it
  const [row] = await tx
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.organizationId, organizationId), eq(table.code, target)));
  if (!row) throw invalid("unknown_target", `${kind.replace("_", " ")} ${target} does not exist`, "target");
}
