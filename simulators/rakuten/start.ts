// Runs the RMS simulator on its own for the demo: `node --import tsx simulators/rakuten/start.ts [port] [orders]`.
// Prints what a Kura store needs (endpoint, service secret, license key); the admin API moves orders.
import { startRakutenSimulator } from "./server.ts";

const port = Number(process.argv[2] ?? 8701);
const count = Number(process.argv[3] ?? 2000);
const sim = await startRakutenSimulator({ port, requestsPerSecond: 5 });
const seeded = [
  ...sim.seedOrders({ count: Math.floor(count * 0.3), progress: 100, seed: 1 }),
  ...sim.seedOrders({ count: Math.ceil(count * 0.7), progress: 300, seed: 2 }),
];
console.log(`Rakuten RMS simulator on ${sim.url} with ${seeded.length} orders`);
console.log(`  store settings: {"endpoint":"${sim.url}"}`);
console.log(`  credentials:    {"serviceSecret":"${sim.serviceSecret}","licenseKey":"${sim.licenseKey}"}`);
console.log(
  `  move an order:  curl -X POST ${sim.url}/_admin/orders/<orderNumber>/progress -H 'content-type: application/json' -d '{"progress":300}'`,
);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => void sim.close().then(() => process.exit(0)));
