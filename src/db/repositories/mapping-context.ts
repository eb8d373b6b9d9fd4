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

export async function loadMappingContext(
  tx: Db,
  store: { id: number; organizationId: number },
  itemCodes: string[],
): Promise<MappingContext> {
  const codes = [...new Set(itemCodes.filter((c) => c !== ""))];
  const context: MappingContext = {
    correspondences: new Map(),
    productIdsByCode: new Map(),
    paymentMappings: new Map(),
    deliveryMappings: new Map(),
    timeSlotMappings: new Map(),
    paymentMethods: [],
    deliveryMethods: [],
  };

  if (codes.length > 0) {
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
      .where(and(eq(correspondences.storeId, store.id), inArray(correspondences.itemCode, codes)));
    for (const row of rows) {
      const key = correspondenceKey(row.itemCode, row.optionCode);
      const entry = context.correspondences.get(key) ?? { id: row.id, components: [] };
      entry.components.push({ productId: row.productId, quantity: row.quantity });
      context.correspondences.set(key, entry);
    }
    const productRows = await tx
      .select({ id: products.id, code: products.code })
      .from(products)
      .where(and(eq(products.organizationId, store.organizationId), inArray(products.code, codes)));
    for (const p of productRows) context.productIdsByCode.set(p.code, p.id);
  }

  const mappingRows = await tx.select().from(storeMappings).where(eq(storeMappings.storeId, store.id));
  for (const m of mappingRows) {
    const target = {
      payment_method: context.paymentMappings,
      delivery_method: context.deliveryMappings,
      time_slot: context.timeSlotMappings,
    }[m.kind];
    target.set(m.channelValue, m.target);
  }

  context.paymentMethods = await tx
    .select({
      id: paymentMethods.id,
      code: paymentMethods.code,
      name: paymentMethods.name,
      requiresPaymentConfirmation: paymentMethods.requiresPaymentConfirmation,
    })
    .from(paymentMethods)
    .where(eq(paymentMethods.organizationId, store.organizationId));
  context.deliveryMethods = await tx
    .select({
      id: deliveryMethods.id,
      code: deliveryMethods.code,
      name: deliveryMethods.name,
      timeSlots: deliveryServices.timeSlots,
    })
    .from(deliveryMethods)
    .innerJoin(deliveryServices, eq(deliveryServices.id, deliveryMethods.deliveryServiceId))
    .where(eq(deliveryMethods.organizationId, store.organizationId));
  return context;
}
