// Runs every benchmark, each in a process of its own, on PGlite and (with KURA_BENCH_DATABASE_URL) on a
// PostgreSQL server, and prints the table of figures (also written to bench/results.md).
//
//   npm run bench
//   KURA_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kura_bench npm run bench
//   KURA_BENCH_IMPORT_SIZES=1000,5000 npm run bench                  (other import sizes on the server)
//   KURA_BENCH_PGLITE_IMPORT_SIZES=10000,50000,100000 npm run bench  (and on PGlite)
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { machine } from "./support.ts";

type Result = Record<string, unknown> & { bench: string; database: string };

const sizes = (list: string) => list.split(",").map(Number);
// The three sizes on the server. PGlite holds its database in this process's memory, so its memory
// grows with the data whatever Kura does, and its 100,000 alone took 4.5 minutes: two sizes by default.
const importSizes = {
  server: sizes(process.env.KURA_BENCH_IMPORT_SIZES ?? "10000,50000,100000"),
  pglite: sizes(process.env.KURA_BENCH_PGLITE_IMPORT_SIZES ?? "10000,50000"),
};
const resyncItems = Number(process.env.KURA_BENCH_RESYNC_ITEMS ?? 10_000);
const noticeSlips = Number(process.env.KURA_BENCH_NOTICE_SLIPS ?? 10_000);
const loadSeconds = Number(process.env.KURA_BENCH_LOAD_SECONDS ?? 10);

const benches = (target: "pglite" | "server"): Array<[string, string[]]> => [
  ...importSizes[target].map((size): [string, string[]] => ["order-import.ts", [String(size)]]),
  ["stock-propagation.ts", []],
  ["stock-resync.ts", [String(resyncItems)]],
  ["shipment-notice.ts", [String(noticeSlips)]],
  ["api-load.ts", [String(loadSeconds)]],
];

function runBench(
  file: string,
  args: string[],
  databaseUrl: string | undefined,
): Promise<Result | undefined> {
  const env = { ...process.env };
  if (databaseUrl) env.KURA_BENCH_DATABASE_URL = databaseUrl;
  else delete env.KURA_BENCH_DATABASE_URL;
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, file), ...args], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let result: Result | undefined;
  let pending = "";
  child.stdout.on("data", (data: Buffer) => {
    const lines = (pending + data.toString()).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith("RESULT ")) result = JSON.parse(line.slice(7)) as Result;
      else console.log(line);
    }
  });
  return new Promise((resolve) => child.once("exit", () => resolve(result)));
}

/** A fresh database on the server, so figures never include an earlier run's rows. */
async function freshServerDatabase(url: string): Promise<string> {
  const target = new URL(url);
  const name = `${target.pathname.slice(1) || "kura_bench"}_${Date.now()}`;
  const admin = new pg.Client({
    connectionString: Object.assign(new URL(url), { pathname: "/postgres" }).toString(),
  });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  target.pathname = `/${name}`;
  return target.toString();
}

const fixed = (value: unknown, digits = 1) => (typeof value === "number" ? value.toFixed(digits) : "—");

/** The machine's CPU per order, importing and in the COPY, where /proc/stat told it. */
function cpuPerOrder(r: Result): string {
  const { machineCpuSeconds: importing, copyMachineCpuSeconds: copying, orders } = r;
  if (typeof importing !== "number" || typeof copying !== "number" || typeof orders !== "number") return "";
  const ms = (seconds: number) => ((seconds / orders) * 1000).toFixed(2);
  return `; CPU ${ms(importing)} ms/order (COPY ${ms(copying)})`;
}

function row(r: Result): string {
  const db = r.database === "pglite" ? "PGlite" : "server";
  switch (r.bench) {
    case "order-import":
      return `| order import ${r.orders} | ${db} | ${fixed(r.importRate, 0)} orders/s (${fixed(r.importSeconds)} s) | COPY ${fixed(r.copyRate, 0)} orders/s; COPY of what it wrote ${fixed(r.writtenCopyRate, 0)} orders/s | ${fixed((r.ratio as number) * 100, 2)} % of COPY, ${fixed((r.writtenRatio as number) * 100, 1)} % of COPY of what it wrote (${fixed((r.writtenRows as number) / (r.orders as number))} rows an order); peak RSS ${r.peakRssMiB} MiB (${r.rssBeforeMiB} before)${cpuPerOrder(r)} |`;
    case "stock-propagation":
      return `| stock propagation ${r.changes} | ${db} | p50 ${fixed((r.p50Ms as number) / 1000, 3)} s, p99 ${fixed((r.p99Ms as number) / 1000, 3)} s, max ${fixed((r.maxMs as number) / 1000, 3)} s | goal p99 < 2 s | ${fixed(r.ratio, 2)}× the goal; ${r.arrived} arrived |`;
    case "stock-resync":
      return `| full resync ${r.items} items | ${db} | ${fixed(r.seconds)} s | channel limit ${fixed(r.limitSeconds)} s | ${fixed(r.ratio, 2)}× the limit; ${r.arrived} items right |`;
    case "shipment-notice":
      return `| shipment notice ${r.slips} | ${db} | ${fixed(r.seconds)} s | channel limit ${fixed(r.limitSeconds)} s (${r.requests} requests) | ${fixed(r.ratio, 2)}× the limit; ${r.acknowledged} acknowledged |`;
    case "api-load":
      return `| API load | ${db} | register ${fixed(r.registerRps, 0)} req/s (p99 ${r.registerP99Ms} ms), stock read ${fixed(r.readRps, 0)} req/s (p99 ${r.readP99Ms} ms) | — | errors ${r.registerErrors} + ${r.readErrors} |`;
    default:
      return `| ${r.bench} | ${db} | ${JSON.stringify(r)} | | |`;
  }
}

const started = Date.now();
const results: Result[] = [];
const serverUrl = process.env.KURA_BENCH_DATABASE_URL;
// PGlite, then the server when one is given: each benchmark on a fresh database of its own there, so no
// benchmark's engine meets an earlier one's stores.
const targets: Array<"pglite" | "server"> = serverUrl ? ["pglite", "server"] : ["pglite"];
for (const target of targets) {
  for (const [file, args] of benches(target)) {
    const databaseUrl = target === "server" && serverUrl ? await freshServerDatabase(serverUrl) : undefined;
    const result = await runBench(file, args, databaseUrl);
    if (result) results.push(result);
    else console.log(`${file} ${args.join(" ")}: no result (it failed; see above)`);
  }
}
const table = [
  `Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}. Command: npm run bench${serverUrl ? " (with KURA_BENCH_DATABASE_URL)" : ""}. Total ${((Date.now() - started) / 60_000).toFixed(1)} min.`,
  "",
  "| benchmark | database | figure | baseline | ratio / notes |",
  "| --- | --- | --- | --- | --- |",
  ...results.map(row),
].join("\n");
console.log(`\n${table}`);
writeFileSync(join(import.meta.dirname, "results.md"), `${table}\n`);
