// The ecforce connector against the loopback simulator of the Admin API, with the requests it sends pinned.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type EcforceSimulator, startEcforceSimulator } from "../../../simulators/ecforce/server.ts";
import { orderInputSchema } from "../../domain/order-input.ts";
import { caught, collect, orderCodes } from "../common/contract-support.ts";
import type { HttpExchange } from "../http.ts";
import type { Connector, OrderWindow, ShipmentNotice } from "../types.ts";
import { createEcforceConnector, planPhases } from "./connector.ts";
import { nextJstMidnight } from "./map.ts";

const minute = 60_000;
const dayMs = 86_400_000;
let sim: EcforceSimulator;
let exchanges: HttpExchange[];

beforeEach(async () => {
  sim = await startEcforceSimulator({ requestsPerSecond: 100 });
  exchanges = [];
});
afterEach(() => sim.close());

function connect(options: Record<string, unknown> = {}, token = sim.token): Connector {
  return createEcforceConnector({
    endpoint: sim.apiUrl,
    secrets: { apiToken: token },
    options: {
      endpoint: sim.apiUrl,
      apiUserLogin: "api@shop.example.jp",
      locationCode: "WH-TOKYO",
      requestsPerSecond: 100,
      ...options,
    },
    onExchange: (exchange) => exchanges.push(exchange),
  });
}

const lastMinutes = (n: number): OrderWindow => ({ from: new Date(Date.now() - n * minute), to: new Date() });
const decoded = (url = "") => decodeURIComponent(url.replaceAll("+", " "));

const notice = (orderCode: string, overrides: Partial<ShipmentNotice> = {}): ShipmentNotice => ({
  orderCode,
  carrier: "ヤマト運輸",
  trackingNumber: "123456789012",
  shippedOn: "2025-03-02",
  idempotencyKey: "k",
  ...overrides,
});

