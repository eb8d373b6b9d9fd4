// The test channel's connector when the store connected through OAuth2: it calls with the access token and
// renews the pair itself; the engine decides when and stores what it gets.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AuthorizedTokens,
  startTestChannel,
  type TestChannel,
} from "../../../simulators/test-channel/server.ts";
import { caught } from "../common/contract-support.ts";
import type { HttpExchange } from "../http.ts";
import type { Connector } from "../types.ts";
import { createTestChannelConnector } from "./connector.ts";

let clock: number;
let simulator: TestChannel;
let exchanges: HttpExchange[];

beforeEach(async () => {
  clock = Date.now();
  simulator = await startTestChannel({ oauth: { accessTokenTtlSeconds: 60 }, now: () => new Date(clock) });
  exchanges = [];
});
afterEach(() => simulator.close());

function connect(tokens: AuthorizedTokens): Connector {
  const { accessToken, refreshToken, clientId, clientSecret } = tokens;
  return createTestChannelConnector({
    endpoint: simulator.url,
    secrets: { accessToken, refreshToken, clientId, clientSecret },
    onExchange: (exchange) => exchanges.push(exchange),
  });
}

describe("test channel connector: OAuth2", () => {
  it("calls with the access token and declares that it renews the tokens itself", async () => {
    const connector = connect(simulator.issueTokens());

    const check = await connector.checkCredentials();

    expect(check.account).toBe("テストチャネル店 (tc-shop-001)");
    expect(connector.capabilities.credentials).toEqual({ kind: "oauth2", refresh: "automatic" });
    expect(typeof connector.refreshCredentials).toBe("function");
  });

  it("keeps declaring API-key credentials without a refresh token", () => {
    const connector = createTestChannelConnector({ endpoint: simulator.url, secrets: { apiKey: "k" } });

    expect(connector.capabilities.credentials).toEqual({ kind: "api_key", refresh: "none" });
    expect(connector.refreshCredentials).toBeUndefined();
  });

  it("renews the pair, answers the secrets to store, and goes on with the new access token", async () => {
    const tokens = simulator.issueTokens();
    const connector = connect(tokens);
    const before = Date.now();

    const renewed = await connector.refreshCredentials?.();
    simulator.state.accessTokens.delete(tokens.accessToken); // so only the new one can answer
    const check = await connector.checkCredentials();

    expect(renewed?.secrets).toMatchObject({ clientId: tokens.clientId, clientSecret: tokens.clientSecret });
    expect(renewed?.secrets.accessToken).not.toBe(tokens.accessToken);
    expect(renewed?.secrets.refreshToken).not.toBe(tokens.refreshToken);
    expect(renewed?.expiresAt?.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect(check.account).toContain("tc-shop-001");
  });

  it("turns a refused refresh token into an auth error carrying the channel's reason", async () => {
    const connector = connect(simulator.issueTokens());
    simulator.revokeRefreshTokens();

    const error = await caught(() => connector.refreshCredentials?.() ?? Promise.resolve());

    expect(error).toMatchObject({
      kind: "auth",
      status: 400,
      code: "invalid_grant",
      channelMessage: "リフレッシュトークンは無効化されています。再度認可してください。",
    });
    expect(error.message).toContain("authorize Kura again");
  });

  it("refuses an expired access token as an auth error with the channel's message", async () => {
    const connector = connect(simulator.issueTokens());
    clock += 61_000;

    const error = await caught(() => connector.checkCredentials());

    expect(error).toMatchObject({
      kind: "auth",
      status: 401,
      code: "expired_access_token",
      channelMessage: "アクセストークンの有効期限が切れています。",
    });
  });

  it("never logs the refresh token or the client secret", async () => {
    const tokens = simulator.issueTokens();
    const connector = connect(tokens);

    const renewed = await connector.refreshCredentials?.();

    const logged = JSON.stringify(exchanges);
    expect(exchanges.map((e) => `${e.method} ${new URL(e.url).pathname}`)).toEqual(["POST /oauth/token"]);
    const form = new URLSearchParams(String(exchanges[0]?.requestBody));
    expect(form.get("grant_type")).toBe("refresh_token");
    expect(form.get("client_id")).toBe(tokens.clientId);
    for (const secret of [tokens.refreshToken, tokens.clientSecret, renewed?.secrets.accessToken]) {
      expect(logged).not.toContain(secret);
    }
    expect(logged).not.toContain(renewed?.secrets.refreshToken);
  });
});
