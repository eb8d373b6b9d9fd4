// The test channel simulator in a worker thread of its own, holding generated orders: the channel is a
// server elsewhere, so serving and serializing its pages is not work of Kura's event loop. The parent
// generates the same orders from the same seed for its baseline (generateOrders is deterministic).
import { parentPort, Worker, workerData } from "node:worker_threads";
import { startTestChannel } from "../simulators/test-channel/server.ts";

export interface ChannelWorkerData {
  requestsPerSecond: number;
  count: number;
  seed: number;
  from: string;
  to: string;
}

export interface ChannelInWorker {
  url: string;
  apiKey: string;
  close(): Promise<void>;
}

/** Starts the simulator in a worker and answers once it listens with its orders seeded. */
export function startChannelWorker(data: ChannelWorkerData): Promise<ChannelInWorker> {
  // A worker does not inherit the parent's tsx loader: it registers tsx, then loads this file.
  const entry = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(entry, { eval: true, workerData: data });
  return new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", (message: { url: string; apiKey: string }) =>
      resolve({
        ...message,
        close: async () => {
          worker.postMessage("close");
          await new Promise((done) => worker.once("exit", done));
        },
      }),
    );
  });
}

if (parentPort && workerData) {
  const port = parentPort;
  const data = workerData as ChannelWorkerData;
  const sim = await startTestChannel({ requestsPerSecond: data.requestsPerSecond });
  sim.seedOrders({
    count: data.count,
    seed: data.seed,
    status: "ready",
    from: new Date(data.from),
    to: new Date(data.to),
  });
  port.on("message", async () => {
    await sim.close();
    port.close();
  });
  port.postMessage({ url: sim.url, apiKey: sim.apiKey });
}
