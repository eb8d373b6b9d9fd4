import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startTestChannel } from "../../simulators/test-channel/server.ts";
import type { Db } from "../../src/db/connection.ts";
import { bundleCandidates, storeFunctions } from "../../src/db/schema.ts";
import { executeBundle } from "../../src/operations/bundling.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import { createStore, setCorrespondence } from "../../src/operations/masters.ts";
import { registerOrder } from "../../src/operations/register-order.ts";
import { setShipmentSettings } from "../../src/operations/shipment-settings.ts";
import { shipShipment } from "../../src/operations/shipping.ts";
import { anOrder } from "../support/fixtures.ts";
import {
  eventually,
  givenChannelStore,
  noticeDone,
  pauseFunction,
  secretBox,
  useEngine,
} from "../sync/support.ts";
import { yamada } from "./support.ts";

let db: Db;
const afterTest = useEngine((env) => ({ db } = env));

/**
 * A second store of the same organization, selling on its own channel simulator. Its codes have a prefix, as
 * two shops of one channel need (codes are unique within the organization, and both simulators number
 * their orders by day).
 */
async function secondChannelStore(orgId: number) {
  const sim = await startTestChannel();
  const store = await createStore(db, orgId, {
    channel: "test",
    name: "2号店",
    warehouseCode: "WH1",
    orderCodePrefix: "S2-",
    settings: { endpoint: sim.url },
  });
  await setStoreCredentials(db, secretBox, orgId, store.id, { values: { apiKey: sim.apiKey } });
  await setCorrespondence(db, orgId, store.id, {
    itemCode: "TEA-SENCHA-100",
    components: [{ productCode: "TEA-SENCHA-100", quantity: 1 }],
  });
  await db.update(storeFunctions).set({ nextRunAt: null }).where(eq(storeFunctions.storeId, store.id));
  return afterTest.release({ storeId: store.id, sim });
}

const line = { itemCode: "TEA-SENCHA-100", name: "煎茶", quantity: 1, unitPrice: 1000 };

describe("the tracking number of a bundled slip", () => {
  it("reaches every original order, each on its own store's channel", async () => {
    const first = afterTest.release(await givenChannelStore(db));
    const second = await secondChannelStore(first.orgId);
    // The orders are registered by hand below, as a cart pushes them; a scheduled import of the
    // simulators' differing copies would update them and rebuild the bundled slip mid-test.
    await pauseFunction(db, first.storeId, "orders.import");
    await pauseFunction(db, second.storeId, "orders.import");
    await setShipmentSettings(db, first.orgId, { cutoffTime: null, crossStoreBundling: true });
    const wireA = first.sim.seedOrders({ count: 2, seed: 31 });
    const [wireB] = second.sim.seedOrders({ count: 1, seed: 32 });
    const registered = [];
    for (const [storeId, wire] of [
      [first.storeId, wireA[0]],
      [first.storeId, wireA[1]],
      [second.storeId, wireB],
    ] as const) {
      const order = anOrder({ orderCode: wire?.order_no, lines: [line], deliveryAddresses: [yamada] });
      registered.push(
        await registerOrder(db, { organizationId: first.orgId, storeId, order, actor: "test" }),
      );
    }
    const [candidate] = await db
      .select()
      .from(bundleCandidates)
      .where(and(eq(bundleCandidates.organizationId, first.orgId), eq(bundleCandidates.status, "open")));
    if (!candidate) throw new Error("no bundle candidate was made");

    const bundled = await executeBundle(db, {
      organizationId: first.orgId,
      candidateId: candidate.id,
      actor: "test",
    });
    await shipShipment(db, {
      organizationId: first.orgId,
      shipmentId: bundled.shipmentId,
      carrier: "ヤマト運輸",
      trackingNumber: "777788889999",
      shippedOn: "2026-11-23",
      actor: "test",
    });

    expect(registered.map((r) => r.held)).toEqual([false, false, false]);
    expect(bundled.orderIds).toEqual(registered.map((r) => r.orderId));
    const toFirst = await eventually(async () => {
      const sent = first.sim.state.shipments.filter((s) => s.tracking_no === "777788889999");
      return sent.length === 2 && sent;
    });
    const toSecond = await eventually(async () =>
      second.sim.state.shipments.find((s) => s.tracking_no === "777788889999"),
    );
    expect(toFirst.map((s) => s.order_no).sort()).toEqual(wireA.map((w) => w.order_no).sort());
    expect(toSecond).toMatchObject({ order_no: wireB?.order_no, shipped_on: "2026-11-23" });
    await noticeDone(db, bundled.shipmentId);
  });
});
