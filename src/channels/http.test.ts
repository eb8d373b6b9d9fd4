import { createServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestChannel, type TestChannel } from "../../simulators/test-channel/server.ts";
import { caught } from "./common/contract-support.ts";
import {
  ChannelHttp,
  type ChannelHttpOptions,
  type HttpExchange,
  kindForStatus,
  parseRetryAfter,
  redact,
  redactUrl,
} from "./http.ts";

let simulator: TestChannel;

beforeEach(async () => {
  simulator = await startTestChannel();
});
afterEach(() => simulator.close());

function http(options: Partial<ChannelHttpOptions> = {}) {
  return new ChannelHttp({
    channel: "test",
    baseUrl: simulator.url,
    headers: () => ({ authorization: `Bearer ${simulator.apiKey}` }),
    ...options,
  });
}

const getShop = (client: ChannelHttp) => client.request({ method: "GET", path: "/shop" });

describe("ChannelHttp", () => {
  it("returns the parsed JSON body of a success", async () => {
    const response = await getShop(http());

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ shop_id: "tc-shop-001" });
  });

  it("maps a 5xx to a transient error with the channel's code and message", async () => {
    simulator.injectFaults({ kind: "error", status: 503, message: "只今メンテナンス中です。" });

    const error = await caught(() => getShop(http()));

    expect(error).toMatchObject({
      kind: "transient",
      status: 503,
      code: "server_error",
      channelMessage: "只今メンテナンス中です。",
      channel: "test",
    });
    expect(error.message).toBe(
      "test: GET /shop failed on the channel's side (HTTP 503): 只今メンテナンス中です。",
    );
  });

  it("maps a 429 to rate_limited with Retry-After in milliseconds", async () => {
    simulator.injectFaults({ kind: "rate_limit", retryAfterSeconds: 3 });

    const error = await caught(() => getShop(http()));

    expect(error).toMatchObject({ kind: "rate_limited", status: 429, retryAfterMs: 3000, retryable: true });
  });

  it("maps the channel's own rate limit to rate_limited", async () => {
    await simulator.close();
    simulator = await startTestChannel({ requestsPerSecond: 2 });
    const client = http();
    await getShop(client);
    await getShop(client);

    const error = await caught(() => getShop(client));

    expect(error).toMatchObject({ kind: "rate_limited", retryAfterMs: 1000, code: "rate_limited" });
  });

  it("maps a timeout to a transient error", async () => {
    simulator.injectFaults({ kind: "hang", ms: 5000 });

    const error = await caught(() => getShop(http({ timeoutMs: 100 })));

    expect(error).toMatchObject({ kind: "transient", message: "test: GET /shop timed out after 100 ms" });
  });

  it("maps a refused connection to a transient error", async () => {
    const port = await freePort();

    const error = await caught(() => getShop(http({ baseUrl: `http://127.0.0.1:${port}` })));

    expect(error).toMatchObject({ kind: "transient", message: "test: GET /shop failed: ECONNREFUSED" });
  });

  it("maps a refused key to an auth error carrying the channel's message", async () => {
    const error = await caught(() => getShop(http({ headers: () => ({ authorization: "Bearer nope" }) })));

    expect(error).toMatchObject({
      kind: "auth",
      status: 401,
      code: "invalid_api_key",
      channelMessage: "APIキーが正しくありません。",
      retryable: false,
    });
  });

  it("maps a refused request to invalid", async () => {
    const error = await caught(() =>
      http().request({ method: "GET", path: "/orders", query: { limit: 500 } }),
    );

    expect(error).toMatchObject({ kind: "invalid", status: 400, code: "invalid_request" });
  });

  it("spaces requests to stay under the declared rate", async () => {
    const client = http({ requestsPerSecond: 20 });
    const started = Date.now();

    for (let i = 0; i < 5; i++) await getShop(client);

    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 50);
  });

  it("keeps clients of one account together under the channel's rate, each paced at the full rate", async () => {
    // The simulator counts 10 requests a second per API key, as the channel does; each client is allowed 10.
    const account = `store 1 at ${simulator.url}`;
    const clients = [1, 2, 3].map(() => http({ requestsPerSecond: 10, pacingAccount: account }));

    const answers = await Promise.all(
      clients.flatMap((client) => Array.from({ length: 8 }, () => getShop(client))),
    );

    expect(answers.map((a) => a.status)).toEqual(Array(24).fill(200)); // a 429 would have thrown
  });

  it("sends nothing more before the Retry-After of a 429 has passed", async () => {
    const client = http({ requestsPerSecond: 50 });
    simulator.injectFaults({ kind: "rate_limit", retryAfterSeconds: 1 });
    const refused = Date.now();
    expect(await caught(() => getShop(client))).toMatchObject({ kind: "rate_limited" });

    await getShop(client);

    expect(Date.now() - refused).toBeGreaterThanOrEqual(1000);
  });

  it("reports each exchange with the secrets redacted", async () => {
    const exchanges: HttpExchange[] = [];
    const client = http({ onExchange: (exchange) => exchanges.push(exchange) });

    await client.request({
      method: "POST",
      path: "/stock",
      body: { items: [{ sku: "TENUGUI", variant: "KOI", quantity: 1 }] },
    });
    await client.request({ method: "GET", path: "/shop", query: { access_token: "t0ken" } });

    expect(exchanges[0]).toMatchObject({
      method: "POST",
      status: 200,
      requestHeaders: { authorization: "Bearer [redacted]" },
      requestBody: { items: [{ sku: "TENUGUI" }] },
      responseBody: { results: [{ status: "updated" }] },
    });
    expect(exchanges[1]?.url).toBe(`${simulator.url}/shop?access_token=%5Bredacted%5D`);
    expect(JSON.stringify(exchanges)).not.toContain(simulator.apiKey);
    expect(JSON.stringify(exchanges)).not.toContain("t0ken");
  });
});

