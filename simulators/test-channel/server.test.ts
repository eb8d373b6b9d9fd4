// The simulator enforces the limits its README documents, so connectors are tested against them.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestChannel, type TestChannel } from "./server.ts";

let channel: TestChannel;

beforeEach(async () => {
  channel = await startTestChannel({ shipmentProcessingMs: 100, requestsPerSecond: 1000 });
});
afterEach(() => channel.close());

function call(path: string, init: { method?: string; body?: unknown; key?: string } = {}) {
  return fetch(`${channel.url}${path}`, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${init.key ?? channel.apiKey}`,
      ...(init.body ? { "content-type": "application/json" } : {}),
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
}

/** Polls a shipment request until the channel has processed it. */
async function completedRequest(requestId: string): Promise<unknown> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const body = (await (await call(`/shipments/${requestId}`)).json()) as { status: string };
    if (body.status === "completed") return body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`shipment request ${requestId} never completed`);
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

async function errorCode(response: Response): Promise<[number, string]> {
  const body = (await response.json()) as { error: { code: string } };
  return [response.status, body.error.code];
}

describe("test channel simulator", () => {
  it("refuses a wrong API key with its own error body", async () => {
    const response = await call("/shop", { key: "wrong" });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { code: "invalid_api_key", message: "APIキーが正しくありません。" },
    });
  });

  it("refuses an order window longer than 30 days", async () => {
    const response = await call(`/orders?updated_from=${daysAgo(31)}&updated_to=${daysAgo(0)}`);

    expect(await errorCode(response)).toEqual([400, "window_too_long"]);
  });

  it("refuses a window reaching back more than 90 days", async () => {
    const response = await call(`/orders?updated_from=${daysAgo(91)}&updated_to=${daysAgo(80)}`);

    expect(await errorCode(response)).toEqual([400, "lookback_exceeded"]);
  });

  it("refuses a page size over 100", async () => {
    const response = await call(`/orders?updated_from=${daysAgo(1)}&updated_to=${daysAgo(0)}&limit=101`);

    expect(await errorCode(response)).toEqual([400, "invalid_request"]);
  });

  it("refuses a stock update of more than 50 items", async () => {
    const items = Array.from({ length: 51 }, () => ({ sku: "TENUGUI", variant: "KOI", quantity: 1 }));

    const response = await call("/stock", { method: "POST", body: { items } });

    expect(await errorCode(response)).toEqual([400, "invalid_request"]);
  });

  it("answers 429 with Retry-After past its request rate", async () => {
    await channel.close();
    channel = await startTestChannel({ requestsPerSecond: 3 });
    for (let i = 0; i < 3; i++) expect((await call("/shop")).status).toBe(200);

    const response = await call("/shop");

    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("1");
  });

  it("serves injected faults in order, then answers normally", async () => {
    channel.injectFaults({ kind: "error", status: 500 }, 2);
    channel.injectFaults({ kind: "rate_limit", retryAfterSeconds: 9 });

    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call("/shop")).status);

    expect(statuses).toEqual([500, 500, 429, 200]);
  });

  it("stops hanging as soon as the client gives up", async () => {
    channel.injectFaults({ kind: "hang", ms: 10_000 });
    const started = Date.now();

    await expect(fetch(`${channel.url}/shop`, { signal: AbortSignal.timeout(50) })).rejects.toThrow();
    await channel.close();

    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("seeds realistic orders and serves them by updated time", async () => {
    const [order] = channel.seedOrders({ count: 1, from: new Date(daysAgo(2)), to: new Date(daysAgo(1)) });

    const response = await call(`/orders?updated_from=${daysAgo(3)}&updated_to=${daysAgo(0)}`);
    const body = (await response.json()) as { orders: { order_no: string }[]; total_count: number };

    expect(order?.order_no).toMatch(/^TC-\d{8}-000001$/);
    expect(order?.buyer.pref).toMatch(/[都道府県]$/);
    expect(body.total_count).toBe(1);
    expect(body.orders[0]?.order_no).toBe(order?.order_no);
  });

  it("applies an accepted shipment later and reports it per order", async () => {
    const [order] = channel.seedOrders({ count: 1 });
    const shipments = [
      { order_no: order?.order_no, carrier: "sagawa", tracking_no: "123456789012", shipped_on: "2025-03-02" },
      { order_no: "TC-MISSING", carrier: "yamato", tracking_no: "1", shipped_on: "2025-03-02" },
    ];

    const accepted = (await (await call("/shipments", { method: "POST", body: { shipments } })).json()) as {
      request_id: string;
    };
    const processing = await (await call(`/shipments/${accepted.request_id}`)).json();
    const completed = await completedRequest(accepted.request_id);

    expect(processing).toMatchObject({ status: "processing", results: [] });
    expect(completed).toMatchObject({
      status: "completed",
      results: [
        { order_no: order?.order_no, ok: true },
        { order_no: "TC-MISSING", ok: false, error: { code: "order_not_found" } },
      ],
    });
    expect(channel.state.shipments).toHaveLength(1);
  });

  it("refuses shipments to a cancelled order per order", async () => {
    const [order] = channel.seedOrders({ count: 1 });
    channel.setOrderStatus(order?.order_no as string, "cancelled");
    const shipments = [
      { order_no: order?.order_no, carrier: "yamato", tracking_no: "1", shipped_on: "2025-03-02" },
    ];

    const accepted = (await (await call("/shipments", { method: "POST", body: { shipments } })).json()) as {
      request_id: string;
    };
    const completed = await completedRequest(accepted.request_id);

    expect(completed).toMatchObject({ results: [{ ok: false, error: { code: "order_cancelled" } }] });
  });
});
