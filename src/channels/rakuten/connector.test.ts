// The connector against the RMS simulator over loopback HTTP (no database): windows split to RMS's limits,
// resumable paging, batching, idempotent shipment notices, product pages.
import { afterEach, describe, expect, it } from "vitest";
import { toRmsDateTime } from "../../../simulators/rakuten/generate.ts";
import { type RakutenSimulator, startRakutenSimulator } from "../../../simulators/rakuten/server.ts";
import type { ItemRecord } from "../../../simulators/rakuten/wire.ts";
import { collect, orderCodes } from "../common/contract-support.ts";
import type { OrderPage } from "../types.ts";
import { createRakutenConnector } from "./connector.ts";

const sims: RakutenSimulator[] = [];
afterEach(async () => {
  for (const sim of sims.splice(0)) await sim.close();
});

async function setUp(settings: Record<string, unknown> = {}) {
  const sim = await startRakutenSimulator({
    requestsPerSecond: 100,
    rakutenProcessingMs: "manual",
    shippingResultMs: "manual",
  });
  sims.push(sim);
  const connector = createRakutenConnector({
    endpoint: sim.url,
    secrets: { serviceSecret: sim.serviceSecret, licenseKey: sim.licenseKey },
    options: { requestsPerSecond: 50, confirmOrders: false, ...settings },
  });
  return { sim, connector };
}

const dayMs = 86_400_000;

