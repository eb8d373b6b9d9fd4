// The Yahoo! connector against the loopback simulator of the Store API.
import { generateKeyPairSync } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiPath, startYahooSimulator, type YahooSimulator } from "../../../simulators/yahoo/server.ts";
import { orderInputSchema } from "../../domain/order-input.ts";
import { caught, collect, orderCodes } from "../common/contract-support.ts";
import type { HttpExchange } from "../http.ts";
import type { Connector, OrderPage, OrderWindow } from "../types.ts";
import { createYahooConnector, planPhases } from "./connector.ts";

const minute = 60_000;
const dayMs = 86_400_000;
let clock: number;
let sim: YahooSimulator;
let exchanges: HttpExchange[];

beforeEach(async () => {
  clock = Date.now();
  sim = await startYahooSimulator({ requestsPerSecond: 100, now: () => new Date(clock) });
  exchanges = [];
});
afterEach(() => sim.close());

function connect(options: Record<string, unknown> = {}, tokens = sim.issueTokens()): Connector {
  const { accessToken, refreshToken, clientId, clientSecret } = tokens;
  return createYahooConnector({
    endpoint: sim.apiUrl,
    secrets: { accessToken, refreshToken, clientId, clientSecret },
    options: { sellerId: sim.sellerId, tokenEndpoint: sim.tokenUrl, requestsPerSecond: 100, ...options },
    onExchange: (exchange) => exchanges.push(exchange),
  });
}

const untilNow = (ms: number): OrderWindow => ({ from: new Date(clock - ms), to: new Date(clock) });

const codes = (pages: OrderPage[]) => orderCodes(pages).sort();

