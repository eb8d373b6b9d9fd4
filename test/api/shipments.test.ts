import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";
import { type Api, merchantClient, useApi } from "./support.ts";

let db: Db;
let api: Api;
useApi((env) => ({ db, api } = env));

async function orderWaitingForShipment() {
  const m = await givenMerchant(db);
  await m.product("SKU-1", 5);
  const client = merchantClient(api, m);
  const order = await client.post(
    `/stores/${m.storeId}/orders`,
    anOrder({ lines: [{ itemCode: "SKU-1", name: "T", quantity: 2, unitPrice: 1000 }] }),
  );
  const detail = await client.get(`/orders/${order.body.orderId}`);
  return { client, orderId: order.body.orderId as number, shipmentId: detail.body.shipment.id as number };
}

describe("shipping over HTTP", () => {
  it("lists the shipment slip, starts picking, ships it and takes the units out of stock", async () => {
    const { client, orderId, shipmentId } = await orderWaitingForShipment();

    const allocated = await client.get("/shipments?status=allocated");
    const started = await client.post(`/shipments/${shipmentId}/start`);
    const shipped = await client.post(`/shipments/${shipmentId}/ship`, {
      carrier: "ヤマト運輸",
      trackingNumber: "1234-5678-9012",
      shippedOn: "2026-11-02",
    });

    expect(allocated.body.data.map((s: { id: number }) => s.id)).toEqual([shipmentId]);
    expect(started.body.status).toBe("in_progress");
    expect(shipped.body).toMatchObject({
      status: "shipped",
      carrier: "ヤマト運輸",
      trackingNumber: "1234-5678-9012",
      shippedOn: "2026-11-02",
      lines: [{ orderId, productCode: "SKU-1", quantity: 2 }],
    });
    const order = await client.get(`/orders/${orderId}`);
    expect(order.body.status).toBe("shipped");
    expect(order.body.history.map((h: { action: string }) => h.action)).toEqual([
      "registered",
      "shipment_in_progress",
      "shipped",
    ]);
    expect((await client.get("/stock?productCode=SKU-1")).body.data[0]).toMatchObject({
      onHand: 3,
      reserved: 0,
    });
    expect((await client.get("/stock/ledger?productCode=SKU-1")).body.data[0]).toMatchObject({
      kind: "shipment",
      onHandDelta: -2,
      shipmentId,
    });
  });

  it("locks the order while picking (423) and lets it be cancelled once returned to waiting", async () => {
    const { client, orderId, shipmentId } = await orderWaitingForShipment();
    await client.post(`/shipments/${shipmentId}/start`);

    const refused = await client.post(`/orders/${orderId}/cancel`, { reason: "x" });
    const returned = await client.post(`/shipments/${shipmentId}/return`);
    const cancelled = await client.post(`/orders/${orderId}/cancel`, { reason: "x" });

    expect(refused.status).toBe(423);
    expect(refused.body.error.code).toBe("shipment_in_progress");
    expect(returned.body.status).toBe("allocated");
    expect(cancelled.status).toBe(200);
    expect((await client.get(`/shipments/${shipmentId}`)).body.status).toBe("cancelled");
  });

  it("refuses to ship without a tracking number or with an impossible date, changing nothing", async () => {
    const { client, shipmentId } = await orderWaitingForShipment();

    const noTracking = await client.post(`/shipments/${shipmentId}/ship`, {
      carrier: "ヤマト運輸",
      trackingNumber: " ",
      shippedOn: "2026-11-02",
    });
    const badDate = await client.post(`/shipments/${shipmentId}/ship`, {
      carrier: "ヤマト運輸",
      trackingNumber: "1",
      shippedOn: "2026-02-30",
    });

    expect(noTracking.status).toBe(400);
    expect(noTracking.body.error.field).toBe("trackingNumber");
    expect(badDate.body.error).toMatchObject({ code: "validation_failed", field: "shippedOn" });
    expect((await client.get(`/shipments/${shipmentId}`)).body.status).toBe("allocated");
  });

  it("refuses to ship a shipment twice with 409", async () => {
    const { client, shipmentId } = await orderWaitingForShipment();
    const ship = { carrier: "佐川急便", trackingNumber: "9", shippedOn: "2026-11-02" };
    await client.post(`/shipments/${shipmentId}/ship`, ship);

    const again = await client.post(`/shipments/${shipmentId}/ship`, ship);

    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("invalid_shipment_status");
  });
});
