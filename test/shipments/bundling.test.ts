import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { createDeliveryMethod, createStore } from "../../src/operations/masters.ts";
import { type Api, merchantClient, useApi } from "../api/support.ts";
import { givenShop, register, suzuki, to, yamada, yamadaFullWidth } from "./support.ts";

let db: Db;
let api: Api;
useApi((env) => ({ db, api } = env));

type Candidate = { id: number; members: Array<{ orderId: number }> };
const memberIds = (candidate: Candidate) => candidate.members.map((m) => m.orderId);

describe("auto bundling (自動同梱検索)", () => {
  it("proposes slips to the same recipient and address written in full-width, with ー and without spaces", async () => {
    const shop = await givenShop(db, api);
    const first = await shop.register(to(yamada));
    const second = await shop.register(to(yamadaFullWidth));

    const candidates = await shop.client.get("/bundle-candidates");

    expect(candidates.body.data).toHaveLength(1);
    expect(memberIds(candidates.body.data[0])).toEqual([first.orderId, second.orderId]);
    expect(candidates.body.data[0].members[1].deliveryAddress).toMatchObject({ address1: "１ー２ー３" });
  });

  it("proposes nothing for another recipient, another delivery method or another store by default", async () => {
    const shop = await givenShop(db, api);
    await createDeliveryMethod(db, shop.orgId, {
      code: "mail",
      name: "メール便",
      deliveryServiceCode: "yamato",
    });
    const slips = [await shop.register(to(yamada))];
    slips.push(await shop.register(to(suzuki)));
    slips.push(await shop.register({ ...to(yamada), deliveryMethod: "mail" }));
    const other = await createStore(db, shop.orgId, { channel: "test", name: "2号店", warehouseCode: "WH1" });
    slips.push(await register(shop.client, other.id, to(yamada)));

    const candidates = await shop.client.get("/bundle-candidates");

    expect(slips.every((s) => s.shipmentId !== null)).toBe(true);
    expect(candidates.body.data).toEqual([]);
  });

  it("bundles across the organization's stores once the organization turns it on", async () => {
    const shop = await givenShop(db, api);
    await shop.client.put("/shipment-settings", { cutoffTime: null, crossStoreBundling: true });
    const first = await shop.register(to(yamada));
    const other = await createStore(db, shop.orgId, { channel: "test", name: "2号店", warehouseCode: "WH1" });
    const second = await register(shop.client, other.id, to(yamadaFullWidth));

    const candidates = await shop.client.get("/bundle-candidates");

    expect(memberIds(candidates.body.data[0])).toEqual([first.orderId, second.orderId]);
  });

  it("extends an open candidate with a third slip to the same address", async () => {
    const shop = await givenShop(db, api);
    const orders = [await shop.register(to(yamada)), await shop.register(to(yamada))];
    orders.push(await shop.register(to(yamadaFullWidth)));

    const candidates = await shop.client.get("/bundle-candidates");

    expect(candidates.body.data).toHaveLength(1);
    expect(memberIds(candidates.body.data[0])).toEqual(orders.map((o) => o.orderId));
  });

  it("locks the slips of an undecided candidate: starting work is refused with the reason", async () => {
    const shop = await givenShop(db, api);
    const first = await shop.register(to(yamada));
    await shop.register(to(yamada));
    const alone = await shop.register(to(suzuki));

    const single = await shop.client.post(`/shipments/${first.shipmentId}/start`);
    const batch = await shop.client.post("/shipments/start", {
      shipmentIds: [first.shipmentId, alone.shipmentId],
    });
    const slip = await shop.client.get(`/shipments/${first.shipmentId}`);

    expect(single.status).toBe(423);
    expect(single.body.error.code).toBe("bundle_candidate_undecided");
    expect(single.body.error.message).toMatch(/同梱候補/);
    expect(batch.body.started.map((s: { shipmentId: number }) => s.shipmentId)).toEqual([alone.shipmentId]);
    expect(batch.body.refused).toMatchObject([
      { shipmentId: first.shipmentId, error: { code: "bundle_candidate_undecided" } },
    ]);
    expect(slip.body).toMatchObject({ status: "allocated", lockedByCandidateId: expect.any(Number) });
  });

  it("bundles (同梱を実行) into one slip with one code that ships both orders", async () => {
    const shop = await givenShop(db, api);
    const first = await shop.register({
      ...to(yamada),
      lines: [{ itemCode: "SKU-1", name: "A", quantity: 2, unitPrice: 500 }],
    });
    const second = await shop.register({
      ...to(yamadaFullWidth),
      lines: [{ itemCode: "SKU-2", name: "B", quantity: 1, unitPrice: 800 }],
    });
    const [candidate] = (await shop.client.get("/bundle-candidates")).body.data;

    const bundled = await shop.client.post(`/bundle-candidates/${candidate.id}/bundle`);
    const slip = await shop.client.get(`/shipments/${bundled.body.shipmentId}`);
    const started = await shop.client.post(`/shipments/${bundled.body.shipmentId}/start`);
    const shipped = await shop.client.post(`/shipments/${bundled.body.shipmentId}/ship`, {
      carrier: "ヤマト運輸",
      trackingNumber: "4444-5555-6666",
      shippedOn: "2026-11-02",
    });

    expect(bundled.body).toMatchObject({
      status: "bundled",
      shipmentCode: expect.stringMatching(/^S\d{9}$/),
    });
    expect(slip.body.lines.map((l: { orderId: number }) => l.orderId)).toEqual([
      first.orderId,
      second.orderId,
    ]);
    expect(started.status).toBe(200);
    expect(shipped.body.status).toBe("shipped");
    for (const order of [first, second]) {
      const detail = await shop.client.get(`/orders/${order.orderId}`);
      expect(detail.body).toMatchObject({ status: "shipped", shipment: { id: bundled.body.shipmentId } });
      const old = await shop.client.get(`/shipments/${order.shipmentId}`);
      expect(old.body.status).toBe("cancelled");
      const history = await shop.client.get(`/shipments/${order.shipmentId}/history`);
      expect(history.body.data.at(-1)).toMatchObject({ action: "merged", toStatus: "cancelled" });
    }
  });

  it("does not bundle (同梱しない): locks released and the pair never proposed together again", async () => {
    const shop = await givenShop(db, api);
    const first = await shop.register(to(yamada));
    const second = await shop.register(to(yamada));
    const [candidate] = (await shop.client.get("/bundle-candidates")).body.data;

    const dismissed = await shop.client.post(`/bundle-candidates/${candidate.id}/dismiss`);
    const started = await shop.client.post(`/shipments/${first.shipmentId}/start`);
    const third = await shop.register(to(yamadaFullWidth));
    const open = (await shop.client.get("/bundle-candidates")).body.data;

    expect(dismissed.body.status).toBe("dismissed");
    expect(started.body.status).toBe("in_progress");
    expect(open).toHaveLength(1);
    expect(memberIds(open[0])).toEqual([second.orderId, third.orderId]);
    const again = await shop.client.post(`/bundle-candidates/${candidate.id}/bundle`);
    expect(again.status).toBe(409);
  });

  it("keeps apart payment methods the organization must not bundle", async () => {
    const shop = await givenShop(db, api);
    const settings = await shop.client.put("/shipment-settings", {
      cutoffTime: "15:00",
      nonBundlablePaymentPairs: [["bank_transfer", "credit_card"]],
    });
    await shop.register({ ...to(yamada), paymentMethod: "credit_card" });
    await shop.register({ ...to(yamada), paymentMethod: "bank_transfer", paymentConfirmed: true });

    expect(settings.body).toMatchObject({
      cutoffTime: "15:00",
      urgentMinutes: 60,
      crossStoreBundling: false,
    });
    expect((await shop.client.get("/bundle-candidates")).body.data).toEqual([]);
    const unknown = await shop.client.put("/shipment-settings", {
      cutoffTime: null,
      nonBundlablePaymentPairs: [["cod", "credit_card"]],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.field).toBe("nonBundlablePaymentPairs");
  });

  it("shows conflicting requested dates and time slots on the candidate", async () => {
    const shop = await givenShop(db, api);
    await shop.register({ ...to(yamada), requestedDate: "2026-11-05", timeSlot: "午前中" });
    await shop.register({ ...to(yamada), requestedDate: "2026-11-06", timeSlot: "午前中" });

    const [candidate] = (await shop.client.get("/bundle-candidates")).body.data;

    expect(candidate.conflicts).toEqual({ requestedDates: ["2026-11-05", "2026-11-06"], timeSlots: [] });
  });

  it("lists undecided candidates as urgent from N minutes before the cut-off", async () => {
    const shop = await givenShop(db, api);
    await shop.register(to(yamada));
    await shop.register(to(yamada));
    const inJapan = (minutes: number) =>
      new Date(Date.now() + 9 * 3_600_000 + minutes * 60_000).toISOString().slice(11, 16);

    await shop.client.put("/shipment-settings", { cutoffTime: inJapan(180), urgentMinutes: 60 });
    const calm = await shop.client.get("/bundle-candidates?urgent=true");
    await shop.client.put("/shipment-settings", { cutoffTime: inJapan(30), urgentMinutes: 60 });
    const urgent = await shop.client.get("/bundle-candidates?urgent=true");

    expect(calm.body.total_count).toBe(0);
    expect(urgent.body.total_count).toBe(1);
    expect(urgent.body.data[0]).toMatchObject({ urgent: true, overdue: false, deadline: expect.any(String) });
  });

  it("cannot see or decide another organization's candidates", async () => {
    const shop = await givenShop(db, api);
    await shop.register(to(yamada));
    await shop.register(to(yamada));
    const [candidate] = (await shop.client.get("/bundle-candidates")).body.data;
    const stranger = merchantClient(api, await givenShop(db, api));

    expect((await stranger.get(`/bundle-candidates/${candidate.id}`)).status).toBe(404);
    expect((await stranger.post(`/bundle-candidates/${candidate.id}/bundle`)).status).toBe(404);
  });
});
