import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { type Api, useApi } from "../api/support.ts";
import { givenShop, suzuki, to, yamada } from "../shipments/support.ts";
import { anOrder } from "../support/fixtures.ts";

let db: Db;
let api: Api;
useApi((env) => ({ db, api } = env));

const stock = async (shop: Awaited<ReturnType<typeof givenShop>>) =>
  (await shop.client.get("/stock?productCode=SKU-1")).body.data[0];

describe("cancelling an order slip", () => {
  it("before work started: the slip is cancelled, the stock released, who and why recorded", async () => {
    const shop = await givenShop(db, api);
    const order = await shop.register();

    const cancelled = await shop.client.post(`/orders/${order.orderId}/cancel`, { reason: "お客様都合" });

    expect(cancelled.body.status).toBe("cancelled");
    expect((await shop.client.get(`/shipments/${order.shipmentId}`)).body.status).toBe("cancelled");
    expect(await stock(shop)).toMatchObject({ reserved: 0 });
    const history = await shop.client.get(`/shipments/${order.shipmentId}/history`);
    expect(history.body.data.at(-1)).toMatchObject({
      action: "cancelled",
      fromStatus: "allocated",
      toStatus: "cancelled",
    });
    expect(history.body.data.at(-1).actor).toMatch(/api-key/);
  });

  it("after work started: refused with 423 until the slip is returned to waiting", async () => {
    const shop = await givenShop(db, api);
    const order = await shop.register();
    await shop.client.post(`/shipments/${order.shipmentId}/start`);

    const refused = await shop.client.post(`/orders/${order.orderId}/cancel`, { reason: "x" });
    await shop.client.post(`/shipments/${order.shipmentId}/return`);
    const cancelled = await shop.client.post(`/orders/${order.orderId}/cancel`, { reason: "x" });

    expect(refused.status).toBe(423);
    expect(refused.body.error.code).toBe("shipment_in_progress");
    expect(cancelled.status).toBe(200);
  });

  it("splits a bundled slip back: the other order gets a slip of its own again", async () => {
    const shop = await givenShop(db, api);
    const first = await shop.register(to(yamada));
    const second = await shop.register(to(yamada));
    const third = await shop.register(to(suzuki));
    const [candidate] = (await shop.client.get("/bundle-candidates")).body.data;
    const bundled = await shop.client.post(`/bundle-candidates/${candidate.id}/bundle`);

    await shop.client.post(`/orders/${first.orderId}/cancel`, { reason: "二重注文" });

    expect((await shop.client.get(`/shipments/${bundled.body.shipmentId}`)).body.status).toBe("cancelled");
    const remaining = await shop.client.get(`/orders/${second.orderId}`);
    expect(remaining.body.shipment).toMatchObject({ status: "allocated" });
    expect(remaining.body.shipment.id).not.toBe(bundled.body.shipmentId);
    const slip = await shop.client.get(`/shipments/${remaining.body.shipment.id}`);
    expect(slip.body.lines.map((l: { orderId: number }) => l.orderId)).toEqual([second.orderId]);
    expect(slip.body.lockedByCandidateId).toBeNull();
    expect((await shop.client.get(`/orders/${third.orderId}`)).body.shipment.status).toBe("allocated");
  });

  it("takes a cancelled order out of its undecided candidate, releasing the lock on the other slip", async () => {
    const shop = await givenShop(db, api);
    const first = await shop.register(to(yamada));
    const second = await shop.register(to(yamada));

    await shop.client.post(`/orders/${first.orderId}/cancel`, { reason: "x" });
    const started = await shop.client.post(`/shipments/${second.shipmentId}/start`);

    expect(started.status).toBe(200);
    expect((await shop.client.get("/bundle-candidates?status=dissolved")).body.total_count).toBe(1);
  });
});

describe("re-registering a cancelled order code (同じ受注コードで新規受注の作成を許可)", () => {
  it("is refused when the cancellation did not allow the same code", async () => {
    const shop = await givenShop(db, api);
    const input = anOrder();
    const first = await shop.client.post(`/stores/${shop.storeId}/orders`, input);
    await shop.client.post(`/orders/${first.body.orderId}/cancel`, { reason: "x" });

    const again = await shop.client.post(`/stores/${shop.storeId}/orders`, {
      ...input,
      amounts: { subtotal: 1, total: 1 },
    });

    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "order_code_cancelled", field: "orderCode" });
  });

  it("creates a new order when the cancellation allowed it, keeping the cancelled one under a system code", async () => {
    const shop = await givenShop(db, api);
    const input = anOrder();
    const first = await shop.client.post(`/stores/${shop.storeId}/orders`, input);
    const cancelled = await shop.client.post(`/orders/${first.body.orderId}/cancel`, {
      reason: "再注文",
      allowSameCode: true,
    });

    const again = await shop.client.post(`/stores/${shop.storeId}/orders`, input);

    expect(cancelled.body.orderCode).toBe(`CXL${first.body.orderId}-${input.orderCode}`);
    expect(again.status).toBe(201);
    expect(again.body.orderId).not.toBe(first.body.orderId);
    const found = await shop.client.get(`/orders?code=${input.orderCode}`);
    expect(found.body.total_count).toBe(2);
  });
});

