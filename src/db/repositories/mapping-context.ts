// Loads what mapping an order needs: the store's correspondences for its item codes, its mappings, masters.
import { and, eq, inArray } from "drizzle-orm";
import { correspondenceKey, type MappingContext } from "../../domain/order-mapping.ts";
import type { Db } from "../connection.ts";
import {
  correspondenceComponents,
  correspondences,
  deliveryMethods,
  deliveryServices,
  paymentMethods,
  products,
  storeMappings,
} from "../schema.ts";
import { cachedRead, type ReadCache } from "./read-cache.ts";

type Correspondence = { id: number; components: Array<{ productId: number; quantity: number }> };

export async function loadMappingContext(
  tx: Db,
  store: { id: number; organizationId: number },
  itemCodes: string[],
  cache?: ReadCache,
): Promise<MappingContext> {
  const codes = [...new Set(itemCodes.filter((c) => c !== ""))];
  const correspondences = new Map<string, Correspondence>();
  let productIdsByCode = new Map<string, number>();
  if (codes.length > 0) {
    const byItemCode = await readMany(cache, `correspondences:${store.id}`, codes, (missing) =>
      loadCorrespondences(tx, store.id, missing),
    );
    for (const entries of byItemCode.values())
      for (const entry of entries) correspondences.set(entry.key, entry.value);
    productIdsByCode = await readMany(cache, `products:${store.organizationId}`, codes, (missing) =>
      loadProductIds(tx, store.organizationId, missing),
    );
  }
  const storeLevel = await cachedRead(cache, `mappings:${store.id}`, () => loadStoreLevel(tx, store));
  return { correspondences, productIdsByCode, ...storeLevel };
}

const readMany = <T>(
  cache: ReadCache | undefined,
  namespace: string,
  keys: string[],
  load: (missing: string[]) => Promise<Map<string, T>>,
) => (cache ? cache.many(namespace, keys, load) : load(keys));

/** Item code → its correspondence entries (one per option code). */
async function loadCorrespondences(tx: Db, storeId: number, codes: string[]) {
  const rows = await tx
    .select({
      id: correspondences.id,
      itemCode: correspondences.itemCode,
      optionCode: correspondences.optionCode,
      productId: correspondenceComponents.productId,
      quantity: correspondenceComponents.quantity,
    })
    .from(correspondences)
    .innerJoin(correspondenceComponents, eq(correspondenceComponents.correspondenceId, correspondences.id))
    .where(and(eq(correspondences.storeId, storeId), inArray(correspondences.itemCode, codes)));
  const byKey = new Map<string, { itemCode: string; key: string; value: Correspondence }>();
  for (const row of rows) {
    const key = correspondenceKey(row.itemCode, row.optionCode);
    const entry = byKey.get(key) ?? { itemCode: row.itemCode, key, value: { id: row.id, components: [] } };
    entry.value.components.push({ productId: row.productId, quantity: row.quantity });
    byKey.set(key, entry);
  }
  const byItemCode = new Map<string, Array<{ key: string; value: Correspondence }>>();
  for (const entry of byKey.values()) {
    const list = byItemCode.get(entry.itemCode) ?? [];
    list.push({ key: entry.key, value: entry.value });
    byItemCode.set(entry.itemCode, list);
  }
  return byItemCode;
}

async function loadProductIds(tx: Db, organizationId: number, codes: string[]) {
  const rows = await tx
    .select({ id: products.id, code: products.code })
    .from(products)
    .where(and(eq(products.organizationId, organizationId), inArray(products.code, codes)));
  return new Map(rows.map((p) => [p.code, p.id]));
}

/** The store's mappings and the organization's payment and delivery methods. */
async function loadStoreLevel(
  tx: Db,
  store: { id: number; organizationId: number },
): Promise<Omit<MappingContext, "correspondences" | "productIdsByCode">> {
  const context = {
    paymentMappings: new Map<string, string>(),
    deliveryMappings: new Map<string, string>(),
    timeSlotMappings: new Map<string, string>(),
  };
  const mappingRows = await tx.select().from(storeMappings).where(eq(storeMappings.storeId, store.id));
  for (const m of mappingRows) {
    const target = {
      payment_method: context.paymentMappings,
      delivery_method: context.deliveryMappings,
      time_slot: context.timeSlotMappings,
    }[m.kind];
    target.set(m.channelValue, m.target);
  }
  const paymentMethodRows = await tx
    .select({
      id: paymentMethods.id,
      code: paymentMethods.code,
      name: paymentMethods.name,
      requiresPaymentConfirmation: paymentMethods.requiresPaymentConfirmation,
    })
    .from(paymentMethods)
    .where(eq(paymentMethods.organizationId, store.organizationId));
  const deliveryMethodRows = await tx
    .select({
      id: deliveryMethods.id,
      code: deliveryMethods.code,
      name: deliveryMethods.name,
      timeSlots: deliveryServices.timeSlots,
    })
    .from(deliveryMethods)
    .innerJoin(deliveryServices, eq(deliveryServices.id, deliveryMethods.deliveryServiceId))
    .where(eq(deliveryMethods.organizationId, store.organizationId));
  return { ...context, paymentMethods: paymentMethodRows, deliveryMethods: deliveryMethodRows };
}
