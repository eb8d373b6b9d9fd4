// OAuth2 mode: access tokens with a lifetime, refresh-token grants as RFC 6749 §6, errors as §5.2.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestChannel, type TestChannel } from "./server.ts";

let clock: number;
let oauthChannel: TestChannel;

beforeEach(async () => {
  clock = Date.now();
  oauthChannel = await startTestChannel({ oauth: { accessTokenTtlSeconds: 60 }, now: () => new Date(clock) });
});
afterEach(() => oauthChannel.close());

describe("test channel simulator in OAuth2 mode", () => {
  const shop = (token: string) =>
    fetch(`${oauthChannel.url}/shop`, { headers: { authorization: `Bearer ${token}` } });

  function refresh(refreshToken: string, client = { id: "tc-client-id", secret: "tc-client-secret" }) {
    return fetch(`${oauthChannel.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        client_id: client.id,
        client_secret: client.secret,
      }),
    });
  }

  it("opens the API with an issued access token and no longer with the API key", async () => {
    const tokens = oauthChannel.issueTokens();

    expect((await shop(tokens.accessToken)).status).toBe(200);
    expect((await shop(oauthChannel.apiKey)).status).toBe(401);
  });

  it("refuses an expired access token with its own message", async () => {
    const tokens = oauthChannel.issueTokens();
    clock += 61_000;

    const response = await shop(tokens.accessToken);

    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect(await response.json()).toEqual({
      error: { code: "expired_access_token", message: "アクセストークンの有効期限が切れています。" },
    });
  });

  it("answers a refresh-token grant with a new pair, and the old refresh token is used up", async () => {
    const tokens = oauthChannel.issueTokens();

    const response = await refresh(tokens.refreshToken);
    const body = (await response.json()) as Record<string, unknown>;
    const again = await refresh(tokens.refreshToken);

    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 60 });
    expect(body.refresh_token).not.toBe(tokens.refreshToken);
    expect((await shop(body.access_token as string)).status).toBe(200);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses a revoked or expired refresh token with invalid_grant and the reason", async () => {
    const revoked = oauthChannel.issueTokens();
    oauthChannel.revokeRefreshTokens();
    const expired = oauthChannel.issueTokens();
    clock += 28 * 86_400_000 + 1000;

    const revokedAnswer = await refresh(revoked.refreshToken);
    const expiredAnswer = await refresh(expired.refreshToken);

    expect(revokedAnswer.status).toBe(400);
    expect(await revokedAnswer.json()).toEqual({
      error: "invalid_grant",
      error_description: "リフレッシュトークンは無効化されています。再度認可してください。",
    });
    expect(await expiredAnswer.json()).toMatchObject({
      error: "invalid_grant",
      error_description: "リフレッシュトークンの有効期限が切れています。再度認可してください。",
    });
  });

  it("refuses wrong client credentials with invalid_client", async () => {
    const tokens = oauthChannel.issueTokens();

    const response = await refresh(tokens.refreshToken, { id: "tc-client-id", secret: "wrong" });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "invalid_client" });
    expect((await refresh(tokens.refreshToken)).status).toBe(200); // the grant was not used up
  });
});