describe("the Rakuten connector", () => {
  it("searches a 64-day window in two slices RMS accepts, and finds orders in both", async () => {
    const { sim, connector } = await setUp({ shippingWindowDays: 64 });
    const now = new Date();
    const early = sim.seedOrders({
      count: 3,
      progress: 300,
      from: new Date(now.getTime() - 63.5 * dayMs),
      to: new Date(now.getTime() - 63.2 * dayMs),
    });
    const late = sim.seedOrders({
      count: 3,
      progress: 300,
      from: new Date(now.getTime() - 0.5 * dayMs),
      to: now,
    });

    const pages = await collect(connector.fetchOrders({ from: now, to: now }));

    const codes = orderCodes(pages);
    expect(codes.sort()).toEqual([...early, ...late].map((o) => o.orderNumber).sort());
    expect(sim.state.requestCounts.order).toBe(4); // two searches, one getOrder each
  });

  it("reads 100 orders per page and resumes from a page's cursor", async () => {
    const { sim, connector } = await setUp();
    sim.seedOrders({ count: 250, progress: 300 });
    const window = { from: new Date(), to: new Date() };

    const iterator = connector.fetchOrders(window)[Symbol.asyncIterator]();
    const first = (await iterator.next()).value as OrderPage;
    await iterator.return?.();
    const rest = await collect(connector.fetchOrders(window, first.cursor));

    expect([first, ...rest].map((p) => p.orders.length)).toEqual([100, 100, 50]);
    expect(new Set(orderCodes([first, ...rest])).size).toBe(250);
  });

  it("narrows a slice holding more than the 15,000 orders RMS returns", async () => {
    const { sim, connector } = await setUp({ shippingWindowDays: 10 });
    const [base] = sim.seedOrders({ count: 1, progress: 300 });
    if (!base) throw new Error("seed gave no order");
    for (let i = 0; i < 15_001; i++) {
      const orderNumber = `${sim.shopId}-20261101-${String(90_000_000 + i)}`;
      const placed = new Date(Date.now() - ((i % 9_000) / 1_000) * dayMs);
      sim.state.orders.set(orderNumber, { ...base, orderNumber, orderDatetime: toRmsDateTime(placed) });
    }

    const iterator = connector.fetchOrders({ from: new Date(), to: new Date() })[Symbol.asyncIterator]();
    const first = (await iterator.next()).value as OrderPage;
    await iterator.return?.();

    expect(first.orders).toHaveLength(100);
    expect(sim.state.requestCounts.order).toBe(3); // too many, halved, then getOrder
  });

  it("confirms new orders (100 → 200) when the store says so", async () => {
    const { sim, connector } = await setUp({ confirmOrders: true });
    const [order] = sim.seedOrders({ count: 1, progress: 100 });

    const [page] = await collect(connector.fetchOrders({ from: new Date(), to: new Date() }));

    expect(page?.orders[0]).toMatchObject({ orderCode: order?.orderNumber, channelStatus: "200" });
    expect(sim.state.order(order?.orderNumber as string).orderProgress).toBe(200);
  });

  it("maps an order cancelled on RMS to cancelledOnChannel", async () => {
    const { sim, connector } = await setUp();
    sim.seedOrders({ count: 1, progress: 900 });
    const [page] = await collect(connector.fetchOrders({ from: new Date(), to: new Date() }));
    expect(page?.orders[0]).toMatchObject({ channelStatus: "900", cancelledOnChannel: true });
  });

  it("pushes stock in batches of 400 and reports unlimited-stock items apart, writing the rest", async () => {
    const { sim, connector } = await setUp();
    const items = Array.from({ length: 850 }, (_, i) => ({
      itemCode: "bulk",
      optionCode: `v${i}`,
      quantity: i % 100,
    }));
    items[401] = { itemCode: "gift-card", optionCode: "1000", quantity: 5 };

    const results = await connector.pushStock(items, "key");

    expect(sim.state.inventoryBatches.map((b) => b.length)).toEqual([400, 400, 399, 50]);
    expect(results.filter((r) => r.status === "updated")).toHaveLength(849);
    expect(results.find((r) => r.itemCode === "gift-card")).toMatchObject({
      status: "rejected",
      reason: "unlimited",
    });
    expect(sim.inventoryOf("bulk", "v849")).toBe(49);
    expect(sim.inventoryOf("gift-card", "1000")).toBeUndefined();
  });

  it("reports a shipment once: sending it again after RMS applied it asks nothing more", async () => {
    const { sim, connector } = await setUp();
    const [order] = sim.seedOrders({ count: 1, progress: 300 });
    const notice = {
      orderCode: order?.orderNumber as string,
      carrier: "日本郵便",
      trackingNumber: "1111-2222-3333",
      shippedOn: "2026-11-23",
      idempotencyKey: "k",
    };

    const receipt = await connector.sendShipment(notice);
    if (receipt.status !== "accepted") throw new Error("expected an accepted request");
    expect(await connector.pollShipmentResult?.(receipt.requestId)).toEqual({ status: "pending" });
    sim.processShipping();
    expect(await connector.pollShipmentResult?.(receipt.requestId)).toEqual({ status: "done" });

    expect(await connector.sendShipment(notice)).toEqual({ status: "done" });
    expect(sim.state.shippingRequests.size).toBe(1);
    expect(sim.state.order(notice.orderCode).PackageModelList[0]?.ShippingModelList).toHaveLength(1);
  });

  it("reads the product master 100 items per page until the cursor stops moving", async () => {
    const { sim, connector } = await setUp();
    const more: ItemRecord[] = Array.from({ length: 244 }, (_, i) => ({
      ...(sim.state.items.get("tenugui") as ItemRecord),
      manageNumber: `extra-${String(i).padStart(3, "0")}`,
      variants: { std: { merchantDefinedSkuId: `EXTRA-${i}`, standardPrice: "500" } },
    }));
    sim.seedItems(more);

    const pages = await collect(connector.fetchProducts?.() ?? []);

    expect(pages.map((p) => p.length)).toEqual([100, 100, 51]); // 250 items, one with two SKUs
    expect(pages.flat().find((p) => p.itemCode === "extra-007")).toMatchObject({
      optionCode: "std",
      productCode: "EXTRA-7",
      price: 500,
    });
  });

  it("refuses settings out of range, naming the setting", () => {
    expect(() =>
      createRakutenConnector({
        endpoint: "http://127.0.0.1:1",
        secrets: { serviceSecret: "s", licenseKey: "k" },
        options: { shippingWindowDays: 90 },
      }),
    ).toThrow(/shippingWindowDays must be 1–64 days/);
    expect(() =>
      createRakutenConnector({ endpoint: "http://127.0.0.1:1", secrets: { serviceSecret: "s" } }),
    ).toThrow(/licenseKey/);
  });
});
