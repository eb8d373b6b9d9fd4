// A real `kura worker` process for the server-only sync tests (crash, two workers).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterEach } from "vitest";
import { startTestChannel } from "../../simulators/test-channel/server.ts";
import { SecretBox } from "../../src/lib/secrets.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import { createTestDatabase } from "../support/database.ts";
import { givenChannelStore } from "./support.ts";

const cli = join(import.meta.dirname, "../../src/cli.ts");

export interface WorkerProcess {
  /** Resolves once the worker says it is running. */
  ready: Promise<void>;
  /** SIGKILL to its process group: no cleanup, no graceful stop, as a crash or an OOM kill would leave things. */
  kill(): Promise<void>;
}

/** Starts a worker; `onLogLine` sees each JSON log line it writes (its level follows KURA_LOG_LEVEL). */
export function startWorkerProcess(
  env: NodeJS.ProcessEnv,
  onLogLine: (entry: Record<string, unknown>) => void = () => {},
): WorkerProcess {
  // Node itself with tsx as its loader (as `npm run kura`), in a process group of its own so that one
  // signal also reaches anything it started.
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", cli, "worker"], {
    env,
    detached: true,
    stdio: "pipe",
  });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve()); // it never started
  });
  let pending = "";
  let output = ""; // what to show if it dies: plain lines, and log lines of warn level or above
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (data: Buffer) => {
      const lines = (pending + data.toString()).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (line.includes("Kura worker is running")) resolve();
        if (!line.startsWith("{")) {
          output += `${line}\n`;
          continue;
        }
        const entry = JSON.parse(line) as Record<string, unknown>;
        onLogLine(entry);
        if (Number(entry.level ?? 0) >= 40) output += `${line}\n`;
      }
    });
    child.stderr?.on("data", (data) => (output += data));
    child.once("exit", (code, signal) => reject(new Error(`worker exited (${code ?? signal}): ${output}`)));
  });
  ready.catch(() => {}); // a kill before it was ready is not a failure by itself
  const kill = async () => {
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {
      // the group is gone already
    }
    await exited;
  };
  return { ready, kill };
}

/**
 * For a test file of worker processes: what a test starts (workers, its database, simulators) is undone once
 * the test is over, the last first; a cleanup that fails (a worker already killed) does not stop the rest.
 */
export function useWorkerProcesses() {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  });
  return {
    cleanups,
    /** A worker, killed once the test is over. */
    startWorker(env: NodeJS.ProcessEnv, onLogLine?: (entry: Record<string, unknown>) => void): WorkerProcess {
      const worker = startWorkerProcess(env, onLogLine);
      cleanups.push(worker.kill);
      return worker;
    },
    /**
     * A database of the test's own with a store on a test channel simulator, and the environment of a worker
     * serving it: the store's secret key, a run stale after 2 s and a job expired after 3 s, warnings logged.
     */
    async givenWorkerStore(simOptions: Parameters<typeof startTestChannel>[0] = {}) {
      const testDb = await createTestDatabase();
      cleanups.push(async () => await testDb[Symbol.asyncDispose]());
      const db = testDb.database.db;
      const sim = await startTestChannel(simOptions);
      cleanups.push(() => sim.close());
      const store = await givenChannelStore(db, sim);
      const key = randomBytes(32).toString("base64url");
      await setStoreCredentials(db, new SecretBox(key), store.orgId, store.storeId, {
        values: { apiKey: sim.apiKey },
      });
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: testDb.url,
        KURA_SECRET_KEY: key,
        KURA_RUN_STALE_SECONDS: "2",
        KURA_JOB_EXPIRE_SECONDS: "3",
        KURA_LOG_LEVEL: "warn",
      };
      return { db, env, ...store };
    },
  };
}
