// Starts Kura's processes: the HTTP API and the background worker, on one database.
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { buildServer } from "./api/server.ts";
import type { Config } from "./config.ts";
import { type Database, migrateDatabase, openDatabase } from "./db/connection.ts";
import { sweepWaitingAllocations } from "./jobs/allocation-sweep.ts";
import { lockDataDir, secretInDataDir } from "./lib/data-dir.ts";

export interface HubRoles {
  api: boolean;
  worker: boolean;
}

export interface Hub {
  database: Database;
  url?: string;
  adminToken?: string;
  stop(): Promise<void>;
}

export async function openConfiguredDatabase(
  config: Config,
): Promise<{ database: Database; release: () => void }> {
  if (config.databaseUrl)
    return { database: await openDatabase({ url: config.databaseUrl }), release: () => {} };
  const release = lockDataDir(config.dataDir);
  try {
    return { database: await openDatabase({ dataDir: `${config.dataDir}/pglite` }), release };
  } catch (error) {
    release();
    throw error;
  }
}

export async function startHub(config: Config, roles: HubRoles): Promise<Hub> {
  const log = pino({ level: config.logLevel });
  const { database, release } = await openConfiguredDatabase(config);
  let server: FastifyInstance | undefined;
  try {
    await migrateDatabase(database);
    const adminToken =
      config.adminToken ??
      (database.kind === "pglite" ? secretInDataDir(config.dataDir, "admin-token") : undefined);
    let url: string | undefined;
    if (roles.api) {
      server = await buildServer({
        db: database.db,
        databaseKind: database.kind,
        adminToken,
        logger: { level: config.logLevel },
      });
      url = await server.listen({ host: config.host, port: config.port });
    }
    const worker = roles.worker ? startWorker(database, log) : undefined;
    return {
      database,
      url,
      adminToken,
      async stop() {
        await worker?.stop();
        await server?.close();
        await database.close();
        release();
      },
    };
  } catch (error) {
    await server?.close();
    await database.close();
    release();
    throw error;
  }
}

function startWorker(database: Database, log: pino.Logger) {
  let sweeping: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    sweeping = sweepWaitingAllocations(database.db).catch((error) =>
      log.error({ err: error }, "allocation sweep failed"),
    );
  }, 30_000);
  return {
    async stop() {
      clearInterval(timer);
      await sweeping;
    },
  };
}
