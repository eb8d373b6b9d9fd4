// The shipment slip's history (出荷伝票の履歴): every change with who, when, from and to which status.
import { insertRows } from "../bulk-insert.ts";
import type { Db } from "../connection.ts";
import { shipmentHistory } from "../schema.ts";

export interface ShipmentChange {
  organizationId: number;
  shipmentId: number;
  action: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  actor: string;
  detail?: Record<string, unknown>;
}

export async function recordShipmentChanges(tx: Db, changes: ShipmentChange[]): Promise<void> {
  if (changes.length === 0) return;
  await insertRows(
    tx,
    shipmentHistory,
    changes.map((c) => ({
      organizationId: c.organizationId,
      shipmentId: c.shipmentId,
      action: c.action,
      fromStatus: c.fromStatus ?? null,
      toStatus: c.toStatus ?? null,
      actor: c.actor,
      detail: c.detail ?? {},
    })),
  );
}

export const recordShipmentChange = (tx: Db, change: ShipmentChange) => recordShipmentChanges(tx, [change]);
