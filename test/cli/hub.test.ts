// The newcomer's path: `kura seed-demo`, then `kura start`, as real processes.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

const cli = join(import.meta.dirname, "../../src/cli.ts");
// Node itself with tsx as its loader: no wrapper process between the test's signals and Kura.
const kura = (args: string[]) => spawn(process.execPath, ["--import", "tsx", cli, ...args], { env });

let dataDir: string;
let testDb: TestDatabase | undefined;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "kura-cli-"));
  env = {
    ...process.env,
    KURA_DATA_DIR: dataDir,
    KURA_PORT: "0",
    KURA_SMTP_PORT: "0", // parallel test files must not race for the default 2525
    KURA_LOG_LEVEL: "warn",
    KURA_SECRET_KEY: randomBytes(32).toString("base64url"),
  };
  delete env.DATABASE_URL;
  if (process.env.KURA_TEST_DATABASE_URL) {
    testDb = await createTestDatabase();
    env.DATABASE_URL = testDb.url;
  }
});
afterAll(async () => {
  await testDb?.[Symbol.asyncDispose]();
  rmSync(dataDir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = kura(args);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

function startHub(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = kura(["start"]);
    let output = "";
    child.stdout?.on("data", (d) => {
      output += d;
      const match = output.match(/health:\s+(http:\/\/\S+)\/health/);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.stderr?.on("data", (d) => (output += d));
    child.on("exit", (code) => reject(new Error(`kura start exited with ${code}: ${output}`)));
  });
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });

// Each test starts `kura` processes (a cold start compiles the whole app): slow on a loaded 2-core machine.
describe("the kura command", { timeout: 120_000 }, () => {
  it("seeds a demo merchant and prints its API key", async () => {
    const result = await run(["seed-demo"]);
    expect(result.stderr).not.toMatch(/kura:/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/API key \(shown once\): kura_\S+/);
  });

  it("starts the hub, answers on /health and the API, and stops cleanly", async () => {
    const seeded = await run(["org", "create", "--name", "CLI商店"]);
    const token = seeded.stdout.match(/API key \(shown once\): (\S+)/)?.[1];
    const orgId = seeded.stdout.match(/organization (\d+)/)?.[1];

    const { child, url } = await startHub();
    try {
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok" });
      const org = await fetch(`${url}/api/v1/merchant/${orgId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(org.status).toBe(200);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it.skipIf(Boolean(process.env.KURA_TEST_DATABASE_URL))(
    "refuses a second process on the same embedded data folder",
    async () => {
      const { child } = await startHub();
      try {
        const second = await run(["migrate"]);
        expect(second.code).toBe(1);
        expect(second.stderr).toMatch(/in use by process \d+/);
      } finally {
        await stop(child);
      }
      expect(existsSync(join(dataDir, "kura.pid"))).toBe(false);
    },
  );

  it("asks a worker to run a store function now, and names the functions when one is wrong", async () => {
    const seeded = await run(["seed-demo"]);
    const storeId = seeded.stdout.match(/store (\d+)/)?.[1];

    const requested = await run(["run", "--store", String(storeId), "--function", "stock.resync"]);
    expect(requested.code).toBe(0);
    expect(requested.stdout).toMatch(/stock\.resync of store \d+ .* requested/);

    const wrong = await run(["run", "--store", String(storeId), "--function", "stock.sync"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/orders\.import \| shipments\.notify/);
  });

  it("explains an unknown command", async () => {
    const result = await run(["frobnicate"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unknown command "frobnicate"/);
  });
});
