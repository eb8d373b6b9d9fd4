// The API under load: autocannon on loopback against a `kura start` process (PGlite) or `kura api`
// (server), on order registration (a new order code each request) and on stock reads. Reports requests
// per second, p99 latency and the error count (must be 0).
//
//   node --import tsx bench/api-load.ts [seconds per route, default 10]
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { type Database, migrateDatabase, openDatabase } from "../src/db/connection.ts";
import { anOrder, givenMerchant } from "../test/support/fixtures.ts";
import { machine, printResult } from "./support.ts";

const seconds = Number(process.argv[2] ?? 10);
const connections = 10;

async function main(): Promise<void> {
  const url = process.env.KURA_BENCH_DATABASE_URL;
  const dataDir = url ? undefined : mkdtempSync(join(tmpdir(), "kura-bench-api-"));
  const database: Database = await openDatabase(url ? { url } : { dataDir: `${dataDir}/pglite` }); // where `kura start` keeps it
  await migrateDatabase(database);
  const merchant = await givenMerchant(database.db);
  for (let i = 1; i <= 20; i++) await merchant.product(`SKU-${i}`, 1_000_000);
  await database.close();

  const { child, apiUrl } = await startKura(url, dataDir);
  const base = `${apiUrl}/api/v1/merchant/${merchant.orgId}`;
  const headers = { authorization: `Bearer ${merchant.token}`, "content-type": "application/json" };
  try {
    let serial = 0;
    const register = await run({
      url: `${base}/stores/${merchant.storeId}/orders`,
      method: "POST",
      headers,
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify(anOrder({ orderCode: `LOAD-${process.pid}-${++serial}` })),
          }),
        },
      ],
    });
    const reads = await run({ url: `${base}/stock?productCode=SKU-7`, method: "GET", headers });
    const where = url ? "PostgreSQL server (kura api)" : "PGlite (kura start)";
    console.log(`API under load, ${where}, ${connections} connections, ${seconds} s per route`);
    console.log(`  machine:        ${machine()}`);
    for (const [name, r] of [
      ["register order", register],
      ["read stock", reads],
    ] as const) {
      console.log(
        `  ${name.padEnd(15)} ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors + r.non2xx}`,
      );
    }
    printResult({
      bench: "api-load",
      database: url ? "postgres" : "pglite",
      registerRps: register.requests.average,
      registerP99Ms: register.latency.p99,
      registerErrors: register.errors + register.non2xx,
      readRps: reads.requests.average,
      readP99Ms: reads.latency.p99,
      readErrors: reads.errors + reads.non2xx,
    });
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ connections, duration: seconds, ...options });
}

function startKura(
  url: string | undefined,
  dataDir: string | undefined,
): Promise<{ child: ChildProcess; apiUrl: string }> {
  const cli = join(import.meta.dirname, "../src/cli.ts");
  const child = spawn(process.execPath, ["--import", "tsx", cli, url ? "api" : "start"], {
    env: {
      ...process.env,
      ...(url ? { DATABASE_URL: url } : { KURA_DATA_DIR: dataDir }),
      KURA_SECRET_KEY: randomBytes(32).toString("base64url"),
      KURA_PORT: "0",
      KURA_LOG_LEVEL: "error",
      KURA_API_REQUESTS_PER_MINUTE: "0", // the server's capacity is measured, not the per-client allowance
    },
    stdio: "pipe",
  });
  let output = "";
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (data: Buffer) => {
      output += data;
      const match = /API:\s+(http:\/\/\S+)\/api\/v1/.exec(output);
      if (match?.[1]) resolve({ child, apiUrl: match[1] });
    });
    child.stderr?.on("data", (data) => (output += data));
    child.once("exit", (code) => reject(new Error(`kura exited (${code}): ${output}`)));
  });
}

await main();