describe("Yahoo! connector: orders", () => {
  it("imports an order only once the buyer's 10-minute cancellation window has passed", async () => {
    const [old] = sim.seedOrders({
      count: 1,
      from: new Date(clock - 40 * minute),
      to: new Date(clock - 30 * minute),
    });
    const [young] = sim.seedOrders({
      count: 1,
      from: new Date(clock - 4 * minute),
      to: new Date(clock - 3 * minute),
    });

    const pages = await collect(connect({ cancellationCheckDays: 0 }).fetchOrders(untilNow(dayMs)));

    expect(codes(pages)).toEqual([old?.OrderId]);
    expect(codes(pages)).not.toContain(young?.OrderId);
  });

  it("reads the young order in the next window once 10 minutes have passed, if the buyer kept it", async () => {
    const [kept, cancelled] = sim.seedOrders({
      count: 2,
      from: new Date(clock - 3 * minute),
      to: new Date(clock - 2 * minute),
    });
    const first = untilNow(dayMs);
    await collect(connect({ cancellationCheckDays: 0 }).fetchOrders(first));
    sim.cancelByBuyer(cancelled?.OrderId as string);
    clock += 15 * minute;

    // The engine's next window starts where the last ended, less its overlap.
    const next = { from: new Date(first.to.getTime() - 10 * minute), to: new Date(clock) };
    const pages = await collect(connect({ cancellationCheckDays: 0 }).fetchOrders(next));

    const orders = pages.flatMap((p) => p.orders);
    expect(orders.find((o) => o.orderCode === kept?.OrderId)).toMatchObject({ cancelledOnChannel: false });
    expect(orders.find((o) => o.orderCode === cancelled?.OrderId)).toMatchObject({
      cancelledOnChannel: true,
    });
  });

  it("pages through orderList and yields orders that pass the order input schema", async () => {
    const seeded = sim.seedOrders({
      count: 120,
      from: new Date(clock - 3 * dayMs),
      to: new Date(clock - 20 * minute),
    });

    const pages = await collect(connect({ cancellationCheckDays: 0 }).fetchOrders(untilNow(4 * dayMs)));

    expect(pages.map((p) => p.orders.length)).toEqual([100, 20]);
    expect(codes(pages)).toEqual(seeded.map((o) => o.OrderId).sort());
    const failures = pages.flatMap((p) => p.orders).filter((o) => !orderInputSchema.safeParse(o).success);
    expect(failures).toEqual([]);
  });

  it("reads a page again that arrived cut off, rather than importing the part of it that parsed", async () => {
    const seeded = sim.seedOrders({
      count: 30,
      from: new Date(clock - dayMs),
      to: new Date(clock - 20 * minute),
    });
    sim.injectFaults({ kind: "truncated" }, 1, `${apiPath}/orderList`);
    const connector = connect({ cancellationCheckDays: 0 });

    const error = await caught(() => collect(connector.fetchOrders(untilNow(2 * dayMs))));
    expect(error).toMatchObject({
      kind: "transient",
      message: expect.stringMatching(/orderList answered malformed XML/),
    });
    expect(error.retryable).toBe(true);

    const pages = await collect(connector.fetchOrders(untilNow(2 * dayMs)));
    expect(codes(pages)).toEqual(seeded.map((o) => o.OrderId).sort());
  });

  it("resumes from a page's cursor with the remaining orders only", async () => {
    sim.seedOrders({ count: 120, from: new Date(clock - 2 * dayMs), to: new Date(clock - 20 * minute) });
    const window = untilNow(3 * dayMs);
    const connector = connect({ cancellationCheckDays: 0 });
    const first = (await connector.fetchOrders(window)[Symbol.asyncIterator]().next()).value as OrderPage;

    const rest = await collect(connector.fetchOrders(window, first.cursor));

    expect(rest.map((p) => p.orders.length)).toEqual([20]);
    expect(new Set([...codes([first]), ...codes(rest)]).size).toBe(120);
  });

  it("finds orders cancelled on Yahoo! after Kura imported them (payment expiry) within the check period", async () => {
    const [unpaid, tooOld] = [
      ...sim.seedOrders({ count: 1, from: new Date(clock - 5 * dayMs), to: new Date(clock - 4 * dayMs) }),
      ...sim.seedOrders({ count: 1, from: new Date(clock - 20 * dayMs), to: new Date(clock - 19 * dayMs) }),
    ];
    sim.seedOrders({ count: 3, from: new Date(clock - 5 * dayMs), to: new Date(clock - 4 * dayMs) });
    sim.expirePayment(unpaid?.OrderId as string);
    sim.expirePayment(tooOld?.OrderId as string);

    // A routine run: only the last few minutes are new.
    const pages = await collect(connect({ cancellationCheckDays: 14 }).fetchOrders(untilNow(15 * minute)));

    const orders = pages.flatMap((p) => p.orders);
    expect(orders.map((o) => o.orderCode)).toEqual([unpaid?.OrderId]);
    expect(orders[0]).toMatchObject({ channelStatus: "4", cancelledOnChannel: true });
  });

  it("plans new orders moved back by 10 minutes, then cancellations before them", () => {
    const to = new Date("2025-03-01T01:00:00Z");
    const phases = planPhases({ from: new Date(to.getTime() - 30 * minute), to }, 7);

    expect(phases.map((p) => [p.from.toISOString(), p.to.toISOString(), p.statuses])).toEqual([
      ["2025-03-01T00:20:00.000Z", "2025-03-01T00:49:59.999Z", undefined],
      ["2025-02-22T01:00:00.000Z", "2025-03-01T00:19:59.999Z", ["4"]],
    ]);
  });
});

