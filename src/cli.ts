// The one entry: `kura start | api | worker | migrate | seed-demo | org create --name …`.
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { builtWebRoot } from "./api/web-admin.ts";
import { loadConfig } from "./config.ts";
import { migrateDatabase } from "./db/connection.ts";
import { stores } from "./db/schema.ts";
import { syncFunctions } from "./domain/statuses.ts";
import { type Hub, openConfiguredDatabase, startHub } from "./hub.ts";
import { seedDemo } from "./operations/demo-seed.ts";
import { createOrganization } from "./operations/masters.ts";
import { requestRun, syncFunctionSchema } from "./operations/sync-admin.ts";
import { createUser } from "./operations/users.ts";

const usage = `kura <command>

  start        API and workers in one process (embedded database unless DATABASE_URL is set)
  api          the HTTP API only
  worker       the background workers only
  migrate      apply database migrations and exit
  seed-demo    create a demo merchant with a store, products, stock and orders; prints its API key
  org create --name NAME   create an organization; prints its API key
  user create --org ID --email E --name N --password P [--role admin|operator]
               create a user who signs in to the web admin (role admin by default)
  run --store ID --function FN   run a store function now (orders.import, shipments.notify,
               stock.push, stock.resync, credentials.check); a running worker picks it up

Settings (environment): DATABASE_URL, KURA_DATA_DIR (./data), KURA_HOST (127.0.0.1), KURA_PORT (3000),
KURA_ADMIN_TOKEN, KURA_LOG_LEVEL (info); order mail: KURA_SMTP (on | off), KURA_SMTP_HOST (127.0.0.1),
KURA_SMTP_PORT (2525), KURA_SMTP_USER + KURA_SMTP_PASSWORD, KURA_SMTP_ALLOWED_HOSTS (comma list of IPs).`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      org: { type: "string" },
      email: { type: "string" },
      password: { type: "string" },
      role: { type: "string" },
      store: { type: "string" },
      function: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, subcommand] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return;
  }
  const config = loadConfig();
  switch (command) {
    case "start":
      return serve(await startHub(config, { api: true, worker: true }));
    case "api":
      return serve(await startHub(config, { api: true, worker: false }));
    case "worker":
      return serve(await startHub(config, { api: false, worker: true }));
    case "migrate":
      return withDatabase(config, async () => console.log("migrations applied"));
    case "seed-demo":
      return withDatabase(config, async (db) => {
        const demo = await seedDemo(db);
        console.log(
          `demo merchant ${demo.organization.id} (${demo.organization.name}), store ${demo.storeId}`,
        );
        console.log(`API key (shown once): ${demo.apiKey.token}`);
      });
    case "org":
      if (subcommand !== "create" || !values.name) throw new Error("usage: kura org create --name NAME");
      return withDatabase(config, async (db) => {
        const { organization, apiKey } = await createOrganization(db, { name: values.name as string });
        console.log(`organization ${organization.id} (${organization.name})`);
        console.log(`API key (shown once): ${apiKey.token}`);
      });
    case "user":
      if (subcommand !== "create")
        throw new Error("usage: kura user create --org ID --email E --name N --password P");
      return withDatabase(config, async (db) => {
        const user = await createUser(db, Number(values.org), {
          email: values.email ?? "",
          name: values.name ?? "",
          password: values.password ?? "",
          role: (values.role ?? "admin") as "admin",
        });
        console.log(`user ${user.id} (${user.email}, ${user.role}) in organization ${user.organizationId}`);
      });
    case "run":
      return withDatabase(config, async (db) => {
        const fn = syncFunctionSchema.safeParse(values.function);
        const storeId = Number(values.store);
        if (!fn.success || !Number.isInteger(storeId)) {
          throw new Error(`usage: kura run --store ID --function (${syncFunctions.join(" | ")})`);
        }
        const [store] = await db.select().from(stores).where(eq(stores.id, storeId));
        if (!store) throw new Error(`store ${storeId} does not exist`);
        await requestRun(db, store.organizationId, storeId, fn.data, "cli");
        console.log(
          `${fn.data} of store ${storeId} (${store.name}) requested; a worker runs it within a second`,
        );
      });
    default:
      throw new Error(`unknown command "${command}"\n\n${usage}`);
  }
}

async function withDatabase(
  config: ReturnType<typeof loadConfig>,
  work: (db: import("./db/connection.ts").Db) => Promise<void>,
): Promise<void> {
  const { database, release } = await openConfiguredDatabase(config);
  try {
    await migrateDatabase(database);
    await work(database.db);
  } finally {
    await database.close();
    release();
  }
}

async function serve(hub: Hub): Promise<void> {
  if (hub.url) {
    console.log(
      `Kura is running on ${hub.database.kind === "pglite" ? "the embedded database" : "PostgreSQL"}`,
    );
    if (builtWebRoot()) console.log(`  web admin:    ${hub.url}/`);
    console.log(`  API:          ${hub.url}/api/v1`);
    console.log(`  OpenAPI docs: ${hub.url}/docs`);
    console.log(`  health:       ${hub.url}/health`);
    if (hub.smtpPort !== undefined) console.log(`  order mail:   SMTP on port ${hub.smtpPort}`);
    if (hub.adminToken && !process.env.KURA_ADMIN_TOKEN) {
      console.log("  admin token:  in the data folder, file admin-token (creates organizations)");
    }
  } else {
    console.log("Kura worker is running");
  }
  const stop = async (signal: string) => {
    console.log(`${signal}: stopping`);
    await hub.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`kura: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
