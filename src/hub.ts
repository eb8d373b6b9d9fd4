// Starts Kura's processes: the HTTP API and the background worker, on one database.
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { buildServer } from "./api/server.ts";
import { builtWebRoot } from "./api/web-admin.ts";
import type { Config } from "./config.ts";
import { type Database, migrateDatabase, openDatabase } from "./db/connection.ts";
import { sweepWaitingAllocations } from "./jobs/allocation-sweep.ts";
import { startSyncEngine } from "./jobs/engine.ts";
import { lockDataDir, secretInDataDir } from "./lib/data-dir.ts";
import { SecretBox } from "./lib/secrets.ts";
import { type MailListener, startMailListener } from "./mail/smtp.ts";

export interface HubRoles {
  api: boolean;
  worker: boolean;
}

export interface Hub {
  database: Database;
  url?: string;
  adminToken?: string;
  /** The order-mail listener's port, when this process listens for mail. */
  smtpPort?: number;
  stop(): Promise<void>;
}

export async function openConfiguredDatabase(
  config: Config,
): Promise<{ database: Database; release: () => void }> {
  if (config.databaseUrl) {
    const log = pino({ level: config.logLevel });
    const database = await openDatabase({
      url: config.databaseUrl,
      onIdleConnectionError: (error) => log.warn({ err: error }, "the database closed an idle connection"),
    });
    return { database, release: () => {} };
  }
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
  let mail: MailListener | undefined;
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
        secretBox: secretBoxFor(config, database),
        logger: { level: config.logLevel },
        webRoot: builtWebRoot(),
        rateLimit: { requestsPerMinute: config.apiRequestsPerMinute },
      });
      url = await server.listen({ host: config.host, port: config.port });
      // Order mails come in where the API does (`kura start`, `kura api`), unless KURA_SMTP=off.
      if (config.mail.enabled) mail = await startMailListener({ db: database.db, log, ...config.mail });
    }
    const worker = roles.worker
      ? await startWorker(config, database, secretBoxFor(config, database), log)
      : undefined;
    return {
      database,
      url,
      adminToken,
      smtpPort: mail?.port,
      async stop() {
        await mail?.close();
        await worker?.stop();
        await server?.close();
        await database.close();
        release();
      },
    };
  } catch (error) {
    await mail?.close();
    await server?.close();
    await database.close();
    release();
    throw error;
  }
}

/** The key sealing store credentials: KURA_SECRET_KEY, or (embedded) a 0600 file in the data folder. */
function secretBoxFor(config: Config, database: Database): SecretBox {
  if (config.secretKey) return new SecretBox(config.secretKey);
  if (database.kind === "pglite") return new SecretBox(secretInDataDir(config.dataDir, "secret-key"));
  throw new Error(
    "KURA_SECRET_KEY is required with DATABASE_URL: every process must seal and open credentials alike",
  );
}

async function startWorker(config: Config, database: Database, secretBox: SecretBox, log: pino.Logger) {
  const engine = await startSyncEngine({
    database,
    secretBox,
    log,
    staleAfterMs: config.runStaleSeconds * 1000,
    jobExpireSeconds: config.jobExpireSeconds,
    superviseIntervalSeconds: Math.max(1, Math.min(30, Math.floor(config.jobExpireSeconds / 2))),
  });
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
      await engine.stop();
    },
  };
}
