import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { itemCsv } from "../../simulators/rakuten/generate.ts";
import type { RakutenSimulator } from "../../simulators/rakuten/server.ts";
import type { Db } from "../../src/db/connection.ts";
import { storeFunctions } from "../../src/db/schema.ts";
import { givenRakutenStore, startSimulator } from "../channels/rakuten-support.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { givenMerchant } from "../support/fixtures.ts";
import { type Api, startApi } from "./support.ts";

let testDb: TestDatabase;
let db: Db;
let api: Api;
let sim: RakutenSimulator;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.database.db;
  api = await startApi(testDb.database);
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
  await api.close();
  await testDb[Symbol.asyncDispose]();
});

describe("uploading a channel's product file", () => {
  it("accepts an RMS item CSV in Shift_JIS and queues it for the store's product import", async () => {
    const store = await givenRakutenStore(db, sim, { catalog: false, settings: { skuModel: false } });
    const file = itemCsv([{ manageNumber: "tea-sencha", title: "静岡煎茶 100g", price: 1080, stockType: 1 }]);

    const answer = await api.call(
      "POST",
      `/api/v1/merchant/${store.orgId}/stores/${store.storeId}/products/upload?fileName=item.csv`,
      {
        token: store.token,
        raw: new Uint8Array(file),
        headers: { "content-type": "text/csv" },
      },
    );

    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({
      storeId: store.storeId,
      fileName: "item.csv",
      products: 1,
      requested: true,
    });
    const [fn] = await db
      .select()
      .from(storeFunctions)
      .where(and(eq(storeFunctions.storeId, store.storeId), eq(storeFunctions.function, "products.import")));
    expect(fn?.cursor).toMatchObject({
      upload: { fileName: "item.csv", position: 0, products: [{ itemCode: "tea-sencha" }] },
    });
  });

  it("refuses a file that is not the channel's product file, naming the reason", async () => {
    const store = await givenRakutenStore(db, sim, { catalog: false });
    const answer = await api.call(
      "POST",
      `/api/v1/merchant/${store.orgId}/stores/${store.storeId}/products/upload`,
      {
        token: store.token,
        raw: "code,name\nA,B\n",
        headers: { "content-type": "text/csv" },
      },
    );
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: "unreadable_file", field: "file" });
    expect(answer.body.error.message).toMatch(/商品管理番号（商品URL）/);
  });

  it("refuses an upload for a channel without a product file", async () => {
    const m = await givenMerchant(db);
    const answer = await api.call("POST", `/api/v1/merchant/${m.orgId}/stores/${m.storeId}/products/upload`, {
      token: m.token,
      raw: "x",
      headers: { "content-type": "text/csv" },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe("no_product_file");
  });
});
