// 出荷元倉庫の選択: a store ships from its default warehouse, unless a rule sends orders for the
// recipient's prefecture to another one. Pure: the first rule that names the prefecture wins.
import { normalizeForComparison } from "./normalize.ts";

export interface WarehouseChoiceRule {
  prefectures: string[];
  warehouseId: number;
}

export function chooseWarehouse(
  prefecture: string | undefined,
  rules: WarehouseChoiceRule[],
  defaultWarehouseId: number,
): number {
  if (!prefecture) return defaultWarehouseId;
  const wanted = normalizeForComparison(prefecture);
  const rule = rules.find((r) => r.prefectures.some((p) => normalizeForComparison(p) === wanted));
  return rule?.warehouseId ?? defaultWarehouseId;
}

/** Kura's order code: the store's prefix before the channel's code (unique in the organization, O11). */
export const kuraOrderCode = (prefix: string, channelCode: string) => `${prefix}${channelCode}`;
