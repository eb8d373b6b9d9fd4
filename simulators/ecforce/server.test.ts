// The ecforce simulator keeps the Admin API's rules: Rails token auth that dies on rotation, per ≤ 100.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type EcforceSimulator, startEcforceSimulator } from "./server.ts";

let sim: EcforceSimulator;

beforeEach(async () => {
  sim = await startEcforceSimulator({ requestsPerSecond: 100 });
});
afterEach(() => sim.close());

const orders = (token: string, query = "") =>
  fetch(`${sim.apiUrl}/admin/orders.json${query}`, { headers: { authorization: `Token token="${token}"` } });

describe("ecforce simulator", () => {
  it("refuses the old token the moment a new one is issued", async () => {
    const old = sim.token;
    expect((await orders(old)).status).toBe(200);

    const fresh = sim.rotateToken();
    const refused = await orders(old);

    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ errors: [{ code: "ASS1001", message: "認証に失敗しました。" }] });
    expect((await orders(fresh)).status).toBe(200);
  });

  it("wants the token quoted, Rails style", async () => {
    const response = await fetch(`${sim.apiUrl}/admin/orders.json`, {
      headers: { authorization: `Token token=${sim.token}` },
    });

    expect(response.status).toBe(401);
  });

  it("cuts per to 100 and says how many pages there are", async () => {
    sim.seedOrders({ count: 120 });

    const body = (await (await orders(sim.token, "?per=500&page=2")).json()) as {
      data: unknown[];
      meta: Record<string, number>;
    };

    expect(body.data).toHaveLength(20);
    expect(body.meta).toMatchObject({ total_count: 120, page: 2, per: 100, total_pages: 2 });
  });
});
