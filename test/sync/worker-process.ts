// A real `kura worker` process for the server-only sync tests (crash, two workers).
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

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