describe("Yahoo! connector: requests as the Store API documents them", () => {
  it("sends orderList with the window in JST, moved back by the buyer's 10 minutes", async () => {
    const to = new Date("2025-03-01T03:00:00Z"); // 12:00 JST
    await collect(
      connect({ cancellationCheckDays: 0 }).fetchOrders({ from: new Date(to.getTime() - 60 * minute), to }),
    );

    const list = exchanges.find((e) => e.url.endsWith("/orderList"));
    expect(list?.requestBody).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Req><Search><Result>100</Result><Start>1</Start><Sort>+order_time</Sort>' +
        "<Condition><OrderTimeFrom>20250301105000</OrderTimeFrom><OrderTimeTo>20250301114959</OrderTimeTo></Condition>" +
        "<Field>OrderId,OrderTime,OrderStatus</Field></Search><SellerId>snbx-kura</SellerId></Req>",
    );
    expect(list?.requestHeaders).toMatchObject({
      authorization: "Bearer [redacted]",
      "content-type": "application/xml; charset=utf-8",
    });
  });

  it("sends setStock as form fields, variations as itemCode:subCode", async () => {
    await connect().pushStock(
      [
        { itemCode: "tea-sencha-100", quantity: 12 },
        { itemCode: "cup-yunomi", optionCode: "ao", quantity: 3 },
      ],
      "k",
    );

    const call = exchanges.find((e) => e.url.endsWith("/setStock"));
    expect(Object.fromEntries(new URLSearchParams(String(call?.requestBody)))).toEqual({
      seller_id: "snbx-kura",
      item_code: "tea-sencha-100,cup-yunomi:ao",
      quantity: "12,3",
    });
  });
});

describe("Yahoo! connector: shipments and stock", () => {
  it("sends carrier, tracking number and ship date as 出荷完了", async () => {
    const [order] = sim.seedOrders({ count: 1 });
    const receipt = await connect().sendShipment({
      orderCode: order?.OrderId as string,
      carrier: "ヤマト運輸",
      trackingNumber: "1234 5678 9012",
      shippedOn: "2025-03-02",
      idempotencyKey: "k1",
    });

    expect(receipt).toEqual({ status: "done" });
    expect(sim.state.shipUpdates).toHaveLength(1);
    expect(sim.state.shipUpdates[0]?.ship).toEqual({
      ShipStatus: "3",
      ShipCompanyCode: "1001",
      ShipInvoiceNumber1: "123456789012",
      ShipDate: "20250302",
    });
    expect(sim.state.orders.get(order?.OrderId as string)?.OrderStatus).toBe(2);
  });

  it("moves the order to 完了 with points fixed when the store asks for it", async () => {
    const [order] = sim.seedOrders({ count: 1 });

    await connect({ completeOrderOnShipment: true }).sendShipment({
      orderCode: order?.OrderId as string,
      carrier: "佐川急便",
      trackingNumber: "400012345678",
      shippedOn: "2025-03-02",
      idempotencyKey: "k2",
    });

    expect(sim.state.statusChanges).toEqual([{ orderId: order?.OrderId, status: 5, isPointFix: true }]);
  });

  it("reports Yahoo!'s refusal of a notice for a cancelled order as invalid, with its code", async () => {
    const [order] = sim.seedOrders({ count: 1 });
    sim.expirePayment(order?.OrderId as string);

    const error = await caught(() =>
      connect().sendShipment({
        orderCode: order?.OrderId as string,
        carrier: "ヤマト運輸",
        trackingNumber: "123456789012",
        shippedOn: "2025-03-02",
        idempotencyKey: "k3",
      }),
    );

    expect(error).toMatchObject({ kind: "invalid", code: "od90166", status: 400 });
    expect(error.channelMessage).toContain("キャンセル済み");
  });

  it("pushes absolute stock with variations as itemCode:subCode, one result per item", async () => {
    const results = await connect().pushStock(
      [
        { itemCode: "tea-sencha-100", quantity: 12 },
        { itemCode: "cup-yunomi", optionCode: "ao", quantity: 3 },
        { itemCode: "no-such-item", quantity: 1 },
      ],
      "stock-1",
    );

    expect(results).toEqual([
      { itemCode: "tea-sencha-100", status: "updated" },
      { itemCode: "cup-yunomi", optionCode: "ao", status: "updated" },
      {
        itemCode: "no-such-item",
        status: "rejected",
        reason: "not_found",
        channelMessage: "商品が存在しません。",
        code: "st-02201",
      },
    ]);
    expect(sim.stockOf("tea-sencha-100")?.quantity).toBe(12);
    expect(sim.stockOf("cup-yunomi", "ao")?.quantity).toBe(3);
  });
});

