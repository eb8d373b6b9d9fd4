// The Yahoo! simulator keeps the Store API's rules: auth, per-URL rate, status rules, the buyer's 10 minutes.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startYahooSimulator, type YahooSimulator } from "./server.ts";

let clock: number;
let sim: YahooSimulator;

beforeEach(async () => {
  clock = Date.now();
  sim = await startYahooSimulator({ requestsPerSecond: 10, now: () => new Date(clock) });
});
afterEach(() => sim.close());

const post = (api: string, body: string, token = sim.issueTokens().accessToken) =>
  fetch(`${sim.apiUrl}/${api}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/xml" },
    body,
  });

const statusChange = (orderId: string, status: number, pointFix: boolean) =>
  `<Req><Target><OrderId>${orderId}</OrderId><IsPointFix>${pointFix}</IsPointFix></Target><Order><OrderStatus>${status}</OrderStatus></Order><SellerId>${sim.sellerId}</SellerId></Req>`;

describe("Yahoo! simulator", () => {
  it("refuses an expired access token with 401, WWW-Authenticate and Yahoo!'s error body", async () => {
    const { accessToken } = sim.issueTokens();
    clock += 3601_000;

    const response = await post("orderList", "<Req/>", accessToken);

    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(await response.text()).toContain(
      "<Error><Message>AccessToken has been expired.</Message><Code>px-04102</Code></Error>",
    );
  });

  it("allows one request per second per URL by default, counting each API apart", async () => {
    await sim.close();
    sim = await startYahooSimulator();
    const token = sim.issueTokens().accessToken;
    const [order] = sim.seedOrders({ count: 1 });
    const info = `<Req><Target><OrderId>${order?.OrderId}</OrderId><Field>OrderId</Field></Target><SellerId>${sim.sellerId}</SellerId></Req>`;

    const first = await post("orderInfo", info, token);
    const second = await post("orderInfo", info, token);
    const otherUrl = await post("orderStatusChange", statusChange(order?.OrderId as string, 3, false), token);

    expect([first.status, second.status, otherUrl.status]).toEqual([200, 429, 200]);
    expect(second.headers.get("retry-after")).toBe("1");
  });

  it("moves an order to 完了 only with IsPointFix true", async () => {
    const [order] = sim.seedOrders({ count: 1 });
    const orderId = order?.OrderId as string;

    const refused = await post("orderStatusChange", statusChange(orderId, 5, false));
    const accepted = await post("orderStatusChange", statusChange(orderId, 5, true));

    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("<Code>od20011</Code>");
    expect(accepted.status).toBe(200);
    expect(sim.state.orders.get(orderId)?.OrderStatus).toBe(5);
  });

  it("lets the buyer cancel within 10 minutes of ordering, not after", () => {
    const [order] = sim.seedOrders({
      count: 1,
      from: new Date(clock - 2 * 60_000),
      to: new Date(clock - 60_000),
    });
    const [older] = sim.seedOrders({
      count: 1,
      from: new Date(clock - 30 * 60_000),
      to: new Date(clock - 20 * 60_000),
    });

    sim.cancelByBuyer(order?.OrderId as string);

    expect(sim.state.orders.get(order?.OrderId as string)).toMatchObject({
      OrderStatus: 4,
      CancelReason: "100",
    });
    expect(() => sim.cancelByBuyer(older?.OrderId as string)).toThrow(/10-minute window/);
  });
});
