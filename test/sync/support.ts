// A merchant whose store sells on the test channel simulator, and a running sync engine.
import { randomBytes } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import pino from "pino";
import { startTestChannel, type TestChannel } from "../../simulators/test-channel/server.ts";
import type { Database, Db } from "../../src/db/connection.ts";
import { storeFunctions, stores, syncRuns } from "../../src/db/schema.ts";
import type { SyncFunction } from "../../src/domain/statuses.ts";
import { type EngineOptions, type SyncEngine, startSyncEngine } from "../../src/jobs/engine.ts";
import { SecretBox } from "../../src/lib/secrets.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import {
  createDeliveryMethod,
  createDeliveryService,
  createPaymentMethod,
  setCorrespondence,
  setStoreMapping,
} from "../../src/operations/masters.ts";
import { givenMerchant } from "../support/fixtures.ts";

export const secretBox = new SecretBox(randomBytes(32));

export function startEngine(database: Database, overrides: Partial<EngineOptions> = {}): Promise<SyncEngine> {
  return startSyncEngine({
    database,
    secretBox,
    log: pino({ level: "silent" }),
    tickMs: 100,
    debounceMs: 100,
    staleAfterMs: 5_000,
    retryPolicy: { retries: 3, minTimeoutMs: 20, maxRetryAfterMs: 1_500 },
    jobRetry: { limit: 1, delaySeconds: 1 },
    connectorTimeoutMs: 2_000,
    ...overrides,
  });
}

/** A merchant with the simulator's catalog as products, its strings mapped, and the store's credentials set. */
export async function givenChannelStore(db: Db, channel?: TestChannel) {
  const sim = channel ?? (await startTestChannel());
  const m = await givenMerchant(db);
  await db
    .update(stores)
    .set({ settings: { endpoint: sim.url } })
    .where(eq(stores.id, m.storeId));
  await setStoreCredentials(db, secretBox, m.orgId, m.storeId, { values: { apiKey: sim.apiKey } });
  await createPaymentMethod(db, m.orgId, { code: "cod", name: "代金引換" });
  await createDeliveryService(db, m.orgId, {
    code: "nekopos",
    carrier: "ヤマト運輸",
    serviceName: "ネコポス",
  });
  await createDeliveryMethod(db, m.orgId, { code: "mail", name: "メール便", deliveryServiceCode: "nekopos" });
  await setStoreMapping(db, m.orgId, m.storeId, {
    kind: "delivery_method",
    channelValue: "宅配便",
    target: "takkyubin",
  });
  await setStoreMapping(db, m.orgId, m.storeId, {
    kind: "payment_method",
    channelValue: "クレジットカード決済",
    target: "credit_card",
  });
  await setStoreMapping(db, m.orgId, m.storeId, {
    kind: "payment_method",
    channelValue: "銀行振込",
    target: "bank_transfer",
  });
  const stock: Array<[string, number]> = [
    ["TEA-SENCHA-100", 500],
    ["TEA-HOJI-100", 500],
    ["TEA-MATCHA-30", 500],
    ["CUP-AO", 500],
    ["CUP-AKA", 500],
    ["TENUGUI-KOI", 500],
    ["GIFT-CARD", 500],
  ];
  for (const [code] of stock) await m.product(code);
  const items: Array<[string, string, string, boolean]> = [
    ["TEA-SENCHA-100", "", "TEA-SENCHA-100", false],
    ["TEA-HOJI-100", "", "TEA-HOJI-100", false],
    ["TEA-MATCHA-30", "", "TEA-MATCHA-30", false],
    ["CUP-YUNOMI", "AO", "CUP-AO", false],
    ["CUP-YUNOMI", "AKA", "CUP-AKA", false],
    ["TENUGUI", "KOI", "TENUGUI-KOI", false],
    ["GIFT-CARD", "", "GIFT-CARD", true],
  ];
  for (const [itemCode, optionCode, productCode, unlimitedStock] of items) {
    await setCorrespondence(db, m.orgId, m.storeId, {
      itemCode,
      optionCode,
      unlimitedStock,
      components: [{ productCode, quantity: 1 }],
    });
  }
  // Stock arrives once the store sells the items, so the store's first push carries it.
  for (const [code, quantity] of stock) await m.product(code, quantity);
  // Schedules off: each test triggers what it means to test (events still push at once).
  await db.update(storeFunctions).set({ nextRunAt: null }).where(eq(storeFunctions.storeId, m.storeId));
  return { ...m, sim };
}

/** Orders updated in the last minute, as a live channel has them. */
export const recentOrders = (count: number, seed: number) => ({
  count,
  seed,
  status: "ready" as const,
  from: new Date(Date.now() - 60_000),
  to: new Date(),
});

/** Stops the store's schedules so a later test's engine leaves it alone. */
export async function pauseStore(db: Db, storeId: number): Promise<void> {
  await db.update(storeFunctions).set({ paused: true }).where(eq(storeFunctions.storeId, storeId));
}

export async function runsOf(db: Db, storeId: number, fn: SyncFunction) {
  return db
    .select()
    .from(syncRuns)
    .where(and(eq(syncRuns.storeId, storeId), eq(syncRuns.function, fn)))
    .orderBy(desc(syncRuns.id));
}

/** Polls `check` until it returns a truthy value, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
