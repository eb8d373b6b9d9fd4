// The PostgreSQL server restarted under load: while it is down the API answers 503 with Retry-After
// (never a 500, never a dropped connection), and afterwards it answers again by itself, in the same
// process. A `kura start` process (API and worker) on a cluster of the test's own. Server pass only.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onServer } from "../support/database.ts";
import { type OwnCluster, ownClusterUnavailable, startOwnCluster } from "../support/own-cluster.ts";
import { eventually } from "../sync/support.ts";

const cli = join(import.meta.dirname, "../../src/cli.ts");
const adminToken = "restart-admin-token";

let cluster: OwnCluster;
let hub: ChildProcess;
let apiUrl: string;
let output = "";

function startHub(databaseUrl: string): Promise<string> {
  hub = spawn(process.execPath, ["--import", "tsx", cli, "start"], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      KURA_SECRET_KEY: randomBytes(32).toString("base64url"),
      KURA_ADMIN_TOKEN: adminToken,
      KURA_PORT: "0",
      KURA_LOG_LEVEL: "error",
    },
    stdio: "pipe",
  });
  hub.stderr?.on("data", (data) => (output += data));
  return new Promise((resolve, reject) => {
    hub.stdout?.on("data", (data: Buffer) => {
      output += data;
      const match = /API:\s+(http:\/\/\S+)\/api\/v1/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    hub.once("exit", (code) => reject(new Error(`kura start exited (${code}): ${output}`)));
  });
}

async function status(path: string, token?: string): Promise<number | string> {
  try {
    const response = await fetch(apiUrl + path, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    return `no answer: ${(error as Error).message}`;
  }
}

describe.runIf(onServer && !ownClusterUnavailable)("the database server restarted under load", () => {
  beforeAll(async () => {
    cluster = await startOwnCluster();
    apiUrl = await startHub(cluster.url);
  }, 90_000);
  afterAll(() => {
    hub?.kill("SIGKILL");
    cluster?.destroy();
  });

  it("answers 503 while it is down and recovers by itself when it is back", async () => {
    const created = await fetch(`${apiUrl}/api/v1/organizations`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "再起動テスト" }),
    });
    const { organization, apiKey } = (await created.json()) as {
      organization: { id: number };
      apiKey: { token: string };
    };
    const orders = `/api/v1/merchant/${organization.id}/orders`;
    expect(await status(orders, apiKey.token)).toBe(200);

    // Load: a steady stream of reads while the server goes down and comes back.
    const seen: Array<number | string> = [];
    let loading = true;
    const load = (async () => {
      while (loading) {
        seen.push(await status(orders, apiKey.token));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    await cluster.stop();
    const whileDown = await eventually(async () => {
      const answer = await fetch(apiUrl + orders, { headers: { authorization: `Bearer ${apiKey.token}` } });
      return answer.status === 503 && answer;
    }, 20_000);
    expect(whileDown.headers.get("retry-after")).toBe("5");
    expect(await whileDown.json()).toMatchObject({ error: { code: "database_unavailable" } });
    expect(await status("/health")).toBe(503);

    await cluster.start();
    await eventually(async () => (await status(orders, apiKey.token)) === 200, 30_000);
    loading = false;
    await load;

    expect(hub.exitCode).toBeNull(); // the same process, still running
    expect(seen.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(seen).toContain(503);
    expect(await status("/health")).toBe(200);
  }, 90_000);
});
