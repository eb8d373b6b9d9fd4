// Removing an entry of a store's product correspondence table (商品対応表).
import { and, eq } from "drizzle-orm";
import { type Db, inTransaction } from "../db/connection.ts";
import { getStore } from "../db/repositories/scope.ts";
import { correspondences, orderLines } from "../db/schema.ts";
import { notFound } from "../domain/errors.ts";

export interface CorrespondenceKey {
  itemCode: string;
  optionCode?: string;
}

/**
 * Deletes one entry (its components go with it). Orders registered through it keep their SKUs; their
 * lines only forget which entry mapped them.
 */
export async function deleteCorrespondence(
  db: Db,
  organizationId: number,
  storeId: number,
  key: CorrespondenceKey,
) {
  const optionCode = key.optionCode ?? "";
  return inTransaction(db, async (tx) => {
    await getStore(tx, organizationId, storeId);
    const [entry] = await tx
      .select({ id: correspondences.id })
      .from(correspondences)
      .where(
        and(
          eq(correspondences.storeId, storeId),
          eq(correspondences.itemCode, key.itemCode),
          eq(correspondences.optionCode, optionCode),
        ),
      )
      .for("update");
    if (!entry) {
      const what = optionCode ? `${key.itemCode} / ${optionCode}` : key.itemCode;
      throw notFound(`correspondence for item ${what}`, "itemCode");
    }
    await tx
      .update(orderLines)
      .set({ correspondenceId: null })
      .where(eq(orderLines.correspondenceId, entry.id));
    await tx.delete(correspondences).where(eq(correspondences.id, entry.id));
    return { id: entry.id, itemCode: key.itemCode, optionCode };
  });
}