describe("mapping statuses and Retry-After", () => {
  it("gives each HTTP status the kind an engine acts on", () => {
    const kinds = [400, 401, 403, 404, 408, 409, 422, 423, 429, 500, 502, 503].map((status) => [
      status,
      kindForStatus(status),
    ]);

    expect(Object.fromEntries(kinds)).toEqual({
      400: "invalid",
      401: "auth",
      403: "auth",
      404: "not_found",
      408: "transient",
      409: "invalid",
      422: "invalid",
      423: "transient",
      429: "rate_limited",
      500: "transient",
      502: "transient",
      503: "transient",
    });
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2025-03-01T00:00:00Z");

    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Sat, 01 Mar 2025 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe("redact", () => {
  it("masks an Authorization header and keeps its scheme", () => {
    expect(redact({ Authorization: "ESA c2VjcmV0OmxpY2Vuc2U=", accept: "application/json" })).toEqual({
      Authorization: "ESA [redacted]",
      accept: "application/json",
    });
  });

  it("masks fields named like secrets at any depth", () => {
    const redacted = redact({
      serviceSecret: "s3cret",
      licenseKey: "SL123",
      credentials: { password: "pw", user: "shop" },
      tokens: [{ access_token: "a", refresh_token: "r" }],
      "x-api-key": "k",
      shop: { name: "テスト店", apiKey: "k2" },
    });

    expect(redacted).toEqual({
      serviceSecret: "[redacted]",
      licenseKey: "[redacted]",
      credentials: "[redacted]",
      tokens: "[redacted]",
      "x-api-key": "[redacted]",
      shop: { name: "テスト店", apiKey: "[redacted]" },
    });
  });

  it("masks secrets in a form-encoded body, such as an OAuth2 token request", () => {
    const body = "grant_type=refresh_token&refresh_token=rt-123&client_id=shop&client_secret=cs-456";

    const masked = String(redact(body));

    expect(masked).not.toContain("rt-123");
    expect(masked).not.toContain("cs-456");
    expect(new URLSearchParams(masked).get("grant_type")).toBe("refresh_token");
    expect(redact("plain text, not a form")).toBe("plain text, not a form");
  });

  it("masks secret query parameters and passwords in URLs", () => {
    expect(redactUrl("https://user:pw@api.example/expiry?licenseKey=SL1&shop=1")).toBe(
      "https://user:%5Bredacted%5D@api.example/expiry?licenseKey=%5Bredacted%5D&shop=1",
    );
  });

  it("leaves everything else as it was, without touching the original", () => {
    const original = { order_no: "TC-1", idempotencyKey: "cycle-1", items: [{ qty: 2 }] };

    expect(redact(original)).toEqual(original);
    expect(redact(original)).not.toBe(original);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 0;
}
