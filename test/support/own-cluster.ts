// A PostgreSQL cluster of a test's own (initdb + pg_ctl from Debian's postgresql), so a test can stop
// and restart "the database server" without touching the server other test files share.
import { execFile, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const postgresBin = (() => {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, "bin")).find((bin) => existsSync(join(bin, "initdb")));
})();

/** initdb refuses root; as root the cluster runs as the `postgres` user. */
const canRunCluster = postgresBin !== undefined && (process.getuid?.() !== 0 || userExists("postgres"));
export const ownClusterUnavailable = canRunCluster
  ? undefined
  : "no PostgreSQL binaries (Debian's postgresql) on this machine";

function userExists(name: string): boolean {
  try {
    execFileSync("id", ["-u", name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface OwnCluster {
  /** postgres://…/postgres of the cluster. */
  url: string;
  /** Stops the server (fast shutdown: open connections are terminated), without blocking the event loop. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): void;
}

export async function startOwnCluster(): Promise<OwnCluster> {
  if (!postgresBin) throw new Error(ownClusterUnavailable);
  const dir = mkdtempSync(join(tmpdir(), "kura-cluster-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString()), 0);
  const commandLine = (tool: string, args: string[]): [string, string[]] => {
    const command = join(postgresBin, tool);
    return asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  };
  const run = (tool: string, args: string[]) =>
    new Promise<void>((resolve, reject) =>
      execFile(...commandLine(tool, args), (error, _out, stderr) =>
        error ? reject(new Error(`${tool}: ${stderr || error.message}`)) : resolve(),
      ),
    );
  const port = await freePort();
  await run("initdb", [
    "-D",
    join(dir, "data"),
    "-A",
    "trust",
    "-U",
    "postgres",
    "-E",
    "UTF8",
    "--locale=C.UTF-8",
  ]);
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off`;
  const start = () =>
    run("pg_ctl", ["-D", join(dir, "data"), "-l", join(dir, "log"), "-w", "-o", options, "start"]);
  const stop = () => run("pg_ctl", ["-D", join(dir, "data"), "-m", "fast", "-w", "stop"]);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy() {
      try {
        execFileSync(...commandLine("pg_ctl", ["-D", join(dir, "data"), "-m", "immediate", "-w", "stop"]), {
          stdio: "ignore",
        });
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
