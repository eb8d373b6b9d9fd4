// Transfers and orders at once on the PostgreSQL server: a unit is either moved or reserved, never both,
// and the books balance. PGlite has one connection, so this runs on a server.
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { findStockDiscrepancies, levelsFor } from "../../src/db/repositories/stock.ts";
import { createStore, createWarehouse } from "../../src/operations/masters.ts";
import { registerOrder } from "../../src/operations/register-order.ts";
import { transferStock } from "../../src/operations/stock-transfer.ts";
import { onServer, useTestDatabase } from "../support/database.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";

describe.runIf(onServer)("stock transfers under concurrent transactions (PostgreSQL server)", () => {
  let db: Db;
  useTestDatabase((env) => ({ db } = env));

  it("moves or reserves each of the last units once, whatever runs first", async () => {
    const m = await givenMerchant(db);
    const sku = await m.product("SKU-1", 6);
    await createWarehouse(db, m.orgId, { code: "WH2", name: "大阪倉庫" });

    const transfers = Array.from({ length: 6 }, () =>
      transferStock(
        db,
        m.orgId,
        { productCode: "SKU-1", fromWarehouseCode: "WH1", toWarehouseCode: "WH2", quantity: 1 },
        "t",
      ),
    );
    const orders = Array.from({ length: 6 }, () =>
      registerOrder(db, { organizationId: m.orgId, storeId: m.storeId, order: anOrder(), actor: "t" }),
    );
    const results = await Promise.allSettled([...transfers, ...orders]);

    const moved = results.slice(0, 6).filter((r) => r.status === "fulfilled").length;
    const refused = results.slice(0, 6).filter((r) => r.status === "rejected");
    const allocated = results
      .slice(6)
      .filter(
        (r) => r.status === "fulfilled" && (r.value as { status: string }).status === "awaiting_shipment",
      ).length;
    expect(refused.every((r) => r.status === "rejected" && r.reason?.code === "not_enough_free_stock")).toBe(
      true,
    );
    expect(results.slice(6).every((r) => r.status === "fulfilled")).toBe(true);
    expect(moved + allocated).toBe(6);
    const levels = await levelsFor(db, m.orgId, [sku.id]);
    expect(levels.reduce((sum, l) => sum + l.onHand, 0)).toBe(6);
    expect(await findStockDiscrepancies(db, m.orgId)).toEqual([]);
  });

  it("gives an order code to one of two stores registering it at once; the other order is held, not lost", async () => {
    const m = await givenMerchant(db);
    await m.product("SKU-1", 5);
    const second = await createStore(db, m.orgId, { channel: "test", name: "二号店", warehouseCode: "WH1" });
    const register = (storeId: number) =>
      registerOrder(db, {
        organizationId: m.orgId,
        storeId,
        order: anOrder({ orderCode: "SAME-1" }),
        actor: "t",
      });

    const results = await Promise.all([register(m.storeId), register(second.id)]);

    expect(results.map((r) => r.held).sort()).toEqual([false, true]);
  });
});
