// `npm run demo`: Kura on a fresh embedded database with the test-channel simulator and a demo organization
// whose simulated shop keeps producing orders. Open the printed address and sign in as the demo user.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestChannel } from "../simulators/test-channel/server.ts";
import { builtWebRoot } from "./api/web-admin.ts";
import { loadConfig } from "./config.ts";
import { startHub } from "./hub.ts";
import { SecretBox } from "./lib/secrets.ts";
import { seedDemoShop } from "./operations/demo-shop.ts";

const orderEverySeconds = Number(process.env.KURA_DEMO_ORDER_SECONDS ?? 8);

async function main() {
  if (!builtWebRoot()) {
    console.error("The web admin is not built yet: run `npm run build:web` first (once).");
    process.exit(1);
  }
  const secretKey = randomBytes(32).toString("base64url");
  const config = {
    ...loadConfig({ ...process.env, KURA_LOG_LEVEL: process.env.KURA_LOG_LEVEL ?? "warn" }),
    databaseUrl: undefined,
    dataDir: process.env.KURA_DATA_DIR ?? mkdtempSync(join(tmpdir(), "kura-demo-")),
    secretKey,
  };
  const channel = await startTestChannel({ requestsPerSecond: 50 });
  // A week of orders already on the channel, so the charts have a history.
  channel.seedOrders({ count: 30, from: new Date(Date.now() - 6 * 86_400_000), to: new Date(), seed: 7 });
  const hub = await startHub(config, { api: true, worker: true });
  const shop = await seedDemoShop(hub.database.db, new SecretBox(secretKey), channel);

  let seed = 100;
  const producer = setInterval(() => {
    seed += 1;
    const now = Date.now();
    channel.seedOrders({ count: 1 + (seed % 2), from: new Date(now - 1_000), to: new Date(now), seed });
  }, orderEverySeconds * 1000);

  console.log(`Kura demo is running (embedded database in ${config.dataDir})
  admin:        ${hub.url}/
  sign in as:   ${shop.user.email} / ${shop.user.password}
  API key:      ${shop.apiKey}   (organization ${shop.organizationId})
  OpenAPI docs: ${hub.url}/docs
  channel:      test-channel simulator at ${channel.url}, a new order every ${orderEverySeconds} s
Stop with Ctrl+C.`);

  const stop = async () => {
    clearInterval(producer);
    await hub.stop();
    await channel.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
