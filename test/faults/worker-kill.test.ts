// A `kura worker` killed (SIGKILL) right after the channel took a batch of shipment notices (before the
// worker wrote that down) and in the middle of a full stock push;
// a new worker takes over. Nothing is lost, and nothing reaches the channel twice in a way it would
// count twice: every order's shipment is applied once, and the channel ends with Kura's stock.
// Server only: two processes share the database.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { orders, shipments, storeFunctions } from "../../src/db/schema.ts";
import { setCorrespondence } from "../../src/operations/masters.ts";
import { shipShipment } from "../../src/operations/shipping.ts";
import { onServer } from "../support/database.ts";
import { eventually, recentOrders, runsOf } from "../sync/support.ts";
import { useWorkerProcesses } from "../sync/worker-process.ts";

const { startWorker, givenWorkerStore } = useWorkerProcesses();

const runNow = (db: Db, storeId: number, fn: "orders.import" | "stock.resync") =>
  db
    .update(storeFunctions)
    .set({ nextRunAt: new Date() })
    .where(and(eq(storeFunctions.storeId, storeId), eq(storeFunctions.function, fn)));

describe.runIf(onServer)("a worker killed while it talks to the channel", () => {
  it("sends every shipment notice once across the kill: the channel applies each order's once", async () => {
    const { db, sim, env, orgId, storeId } = await givenWorkerStore({ requestsPerSecond: 20 });
    sim.seedOrders(recentOrders(120, 51));
    const first = startWorker(env);
    await first.ready;
    await runNow(db, storeId, "orders.import");
    await eventually(
      async () => (await runsOf(db, storeId, "orders.import")).find((r) => r.outcome === "succeeded"),
      60_000,
    );
    // The generated orders include held and awaiting-payment ones; the allocated slips are the ones to ship.
    const slips = await db
      .select({ id: shipments.id, orderCode: orders.orderCode })
      .from(shipments)
      .innerJoin(orders, eq(orders.shipmentId, shipments.id))
      .where(and(eq(orders.storeId, storeId), eq(shipments.status, "allocated")));
    expect(slips.length).toBeGreaterThan(30);
    const shipped = slips.map((s) => s.orderCode);

    // The kill lands at the worst moment: the channel has taken the notices, the worker has not yet
    // written down that it did.
    const accept = sim.state.acceptShipments.bind(sim.state);
    let killed: Promise<void> | undefined;
    sim.state.acceptShipments = (wire) => {
      killed ??= first.kill();
      return accept(wire);
    };
    for (const [index, slip] of slips.entries()) {
      await shipShipment(db, {
        organizationId: orgId,
        shipmentId: slip.id,
        carrier: "ヤマト運輸",
        trackingNumber: `4000-0000-${String(index).padStart(4, "0")}`,
        shippedOn: "2026-11-23",
        actor: "test",
      });
    }
    await eventually(async () => killed !== undefined, 60_000);
    await killed;
    sim.state.acceptShipments = accept;

    const second = startWorker(env);
    await second.ready;
    await eventually(async () => {
      sim.completeShipments();
      return sim.state.shipments.length >= shipped.length && true;
    }, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // a late duplicate would arrive by now
    sim.completeShipments();

    const applied = sim.state.shipments.map((s) => s.order_no);
    expect(applied).toHaveLength(shipped.length);
    expect(new Set(applied)).toEqual(new Set(shipped));
  }, 240_000);

  it("ends a full stock push interrupted by the kill with the channel holding Kura's numbers", async () => {
    const { db, sim, env, orgId, storeId, product } = await givenWorkerStore({ requestsPerSecond: 20 });
    const codes = Array.from({ length: 600 }, (_, i) => `BULK-${String(i).padStart(4, "0")}`);
    sim.seedItems(
      codes.map((sku) => ({
        sku,
        variant: null,
        name: sku,
        price: 100,
        tax_rate: 10,
        unlimited_stock: false,
      })),
    );
    for (const [i, code] of codes.entries()) {
      await product(code, (i % 7) + 1);
      await setCorrespondence(db, orgId, storeId, {
        itemCode: code,
        components: [{ productCode: code, quantity: 1 }],
      });
    }
    const first = startWorker(env);
    await first.ready;
    await runNow(db, storeId, "stock.resync");
    await eventually(async () => codes.some((code) => sim.stockOf(code)) && true, 60_000);
    await first.kill();
    expect(codes.filter((code) => sim.stockOf(code)).length).toBeLessThan(codes.length); // mid-way

    const second = startWorker(env);
    await second.ready;
    await eventually(
      async () => codes.every((code, i) => sim.stockOf(code)?.quantity === (i % 7) + 1) && true,
      90_000,
    );
  }, 240_000);
});