describe("ecforce connector: orders", () => {
  it("pages through orders updated in the window, 100 per page, each valid order input", async () => {
    const seeded = sim.seedOrders({
      count: 130,
      from: new Date(Date.now() - 50 * minute),
      to: new Date(Date.now() - minute),
    });

    const pages = await collect(connect().fetchOrders(lastMinutes(60)));

    expect(pages.map((p) => p.orders.length)).toEqual([100, 30]);
    const orders = pages.flatMap((p) => p.orders);
    expect(orders.map((o) => o.orderCode).sort()).toEqual(seeded.map((o) => o.number).sort());
    expect(orders.filter((o) => !orderInputSchema.safeParse(o).success)).toEqual([]);
    const list = exchanges.find((e) => e.url.includes("/admin/orders.json"));
    expect(list?.requestHeaders.authorization).toBe("Token [redacted]");
    expect(decoded(list?.url)).toContain("include=billing_address,shipping_address,order_items");
    expect(decoded(list?.url)).toMatch(/q\[updated_at_gteq\]=\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
  });

  it("with 'only orders due to ship', leaves an order scheduled after today for later", async () => {
    const window = lastMinutes(60);
    const [today] = sim.seedOrders({
      count: 1,
      from: new Date(Date.now() - 30 * minute),
      to: new Date(Date.now() - 29 * minute),
    });
    const [later] = sim.seedOrders({
      count: 1,
      shipAfterDays: 3,
      from: new Date(Date.now() - 30 * minute),
      to: new Date(Date.now() - 29 * minute),
    });

    const due = await collect(connect({ importOnlyDueOrders: true }).fetchOrders(window));
    const all = await collect(connect().fetchOrders(window));

    expect(orderCodes(due)).toEqual([today?.number]);
    expect(orderCodes(all).sort()).toEqual([today?.number, later?.number].sort());
  });

  it("takes an order whose scheduled ship date arrived during the window, though it was last updated days ago", async () => {
    const midnight = nextJstMidnight(new Date(Date.now() - dayMs)); // the last JST midnight
    const [order] = sim.seedOrders({
      count: 1,
      from: new Date(midnight.getTime() - 3 * dayMs),
      to: new Date(midnight.getTime() - 2 * dayMs),
      shipAfterDays: 3,
    });
    sim.updateOrder(order?.number as string, { scheduled_to_be_shipped_at: `${jstDay(midnight)} 00:00:00` });
    const stale = sim.state.byNumber(order?.number as string);
    if (stale) stale.updated_at = order?.updated_at as string; // as if nobody touched it since
    const window = {
      from: new Date(midnight.getTime() - 5 * minute),
      to: new Date(midnight.getTime() + 5 * minute),
    };

    const pages = await collect(connect({ importOnlyDueOrders: true }).fetchOrders(window));

    expect(orderCodes(pages)).toEqual([order?.number]);
    expect(planPhases(window, true)).toEqual([
      { updatedFrom: window.from, updatedTo: window.to },
      { shipFrom: midnight, shipTo: new Date(midnight.getTime() + dayMs) },
    ]);
  });

  it("says an order cancelled in ecforce is cancelled on the channel", async () => {
    const [order] = sim.seedOrders({
      count: 1,
      from: new Date(Date.now() - 30 * minute),
      to: new Date(Date.now() - 29 * minute),
    });
    sim.updateOrder(order?.number as string, { state: "canceled" });

    const [page] = await collect(connect().fetchOrders(lastMinutes(60)));

    expect(page?.orders[0]).toMatchObject({
      orderCode: order?.number,
      channelStatus: "canceled",
      cancelledOnChannel: true,
    });
  });
});

describe("ecforce connector: shipment notices", () => {
  it("registers the shipping result with tracking number, carrier and ship date, as pinned here", async () => {
    const [order] = sim.seedOrders({ count: 1 });

    const receipt = await connect().sendShipment(notice(order?.number as string));

    expect(receipt).toEqual({ status: "done" });
    const put = exchanges.find((e) => e.method === "PUT" && e.url.endsWith("/admin/orders/shipping.json"));
    expect(put?.requestBody).toEqual({
      orders: [
        {
          id: order?.id,
          shipping_slip: "123456789012",
          shipping_carrier_id: 1,
          shipped_at: "2025-03-02 00:00:00",
        },
      ],
      with_async: 0,
      with_sale: 0,
    });
    expect(put?.responseBody).toEqual({ success: [order?.id], failure: [], errors: [] });
    expect(sim.state.orders.get(order?.id as number)?.state).toBe("new");
  });

  it("runs sales processing and changes the order status when the store asks for both", async () => {
    const [order] = sim.seedOrders({ count: 1 });

    await connect({ runSalesOnShipment: true, stateOnShipment: "shipped" }).sendShipment(
      notice(order?.number as string),
    );

    expect(sim.state.shippingResults[0]).toMatchObject({ withSale: true });
    expect(sim.state.orders.get(order?.id as number)).toMatchObject({
      state: "shipped",
      payment_state: "captured",
    });
    const put = exchanges.find(
      (e) => e.method === "PUT" && e.url.endsWith(`/admin/orders/${order?.id}.json`),
    );
    expect(put?.requestBody).toEqual({ order: { state: "shipped" } });
  });

  it("reports ecforce's refusal for a cancelled order with its code and message", async () => {
    const [order] = sim.seedOrders({ count: 1 });
    sim.updateOrder(order?.number as string, { state: "canceled" });

    const error = await caught(() => connect().sendShipment(notice(order?.number as string)));

    expect(error).toMatchObject({ kind: "invalid", code: "AOR2002" });
    expect(error.channelMessage).toContain("キャンセル済み");
  });

  it("asks for the carrier to be added or mapped when the shop has none of that name", async () => {
    const [order] = sim.seedOrders({ count: 1 });

    const error = await caught(() =>
      connect().sendShipment(notice(order?.number as string, { carrier: "西濃運輸" })),
    );
    const mapped = await connect({ carrierIds: { 西濃運輸: 2 } }).sendShipment(
      notice(order?.number as string, { carrier: "西濃運輸" }),
    );

    expect(error).toMatchObject({ kind: "invalid" });
    expect(error.message).toContain('no shipping carrier named "西濃運輸"');
    expect(mapped).toEqual({ status: "done" });
  });
});

describe("ecforce connector: stock, token and settings", () => {
  it("sets stock at the store's location code, one result per SKU", async () => {
    const results = await connect().pushStock(
      [
        { itemCode: "SERUM-30ML", quantity: 8 },
        { itemCode: "E-GIFT", quantity: 1 },
        { itemCode: "NOPE", quantity: 1 },
      ],
      "k",
    );

    expect(results.map((r) => [r.itemCode, r.status, r.status === "rejected" ? r.reason : ""])).toEqual([
      ["SERUM-30ML", "updated", ""],
      ["E-GIFT", "rejected", "unlimited"],
      ["NOPE", "rejected", "not_found"],
    ]);
    expect(sim.stockOf("SERUM-30ML", "WH-TOKYO")?.stock).toBe(8);
    const put = exchanges.find((e) => e.url.endsWith("/admin/stock_items.json"));
    expect((put?.requestBody as { stock_items?: unknown[] } | undefined)?.stock_items?.[0]).toEqual({
      variant_sku: "SERUM-30ML",
      stock_location_code: "WH-TOKYO",
      stock: 8,
    });
  });

  it("says the token was rotated when ecforce refuses the old one", async () => {
    const old = sim.token;
    sim.rotateToken();

    const error = await caught(() => connect({}, old).checkCredentials());

    expect(error).toMatchObject({
      kind: "auth",
      status: 401,
      code: "ASS1001",
      channelMessage: "認証に失敗しました。",
    });
    expect(error.message).toContain("the token was rotated");
    expect(error.message).toContain("update it");
    expect((await connect().checkCredentials()).account).toMatch(
      /^api@shop\.example\.jp \(127\.0\.0\.1:\d+\)$/,
    );
  });

  it("refuses a store without a location code, naming the setting", () => {
    expect(() => connect({ locationCode: undefined })).toThrow(/store setting "locationCode" is required/);
    expect(() => connect({ stateOnShipment: 3 })).toThrow(
      /store setting "stateOnShipment" must be a state code or null/,
    );
  });

  it("declares no import or notices when the store turned them off", () => {
    const connector = connect({ importOrders: false, sendShipmentNotices: false });

    expect(connector.capabilities.fetchOrders).toBeNull();
    expect(connector.capabilities.shipmentNotice).toBeNull();
    expect(connector.capabilities.stockPush).not.toBeNull();
  });
});

function jstDay(date: Date): string {
  return new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 10).replaceAll("-", "/");
}
