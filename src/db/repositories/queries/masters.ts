// Payment and delivery masters, and a store's mappings of channel strings onto them.
import { and, asc, eq, type SQL } from "drizzle-orm";
import type { Db } from "../../connection.ts";
import type { MappingKind } from "../../schema.ts";
import { deliveryMethods, deliveryServices, paymentMethods, storeMappings } from "../../schema.ts";
import { countWhere, offsetOf, type PageRequest } from "./paging.ts";

export async function listPaymentMethods(db: Db, organizationId: number, paging: PageRequest) {
  const where = eq(paymentMethods.organizationId, organizationId);
  const rows = await db
    .select()
    .from(paymentMethods)
    .where(where)
    .orderBy(asc(paymentMethods.code))
    .limit(paging.limit)
    .offset(offsetOf(paging));
  return { rows, total: await countWhere(db, paymentMethods, where) };
}

export async function listDeliveryServices(db: Db, organizationId: number, paging: PageRequest) {
  const where = eq(deliveryServices.organizationId, organizationId);
  const rows = await db
    .select()
    .from(deliveryServices)
    .where(where)
    .orderBy(asc(deliveryServices.code))
    .limit(paging.limit)
    .offset(offsetOf(paging));
  return { rows, total: await countWhere(db, deliveryServices, where) };
}

const deliveryMethodView = {
  id: deliveryMethods.id,
  code: deliveryMethods.code,
  name: deliveryMethods.name,
  deliveryServiceId: deliveryMethods.deliveryServiceId,
  deliveryServiceCode: deliveryServices.code,
};

export async function listDeliveryMethods(db: Db, organizationId: number, paging: PageRequest) {
  const where = eq(deliveryMethods.organizationId, organizationId);
  const rows = await db
    .select(deliveryMethodView)
    .from(deliveryMethods)
    .innerJoin(deliveryServices, eq(deliveryServices.id, deliveryMethods.deliveryServiceId))
    .where(where)
    .orderBy(asc(deliveryMethods.code))
    .limit(paging.limit)
    .offset(offsetOf(paging));
  return { rows, total: await countWhere(db, deliveryMethods, where) };
}

export async function findDeliveryMethod(db: Db, organizationId: number, id: number) {
  const [row] = await db
    .select(deliveryMethodView)
    .from(deliveryMethods)
    .innerJoin(deliveryServices, eq(deliveryServices.id, deliveryMethods.deliveryServiceId))
    .where(and(eq(deliveryMethods.organizationId, organizationId), eq(deliveryMethods.id, id)));
  return row ?? null;
}

export async function listStoreMappings(
  db: Db,
  organizationId: number,
  storeId: number,
  filter: { kind?: MappingKind },
  paging: PageRequest,
) {
  const conditions: SQL[] = [
    eq(storeMappings.organizationId, organizationId),
    eq(storeMappings.storeId, storeId),
  ];
  if (filter.kind) conditions.push(eq(storeMappings.kind, filter.kind));
  const where = and(...conditions);
  const rows = await db
    .select()
    .from(storeMappings)
    .where(where)
    .orderBy(asc(storeMappings.kind), asc(storeMappings.channelValue))
    .limit(paging.limit)
    .offset(offsetOf(paging));
  return { rows, total: await countWhere(db, storeMappings, where) };
}
