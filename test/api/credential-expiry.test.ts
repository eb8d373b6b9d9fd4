// Keys a merchant reissues by a date (Rakuten's license key, au PAY's and Qoo10's API keys) carry the date
// given with them; the other values of the same call (Rakuten's service secret, Qoo10's user) do not expire.
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { createStore } from "../../src/operations/masters.ts";
import { givenMerchant } from "../support/fixtures.ts";
import { secretBox } from "../sync/support.ts";
import { type Api, useApi } from "./support.ts";

let db: Db;
let api: Api;
useApi((env) => ({ db, api } = env), { secretBox });

async function credentialsOf(channel: string, values: Record<string, string>) {
  const m = await givenMerchant(db);
  const store = await createStore(db, m.orgId, { channel, name: `${channel} 店`, warehouseCode: "WH1" });
  const path = `/api/v1/merchant/${m.orgId}/stores/${store.id}/credentials`;
  const expiresAt = new Date(Date.now() + 5 * 86_400_000).toISOString();
  const put = await api.call("PUT", path, { token: m.token, body: { values, expiresAt } });
  expect(put.status).toBe(200);
  const listed: Array<{ name: string; expiresAt: string | null; expiresSoon: boolean }> = (
    await api.call("GET", path, { token: m.token })
  ).body.data;
  return { expiresAt, byName: new Map(listed.map((c) => [c.name, c])) };
}

describe("the expiry date given with a store's credentials", () => {
  it("applies to Rakuten's license key only, not to the service secret set with it", async () => {
    const { expiresAt, byName } = await credentialsOf("rakuten", {
      serviceSecret: "SP123456_secret",
      licenseKey: "SL123456_license",
    });

    expect(byName.get("licenseKey")).toMatchObject({ expiresAt, expiresSoon: true });
    expect(byName.get("serviceSecret")).toMatchObject({ expiresAt: null, expiresSoon: false });
  });

  it("applies to Qoo10's API key, not to the seller's user id and password", async () => {
    const { expiresAt, byName } = await credentialsOf("qoo10", {
      apiKey: "qoo10-key",
      userId: "seller",
      password: "pass-word",
    });

    expect(byName.get("apiKey")).toMatchObject({ expiresAt });
    expect(byName.get("userId")?.expiresAt).toBeNull();
    expect(byName.get("password")?.expiresAt).toBeNull();
  });

  it("applies to every value of a channel that names no expiring key", async () => {
    const { expiresAt, byName } = await credentialsOf("test", { apiKey: "k-1", clientSecret: "s-1" });

    expect([...byName.values()].map((c) => c.expiresAt)).toEqual([expiresAt, expiresAt]);
  });
});
