// A store's warehouse choice rules (出荷元倉庫ルール): orders to these prefectures ship from that warehouse;
// the others from the store's default warehouse. The rules are replaced as a whole list, in order.
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { type Db, inTransaction } from "../db/connection.ts";
import { getStore } from "../db/repositories/scope.ts";
import { warehouseChoiceRules, warehouses } from "../db/schema.ts";
import { invalid } from "../domain/errors.ts";
import { parseInput } from "../domain/parse.ts";

export const warehouseChoiceInput = z.object({
  rules: z
    .array(
      z.object({
        prefectures: z.array(z.string().trim().min(1)).min(1, "needs a prefecture"),
        warehouseCode: z.string().trim().min(1, "is required"),
      }),
    )
    .describe("In order; the first rule naming the recipient's prefecture wins"),
});

export async function listWarehouseChoiceRules(db: Db, organizationId: number, storeId: number) {
  const store = await getStore(db, organizationId, storeId);
  const rows = await db
    .select({
      position: warehouseChoiceRules.position,
      prefectures: warehouseChoiceRules.prefectures,
      warehouseCode: warehouses.code,
    })
    .from(warehouseChoiceRules)
    .innerJoin(warehouses, eq(warehouses.id, warehouseChoiceRules.warehouseId))
    .where(eq(warehouseChoiceRules.storeId, storeId))
    .orderBy(asc(warehouseChoiceRules.position), asc(warehouseChoiceRules.id));
  const [defaultWarehouse] = await db
    .select({ code: warehouses.code })
    .from(warehouses)
    .where(eq(warehouses.id, store.warehouseId));
  return { defaultWarehouseCode: defaultWarehouse?.code ?? "", rules: rows };
}

export async function setWarehouseChoiceRules(
  db: Db,
  organizationId: number,
  storeId: number,
  input: z.input<typeof warehouseChoiceInput>,
) {
  const data = parseInput(warehouseChoiceInput, input);
  await inTransaction(db, async (tx) => {
    await getStore(tx, organizationId, storeId);
    await tx.delete(warehouseChoiceRules).where(eq(warehouseChoiceRules.storeId, storeId));
    for (const [index, rule] of data.rules.entries()) {
      const [warehouse] = await tx
        .select({ id: warehouses.id })
        .from(warehouses)
        .where(and(eq(warehouses.organizationId, organizationId), eq(warehouses.code, rule.warehouseCode)));
      if (!warehouse) {
        throw invalid(
          "unknown_warehouse",
          `warehouse ${rule.warehouseCode} does not exist`,
          `rules[${index}].warehouseCode`,
        );
      }
      await tx.insert(warehouseChoiceRules).values({
        organizationId,
        storeId,
        position: index + 1,
        prefectures: rule.prefectures,
        warehouseId: warehouse.id,
      });
    }
  });
  return listWarehouseChoiceRules(db, organizationId, storeId);
}
