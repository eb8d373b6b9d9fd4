import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { type Db, inTransaction } from "../../src/db/connection.ts";
import { bundleCandidateMembers, bundleCandidates } from "../../src/db/schema.ts";
import { createStore } from "../../src/operations/masters.ts";
import { registerOrder } from "../../src/operations/register-order.ts";
import { setShipmentSettings } from "../../src/operations/shipment-settings.ts";
import { onServer, useTestDatabase } from "../support/database.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";
import { yamada } from "./support.ts";

let db: Db;
useTestDatabase((env) => ({ db } = env));

// Transactions never overlap on PGlite (one connection), so this runs on the PostgreSQL server only.
describe.runIf(onServer)("bundling under concurrency (PostgreSQL server)", () => {
  it("finds a slip to the same address whose registration had not committed yet", async () => {
    const m = await givenMerchant(db);
    for (const code of ["SKU-1", "SKU-2"]) await m.product(code, 100); // no stock row in common
    await setShipmentSettings(db, m.orgId, { cutoffTime: null, crossStoreBundling: true });
    const other = await createStore(db, m.orgId, { channel: "test", name: "2号店", warehouseCode: "WH1" });
    const order = (sku: string) =>
      anOrder({
        deliveryAddresses: [yamada],
        lines: [{ itemCode: sku, name: "商品", quantity: 1, unitPrice: 100 }],
      });

    let second: Promise<{ orderId: number }> | undefined;
    const first = await inTransaction(db, async (tx) => {
      const registered = await registerOrder(tx, {
        organizationId: m.orgId,
        storeId: m.storeId,
        order: order("SKU-1"),
        actor: "t",
      });
      // The other store's order comes in while the first is still uncommitted.
      second = registerOrder(db, {
        organizationId: m.orgId,
        storeId: other.id,
        order: order("SKU-2"),
        actor: "t",
      });
      await Promise.race([second, new Promise((resolve) => setTimeout(resolve, 1_000))]);
      return registered;
    });
    const last = await second;

    const [candidate] = await db
      .select()
      .from(bundleCandidates)
      .where(eq(bundleCandidates.organizationId, m.orgId));
    const members = await db
      .select({ orderId: bundleCandidateMembers.orderId })
      .from(bundleCandidateMembers)
      .where(eq(bundleCandidateMembers.candidateId, candidate?.id ?? 0));
    expect(members.map((r) => r.orderId).sort((a, b) => a - b)).toEqual([first.orderId, last?.orderId]);
  });
});