describe("a cancellation imported from the channel", () => {
  it("cancels the slip when no work started", async () => {
    const shop = await givenShop(db, api);
    const input = anOrder();
    const first = await shop.client.post(`/stores/${shop.storeId}/orders`, input);

    const imported = await shop.client.post(`/stores/${shop.storeId}/orders`, {
      ...input,
      cancelledOnChannel: true,
    });
    const again = await shop.client.post(`/stores/${shop.storeId}/orders`, {
      ...input,
      cancelledOnChannel: true,
    });

    expect(imported.body).toMatchObject({
      orderId: first.body.orderId,
      outcome: "updated",
      status: "cancelled",
    });
    expect(again.body.outcome).toBe("unchanged");
    const order = await shop.client.get(`/orders/${first.body.orderId}`);
    expect(order.body.cancelReason).toBe("cancelled on the channel");
    expect(await stock(shop)).toMatchObject({ reserved: 0 });
  });

  it("keeps a new order that arrives already cancelled, cancelled", async () => {
    const shop = await givenShop(db, api);

    const imported = await shop.client.post(
      `/stores/${shop.storeId}/orders`,
      anOrder({ cancelledOnChannel: true }),
    );

    expect(imported.body).toMatchObject({ outcome: "created", status: "cancelled" });
    expect(await stock(shop)).toMatchObject({ reserved: 0 });
  });

  it("holds the slip and flags the order for the operator when work already started", async () => {
    const shop = await givenShop(db, api);
    const input = anOrder();
    const first = await shop.client.post(`/stores/${shop.storeId}/orders`, input);
    const order = await shop.client.get(`/orders/${first.body.orderId}`);
    const shipmentId = order.body.shipment.id;
    await shop.client.post(`/shipments/${shipmentId}/start`);

    const imported = await shop.client.post(`/stores/${shop.storeId}/orders`, {
      ...input,
      cancelledOnChannel: true,
    });
    const flagged = await shop.client.get("/orders?held=true");
    const slip = await shop.client.get(`/shipments/${shipmentId}`);
    const shipping = await shop.client.post(`/shipments/${shipmentId}/ship`, {
      carrier: "ヤマト運輸",
      trackingNumber: "1",
      shippedOn: "2026-11-02",
    });
    const cancelled = await shop.client.post(`/orders/${first.body.orderId}/cancel`, {
      reason: "チャネルでキャンセル",
    });

    expect(imported.body).toMatchObject({ outcome: "updated", status: "held", held: true });
    expect(imported.body.holdReasons).toMatchObject([{ code: "cancelled_on_channel" }]);
    expect(flagged.body.data.map((o: { id: number }) => o.id)).toEqual([first.body.orderId]);
    expect(slip.body.status).toBe("on_hold");
    expect(shipping.status).toBe(409);
    expect(cancelled.body.status).toBe("cancelled");
    expect((await shop.client.get(`/shipments/${shipmentId}`)).body.status).toBe("cancelled");
    expect(await stock(shop)).toMatchObject({ onHand: 100, reserved: 0 });
  });

  it("lets the operator release the hold and ship after all", async () => {
    const shop = await givenShop(db, api);
    const input = anOrder();
    const first = await shop.client.post(`/stores/${shop.storeId}/orders`, input);
    const shipmentId = (await shop.client.get(`/orders/${first.body.orderId}`)).body.shipment.id;
    await shop.client.post(`/shipments/${shipmentId}/start`);
    await shop.client.post(`/stores/${shop.storeId}/orders`, { ...input, cancelledOnChannel: true });

    const released = await shop.client.post(`/shipments/${shipmentId}/release-hold`);
    const order = await shop.client.get(`/orders/${first.body.orderId}`);

    expect(released.body.status).toBe("allocated");
    expect(order.body).toMatchObject({ status: "awaiting_shipment", holdReasons: [] });
  });
});
