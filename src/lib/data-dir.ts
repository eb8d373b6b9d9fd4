// The embedded data folder: PGlite's files, a lock so one process owns them, and generated secrets.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Takes the folder for this process, or explains who holds it. Returns a release function. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, "kura.pid");
  if (existsSync(lockFile)) {
    const pid = Number.parseInt(readFileSync(lockFile, "utf8"), 10);
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `the embedded database in ${dataDir} is in use by process ${pid}; PGlite serves one process — stop it, or set DATABASE_URL to share a PostgreSQL server`,
      );
    }
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A secret kept in the data folder (mode 0600), generated on first use. */
export function secretInDataDir(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
