// A merchant whose store sells on the Rakuten simulator: masters for RMS's settlement methods and delivery
// names, the simulator's SKUs as products with stock, and the store's service secret and license key.
import { eq } from "drizzle-orm";
import { type RakutenSimulator, startRakutenSimulator } from "../../simulators/rakuten/server.ts";
import type { Db } from "../../src/db/connection.ts";
import { storeFunctions, stores } from "../../src/db/schema.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import { createPaymentMethod, setCorrespondence, setStoreMapping } from "../../src/operations/masters.ts";
import { givenCodAndMailMasters, givenMerchant } from "../support/fixtures.ts";
import { secretBox } from "../sync/support.ts";

/** Fast enough for tests; the published 1 request/s is what a real store runs at. */
export const testRate = 20;

export function startSimulator(options: Parameters<typeof startRakutenSimulator>[0] = {}) {
  return startRakutenSimulator({ requestsPerSecond: testRate, rakutenProcessingMs: "manual", ...options });
}

export async function givenRakutenStore(
  db: Db,
  sim: RakutenSimulator,
  options: { settings?: Record<string, unknown>; catalog?: boolean } = {},
) {
  const m = await givenMerchant(db);
  await db
    .update(stores)
    .set({
      channel: "rakuten",
      name: "楽天市場店",
      targetStatuses: ["300"],
      settings: {
        endpoint: sim.url,
        requestsPerSecond: testRate,
        shippingResultPollMs: 200,
        shippingWindowDays: 14,
        ...options.settings,
      },
    })
    .where(eq(stores.id, m.storeId));
  await setStoreCredentials(db, secretBox, m.orgId, m.storeId, {
    values: { serviceSecret: sim.serviceSecret, licenseKey: sim.licenseKey },
    expiresAt: new Date(Date.now() + 60 * 86_400_000),
  });
  await givenCodAndMailMasters(db, m.orgId);
  await createPaymentMethod(db, m.orgId, { code: "atobarai", name: "後払い決済" });
  await setStoreMapping(db, m.orgId, m.storeId, {
    kind: "payment_method",
    channelValue: "クレジットカード決済",
    target: "credit_card",
  });
  await setStoreMapping(db, m.orgId, m.storeId, {
    kind: "delivery_method",
    channelValue: "宅配便",
    target: "takkyubin",
  });

  if (options.catalog !== false) {
    for (const item of sim.state.items.values()) {
      for (const [variantId, variant] of Object.entries(item.variants)) {
        const code = variant.merchantDefinedSkuId as string;
        await m.product(code);
        await setCorrespondence(db, m.orgId, m.storeId, {
          itemCode: item.manageNumber,
          optionCode: variantId,
          unlimitedStock: item.unlimitedInventoryFlag,
          components: [{ productCode: code, quantity: 1 }],
        });
        await m.product(code, 500);
      }
    }
  }
  // Schedules off: each test triggers what it means to test (events still push at once).
  await db.update(storeFunctions).set({ nextRunAt: null }).where(eq(storeFunctions.storeId, m.storeId));
  return m;
}
