import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestChannel, type TestChannel } from "../../../simulators/test-channel/server.ts";
import { orderInputSchema } from "../../domain/order-input.ts";
import { caught, collect, orderCodes } from "../common/contract-support.ts";
import type { HttpExchange } from "../http.ts";
import type { Connector, OrderPage, OrderWindow, ShipmentResult } from "../types.ts";
import { createTestChannelConnector } from "./connector.ts";

const dayMs = 86_400_000;
let simulator: TestChannel;
let exchanges: HttpExchange[];

beforeEach(async () => {
  simulator = await startTestChannel({ shipmentProcessingMs: "manual" });
  exchanges = [];
});
afterEach(() => simulator.close());

function connect(options: { apiKey?: string; timeoutMs?: number } = {}): Connector {
  return createTestChannelConnector({
    endpoint: simulator.url,
    secrets: { apiKey: options.apiKey ?? simulator.apiKey },
    timeoutMs: options.timeoutMs,
    onExchange: (exchange) => exchanges.push(exchange),
  });
}

function lastDays(days: number): OrderWindow {
  const to = new Date();
  return { from: new Date(to.getTime() - days * dayMs), to };
}

describe("test channel connector: orders", () => {
  it("pages through 250 orders and yields each exactly once", async () => {
    const window = lastDays(7);
    const seeded = simulator.seedOrders({ count: 250, from: window.from, to: window.to });

    const pages = await collect(connect().fetchOrders(window));

    expect(pages.map((page) => page.orders.length)).toEqual([100, 100, 50]);
    expect(orderCodes(pages).sort()).toEqual(seeded.map((order) => order.order_no).sort());
    expect(pages.map((page) => page.cursor === null)).toEqual([false, false, true]);
  });

  it("yields orders that pass the order input schema", async () => {
    const window = lastDays(7);
    simulator.seedOrders({ count: 50, from: window.from, to: window.to });

    const [page] = await collect(connect().fetchOrders(window));

    const failures = (page?.orders ?? []).filter((order) => !orderInputSchema.safeParse(order).success);
    expect(page?.orders).toHaveLength(50);
    expect(failures).toEqual([]);
  });

  it("resumes from a page's cursor with the remaining orders only", async () => {
    const window = lastDays(7);
    simulator.seedOrders({ count: 250, from: window.from, to: window.to });
    const connector = connect();
    const first = (await connector.fetchOrders(window)[Symbol.asyncIterator]().next()).value as OrderPage;

    const rest = await collect(connector.fetchOrders(window, first.cursor));

    const all = [...orderCodes([first]), ...orderCodes(rest)];
    expect(rest.map((page) => page.orders.length)).toEqual([100, 50]);
    expect(new Set(all).size).toBe(250);
  });

  it("splits a window longer than the channel allows into slices, each order once", async () => {
    const window = lastDays(75);
    const seeded = simulator.seedOrders({ count: 120, from: window.from, to: window.to });

    const pages = await collect(connect().fetchOrders(window));

    // 75 days → slices of 30, 30 and 15 days, each one page of under 100 orders.
    expect(pages).toHaveLength(3);
    expect(orderCodes(pages).sort()).toEqual(seeded.map((order) => order.order_no).sort());
  });

  it("refuses a cursor from another window", async () => {
    const window = lastDays(7);
    simulator.seedOrders({ count: 150, from: window.from, to: window.to });
    const connector = connect();
    const first = (await connector.fetchOrders(window)[Symbol.asyncIterator]().next()).value as OrderPage;

    await expect(collect(connector.fetchOrders(lastDays(6), first.cursor))).rejects.toThrow(/another window/);
  });
});