describe("Yahoo! connector: tokens and settings", () => {
  it("renews the access token with the refresh token, which Yahoo! keeps", async () => {
    const tokens = sim.issueTokens();
    clock += 3601 * 1000;
    const connector = connect({}, tokens);
    const expired = await caught(() => connector.checkCredentials());

    const renewed = await connector.refreshCredentials?.();
    const check = await connector.checkCredentials();

    expect(expired).toMatchObject({ kind: "auth", status: 401, code: "px-04102" });
    expect(renewed?.secrets).toEqual({ accessToken: expect.stringMatching(/^yj-at-/) });
    expect(check.account).toBe("Yahoo!ショッピング snbx-kura");
    const tokenCall = exchanges.find((e) => e.url.endsWith("/yconnect/v2/token"));
    expect(tokenCall?.requestHeaders.authorization).toBe("Basic [redacted]");
    expect(String(tokenCall?.requestBody)).not.toContain(tokens.refreshToken);
  });

  it("asks the merchant to authorize again when the 28-day refresh token has expired", async () => {
    const tokens = sim.issueTokens();
    clock += 28 * dayMs + 1000;

    const error = await caught(async () => connect({}, tokens).refreshCredentials?.());

    expect(error).toMatchObject({ kind: "auth", code: "invalid_grant" });
    expect(error.message).toContain("authorize Kura again");
  });

  it("refuses a store without a seller id, naming the setting", () => {
    expect(() => connect({ sellerId: undefined })).toThrow(/store setting "sellerId" is required/);
    expect(() => connect({ completeOrderOnShipment: "yes" })).toThrow(
      /store setting "completeOrderOnShipment" must be true or false/,
    );
  });
});

describe("Yahoo! connector: public-key authentication (公開鍵認証)", () => {
  let signed: YahooSimulator;
  beforeEach(async () => {
    signed = await startYahooSimulator({ requestsPerSecond: 100, publicKeyVersion: "2" });
  });
  afterEach(() => signed.close());

  const connectSigned = (key: { publicKey?: string; publicKeyVersion?: string }) => {
    const { accessToken, refreshToken, clientId, clientSecret } = signed.issueTokens();
    return createYahooConnector({
      endpoint: signed.apiUrl,
      secrets: { accessToken, refreshToken, clientId, clientSecret, ...key },
      options: { sellerId: signed.sellerId, tokenEndpoint: signed.tokenUrl, requestsPerSecond: 100 },
    });
  };

  it("signs every API call and the token refresh with the issued public key", async () => {
    const connector = connectSigned({ publicKey: signed.publicKey?.pem, publicKeyVersion: "2" });

    await connector.checkCredentials();
    await connector.refreshCredentials?.();

    expect(signed.state.signedRequests).toBe(2);
  });

  it("is refused by a store that requires signatures when the key is missing or another one", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
    const wrongKey = other.export({ type: "spki", format: "pem" }).toString();

    const unsigned = await caught(() => connectSigned({}).checkCredentials());
    const wrong = await caught(() =>
      connectSigned({ publicKey: wrongKey, publicKeyVersion: "2" }).checkCredentials(),
    );
    const oldVersion = await caught(() =>
      connectSigned({ publicKey: signed.publicKey?.pem, publicKeyVersion: "1" }).checkCredentials(),
    );

    expect(unsigned).toMatchObject({ kind: "auth", status: 401 });
    expect(unsigned.message).toContain("X-sws-signature is required");
    expect(wrong.message).toContain("Invalid signature");
    expect(oldVersion.message).toContain("does not match the issued public key");
    expect(signed.state.signedRequests).toBe(0);
  });

  it("names what is missing when only half of the key is set, or the key is not PEM", () => {
    expect(() => connectSigned({ publicKey: signed.publicKey?.pem })).toThrow(/publicKeyVersion/);
    expect(() => connectSigned({ publicKeyVersion: "2" })).toThrow(/publicKey\)/);
    expect(() => connectSigned({ publicKey: "not a key", publicKeyVersion: "2" })).toThrow(/in PEM form/);
  });
});
