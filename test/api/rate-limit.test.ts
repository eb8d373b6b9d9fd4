import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { orders } from "../../src/db/schema.ts";
import { connectCart, givenCartMerchant } from "../cart-api/support.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";
import { type Api, merchantClient, useApi } from "./support.ts";

let db: Db;
let api: Api;
useApi((env) => ({ db, api } = env), { rateLimit: { requestsPerMinute: 5 } });

describe("the API's rate limit per client", () => {
  it("tells a client its allowance, then answers 429 with Retry-After and does nothing of the request", async () => {
    const m = await givenMerchant(db);
    await m.product("SKU-1", 5);
    const client = merchantClient(api, m);

    const remaining = [];
    for (let i = 0; i < 4; i++) {
      const answer = await client.get("/orders");
      expect(answer.status).toBe(200);
      expect(answer.headers.get("x-ratelimit-limit")).toBe("5");
      remaining.push(answer.headers.get("x-ratelimit-remaining"));
    }
    const last = await client.get("/orders");
    expect(remaining).toEqual(["4", "3", "2", "1"]);
    expect(last.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(last.headers.get("x-ratelimit-reset"))).toBeGreaterThan(0);

    const refused = await client.post(`/stores/${m.storeId}/orders`, anOrder({ orderCode: "RL-1" }));
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("too_many_requests");
    expect(refused.body.error.message).toContain("more than 5 requests in a minute");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);

    // Counted apart from the first: another merchant's key still has its whole allowance.
    const other = await givenMerchant(db);
    const otherAnswer = await merchantClient(api, other).get("/orders");
    expect(otherAnswer.status).toBe(200);
    expect(otherAnswer.headers.get("x-ratelimit-remaining")).toBe("4");
    // The refused order was not registered.
    expect(await db.select().from(orders).where(eq(orders.orderCode, "RL-1"))).toEqual([]);
  });

  it("counts a cart's access token as its own client on the cart API", async () => {
    const merchant = await givenCartMerchant(db);
    const { accessToken } = await connectCart(api, merchant);
    const path = `/api/v1/merchant/${merchant.orgId}/outbound_deliveries`;

    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await api.call("GET", path, { token: accessToken })).status);

    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