describe("test channel connector: failures", () => {
  it("reports a 500 as a transient error with the channel's message", async () => {
    simulator.injectFaults({ kind: "error", status: 500, message: "メンテナンス中です" });

    const error = await caught(() => collect(connect().fetchOrders(lastDays(1))));

    expect(error).toMatchObject({
      kind: "transient",
      status: 500,
      channelMessage: "メンテナンス中です",
      retryable: true,
    });
  });

  it("reports a 429 as rate limited with Retry-After in milliseconds", async () => {
    simulator.injectFaults({ kind: "rate_limit", retryAfterSeconds: 7 });

    const error = await caught(() =>
      connect().pushStock([{ itemCode: "TENUGUI", optionCode: "KOI", quantity: 3 }], "k1"),
    );

    expect(error).toMatchObject({ kind: "rate_limited", status: 429, retryAfterMs: 7000 });
  });

  it("reports a channel that does not answer in time as transient", async () => {
    simulator.injectFaults({ kind: "hang", ms: 5000 });
    const started = Date.now();

    const error = await caught(() => connect({ timeoutMs: 150 }).checkCredentials());

    expect(error).toMatchObject({ kind: "transient" });
    expect(error.message).toMatch(/timed out after 150 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("reports a dropped connection as transient", async () => {
    simulator.injectFaults({ kind: "drop" });

    const error = await caught(() => connect().checkCredentials());

    expect(error).toMatchObject({ kind: "transient", retryable: true });
  });

  it("reports a success answer with malformed JSON as transient, never as data", async () => {
    simulator.injectFaults({ kind: "malformed" });

    const error = await caught(() => collect(connect().fetchOrders(lastDays(1))));

    expect(error).toMatchObject({ kind: "transient", retryable: true });
    expect(error.message).toMatch(/malformed JSON/);
  });

  it("reports a wrong API key as an auth error with the channel's own message", async () => {
    const error = await caught(() => connect({ apiKey: "wrong" }).checkCredentials());

    expect(error).toMatchObject({ kind: "auth", status: 401, code: "invalid_api_key", retryable: false });
    expect(error.channelMessage).toBe("APIキーが正しくありません。");
  });

  it("names the account when the credentials are good", async () => {
    await expect(connect().checkCredentials()).resolves.toEqual({
      account: "テストチャネル店 (tc-shop-001)",
      expiresAt: null,
    });
  });

  it("never logs the API key", async () => {
    await connect().checkCredentials();

    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]?.requestHeaders.authorization).toBe("Bearer [redacted]");
    expect(JSON.stringify(exchanges)).not.toContain(simulator.apiKey);
  });
});

describe("test channel connector: shipments", () => {
  const notice = (orderCode: string, idempotencyKey = `ship-${orderCode}`) => ({
    orderCode,
    carrier: "ヤマト運輸",
    trackingNumber: "1234-5678-9012",
    shippedOn: "2025-03-02",
    idempotencyKey,
  });

  const poll = (connector: Connector, requestId: string) =>
    (connector.pollShipmentResult as (id: string) => Promise<ShipmentResult>)(requestId);

  it("is accepted at once and done when the result is polled later", async () => {
    const [order] = simulator.seedOrders({ count: 1 });
    const connector = connect();

    const receipt = await connector.sendShipment(notice(order?.order_no as string));
    const requestId = receipt.status === "accepted" ? receipt.requestId : "";
    const whileProcessing = await poll(connector, requestId);
    simulator.completeShipments();
    const afterwards = await poll(connector, requestId);

    expect(receipt).toEqual({ status: "accepted", requestId: expect.stringMatching(/^shp-/) });
    expect(whileProcessing).toEqual({ status: "pending" });
    expect(afterwards).toEqual({ status: "done" });
    expect(simulator.state.orders.get(order?.order_no as string)?.status).toBe("shipped");
    expect(simulator.state.shipments).toMatchObject([{ carrier: "yamato", tracking_no: "123456789012" }]);
  });

  it("gives an unknown order code as a rejected result with the channel's message", async () => {
    const connector = connect();

    const receipt = await connector.sendShipment(notice("TC-NOPE"));
    simulator.completeShipments();
    const result = await poll(connector, receipt.status === "accepted" ? receipt.requestId : "");

    expect(result).toEqual({
      status: "rejected",
      kind: "not_found",
      code: "order_not_found",
      channelMessage: "注文番号 TC-NOPE は存在しません。",
    });
  });

  it("sends a notice once however often it is retried with the same key", async () => {
    const [order] = simulator.seedOrders({ count: 1 });
    const connector = connect();

    const first = await connector.sendShipment(notice(order?.order_no as string, "cycle-1"));
    const again = await connector.sendShipment(notice(order?.order_no as string, "cycle-1"));

    expect(again).toEqual(first);
    expect(simulator.state.shipmentRequests.size).toBe(1);
  });

  it("reports polling an unknown request id as not found", async () => {
    const error = await caught(() =>
      (connect().pollShipmentResult as (id: string) => Promise<unknown>)("shp-missing"),
    );

    expect(error).toMatchObject({ kind: "not_found", code: "request_not_found" });
  });
});

describe("test channel connector: stock", () => {
  const catalog = Array.from({ length: 120 }, (_, i) => ({
    sku: `SKU-${String(i + 1).padStart(3, "0")}`,
    variant: null,
    name: `商品 ${i + 1}`,
    price: 1000,
    tax_rate: 10,
    unlimited_stock: false,
  }));

  it("splits a push larger than the declared batch size into batches", async () => {
    simulator.seedItems(catalog);
    const connector = connect();
    const items = catalog.map((item, i) => ({ itemCode: item.sku, quantity: i }));

    const results = await connector.pushStock(items, "stock-1");

    const batches = exchanges.filter((exchange) => exchange.url.endsWith("/stock"));
    expect(connector.capabilities.stockPush?.batchSize).toBe(50);
    expect(batches.map((exchange) => (exchange.requestBody as { items: unknown[] }).items.length)).toEqual([
      50, 50, 20,
    ]);
    expect(batches.map((exchange) => exchange.requestHeaders["idempotency-key"])).toEqual([
      "stock-1:1",
      "stock-1:2",
      "stock-1:3",
    ]);
    expect(results).toHaveLength(120);
    expect(results.every((result) => result.status === "updated")).toBe(true);
    expect(simulator.stockOf("SKU-120")).toMatchObject({ quantity: 119, receivedAt: expect.any(Date) });
  });

  it("reports unlimited and unknown items per item and updates the rest", async () => {
    const results = await connect().pushStock(
      [
        { itemCode: "TEA-SENCHA-100", quantity: 12 },
        { itemCode: "GIFT-CARD", quantity: 5 },
        { itemCode: "NO-SUCH-ITEM", quantity: 1 },
      ],
      "stock-2",
    );

    expect(results.map((result) => (result.status === "updated" ? "updated" : result.reason))).toEqual([
      "updated",
      "unlimited",
      "not_found",
    ]);
    expect(simulator.stockOf("TEA-SENCHA-100")?.quantity).toBe(12);
    expect(simulator.stockOf("GIFT-CARD")).toBeUndefined();
  });

  it("replays a retried push instead of writing again", async () => {
    const connector = connect();
    await connector.pushStock([{ itemCode: "TEA-HOJI-100", quantity: 4 }], "stock-3");
    const firstWrite = simulator.stockOf("TEA-HOJI-100")?.receivedAt;

    await connector.pushStock([{ itemCode: "TEA-HOJI-100", quantity: 4 }], "stock-3");

    expect(simulator.stockOf("TEA-HOJI-100")?.receivedAt).toBe(firstWrite);
  });
});

describe("test channel connector: products", () => {
  it("imports the channel's catalog page by page", async () => {
    const pages: string[][] = [];
    for await (const page of connect().fetchProducts?.() ?? []) pages.push(page.map((p) => p.itemCode));

    expect(pages.flat()).toContain("GIFT-CARD");
    expect(pages.flat()).toHaveLength(simulator.state.items.size);
  });
});
