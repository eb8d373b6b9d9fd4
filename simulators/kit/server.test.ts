// The simulator kit's shared behaviour: faults before auth, auth before the rate limit, every request logged.
import { afterEach, describe, expect, it } from "vitest";
import { type KitServer, startKitServer } from "./server.ts";

let kit: KitServer;
afterEach(() => kit.close());

async function start(requestsPerSecond = 100) {
  kit = await startKitServer(
    {
      requestsPerSecond,
      authenticate: (request) =>
        request.headers["x-key"] === "good" ? undefined : { status: 401, body: { error: "bad key" } },
      rateLimited: (seconds) => ({
        status: 429,
        body: { error: "slow down" },
        headers: { "retry-after": String(seconds) },
      }),
      fault: (status, message) => ({ status, body: { error: message } }),
    },
    (app) => {
      app.post("/echo", async (request) => ({ got: request.body }));
    },
  );
  return (key = "good") =>
    fetch(`${kit.url}/echo`, {
      method: "POST",
      headers: { "x-key": key, "content-type": "text/xml" },
      body: "<a/>",
    });
}

describe("the simulator kit", () => {
  it("keeps bodies as text and logs every request", async () => {
    const call = await start();

    const answer = await call();

    expect(await answer.json()).toEqual({ got: "<a/>" });
    expect(kit.requests).toEqual([{ method: "POST", url: "/echo", contentType: "text/xml", body: "<a/>" }]);
  });

  it("answers with the channel's refusal for a wrong key, and an injected fault even before that", async () => {
    const call = await start();
    kit.injectFaults({ kind: "error", status: 503, message: "maintenance" }, 1, "/echo");

    const faulted = await call("bad");
    const refused = await call("bad");

    expect([faulted.status, await faulted.json()]).toEqual([503, { error: "maintenance" }]);
    expect([refused.status, await refused.json()]).toEqual([401, { error: "bad key" }]);
  });

  it("refuses requests beyond its rate within a second, with Retry-After", async () => {
    const call = await start(1);

    const answers = await Promise.all([call(), call(), call(), call(), call()]);

    const refused = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0]?.headers.get("retry-after")).toBe("1");
  });
});
