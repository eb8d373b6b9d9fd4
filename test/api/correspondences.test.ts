import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";
import { type Api, type MerchantClient, merchantClient, useApi } from "./support.ts";

let db: Db;
let api: Api;
useApi((env) => ({ db, api } = env));

/** A merchant with products and a second store of the same organization to import into. */
async function merchantWithTwoStores() {
  const m = await givenMerchant(db);
  for (const code of ["CUP", "SAUCER", "TEA_100G", "SKU-1"]) await m.product(code);
  const client = merchantClient(api, m);
  const other = await client.post("/stores", { channel: "yahoo", name: "Yahoo店", warehouseCode: "WH1" });
  return { ...m, client, otherStoreId: other.body.id as number };
}

async function fillTable(client: MerchantClient, storeId: number) {
  await client.put(`/stores/${storeId}/correspondences`, {
    itemCode: "お茶セット",
    optionCode: "カラー:赤",
    components: [
      { productCode: "CUP", quantity: 2 },
      { productCode: "TEA_100G", quantity: 1 },
    ],
  });
  await client.put(`/stores/${storeId}/correspondences`, {
    itemCode: 'mug, "large"',
    unlimitedStock: true,
    components: [{ productCode: "CUP", quantity: 1 }],
  });
  await client.put(`/stores/${storeId}/correspondences`, {
    itemCode: "saucer-2p",
    components: [{ productCode: "SAUCER", quantity: 2 }],
  });
}

const importCsv = (client: MerchantClient, storeId: number, body: Uint8Array | string, encoding = "utf-8") =>
  client.call("POST", `/stores/${storeId}/correspondences/import?encoding=${encoding}`, {
    raw: body,
    headers: { "content-type": "text/csv" },
  });

describe("the correspondence table over HTTP", () => {
  it("sets an entry, lists it with product codes and quantities, and replaces it on a second PUT", async () => {
    const m = await merchantWithTwoStores();
    const path = `/stores/${m.storeId}/correspondences`;

    const created = await m.client.put(path, {
      itemCode: "tea-set",
      components: [{ productCode: "CUP", quantity: 2 }],
    });
    const replaced = await m.client.put(path, {
      itemCode: "tea-set",
      components: [{ productCode: "SAUCER", quantity: 3 }],
    });
    const listed = await m.client.get(path);

    expect(created.status).toBe(201);
    expect(replaced.status).toBe(200);
    expect(listed.body).toMatchObject({ total_count: 1, current_page: 1, limit: 20 });
    expect(listed.body.data[0]).toMatchObject({
      itemCode: "tea-set",
      optionCode: "",
      unlimitedStock: false,
      components: [{ productCode: "SAUCER", quantity: 3 }],
    });
  });

  it("refuses an entry naming a product that does not exist, pointing at the component", async () => {
    const m = await merchantWithTwoStores();

    const answer = await m.client.put(`/stores/${m.storeId}/correspondences`, {
      itemCode: "x",
      components: [{ productCode: "NOPE", quantity: 1 }],
    });

    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: "unknown_product", field: "components[0].productCode" });
  });

  it("deletes an entry even when orders were registered through it", async () => {
    const m = await merchantWithTwoStores();
    await m.product("CUP", 5);
    await m.client.put(`/stores/${m.storeId}/correspondences`, {
      itemCode: "mug",
      components: [{ productCode: "CUP", quantity: 1 }],
    });
    const order = await m.client.post(
      `/stores/${m.storeId}/orders`,
      anOrder({ lines: [{ itemCode: "mug", name: "マグ", quantity: 1, unitPrice: 1 }] }),
    );

    const deleted = await m.client.delete(`/stores/${m.storeId}/correspondences?itemCode=mug`);
    const again = await m.client.delete(`/stores/${m.storeId}/correspondences?itemCode=mug`);

    expect(deleted.status).toBe(204);
    expect(again.status).toBe(404);
    expect((await m.client.get(`/stores/${m.storeId}/correspondences`)).body.total_count).toBe(0);
    const detail = await m.client.get(`/orders/${order.body.orderId}`);
    expect(detail.body.items).toEqual([expect.objectContaining({ productCode: "CUP", quantity: 1 })]);
  });
});

describe("the correspondence table as CSV", () => {
  it("exports one row per component and reproduces the table when imported (UTF-8)", async () => {
    const m = await merchantWithTwoStores();
    await fillTable(m.client, m.storeId);

    const exported = await m.client.bytes(`/stores/${m.storeId}/correspondences.csv`);
    const imported = await importCsv(m.client, m.otherStoreId, exported.bytes);
    const reExported = await m.client.bytes(`/stores/${m.otherStoreId}/correspondences.csv`);

    expect(exported.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(exported.bytes.toString("utf8").split("\r\n")).toEqual([
      "item_code,option_code,product_code,quantity,unlimited_stock",
      '"mug, ""large""",,CUP,1,true',
      "saucer-2p,,SAUCER,2,false",
      "お茶セット,カラー:赤,CUP,2,false",
      "お茶セット,カラー:赤,TEA_100G,1,false",
      "",
    ]);
    expect(imported).toMatchObject({ status: 200, body: { rows: 4, entries: 3, created: 3, updated: 0 } });
    expect(reExported.bytes.equals(exported.bytes)).toBe(true);
  });

  it("exports and imports Shift_JIS so Japanese item codes survive a spreadsheet round trip", async () => {
    const m = await merchantWithTwoStores();
    await fillTable(m.client, m.storeId);

    const exported = await m.client.bytes(`/stores/${m.storeId}/correspondences.csv?encoding=shift_jis`);
    const imported = await importCsv(m.client, m.otherStoreId, exported.bytes, "shift_jis");
    const reExported = await m.client.bytes(
      `/stores/${m.otherStoreId}/correspondences.csv?encoding=shift_jis`,
    );

    expect(exported.headers.get("content-type")).toBe("text/csv; charset=Shift_JIS");
    expect(exported.bytes.includes(iconv.encode("お茶セット", "cp932"))).toBe(true);
    expect(imported.status).toBe(200);
    expect(reExported.bytes.equals(exported.bytes)).toBe(true);
    const entry = (await m.client.get(`/stores/${m.otherStoreId}/correspondences`)).body.data.find(
      (e: { itemCode: string }) => e.itemCode === "お茶セット",
    );
    expect(entry).toMatchObject({
      optionCode: "カラー:赤",
      components: [{ productCode: "CUP" }, { productCode: "TEA_100G" }],
    });
  });

  it("updates existing entries on import, replacing their components", async () => {
    const m = await merchantWithTwoStores();
    await fillTable(m.client, m.storeId);
    const csv =
      "item_code,option_code,product_code,quantity,unlimited_stock\nsaucer-2p,,SAUCER,4,0\nnew-item,,SKU-1,1,\n";

    const imported = await importCsv(m.client, m.storeId, csv);

    expect(imported.body).toMatchObject({ rows: 2, entries: 2, created: 1, updated: 1 });
    const listed = await m.client.get(`/stores/${m.storeId}/correspondences?itemCode=saucer-2p`);
    expect(listed.body.data[0].components).toEqual([{ productCode: "SAUCER", quantity: 4 }]);
  });

  it("reports every bad row with its number, column and reason, and imports nothing", async () => {
    const m = await merchantWithTwoStores();
    const csv = [
      "item_code,option_code,product_code,quantity,unlimited_stock",
      "good,,CUP,1,false",
      ",,CUP,1,false",
      "set,,ＣＵＰ,1,false",
      "set,,SAUCER,0,false",
      "other,,NOPE,2,maybe",
      "good,,CUP,1,false",
    ].join("\n");

    const answer = await importCsv(m.client, m.storeId, csv);

    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: "csv_invalid", field: "item_code" });
    expect(answer.body.rows).toEqual([
      { row: 3, column: "item_code", message: "is required" },
      { row: 4, column: "product_code", message: expect.stringContaining("half-width") },
      { row: 5, column: "quantity", message: expect.stringContaining("at least 1") },
      { row: 6, column: "unlimited_stock", message: expect.stringContaining("true or false") },
      { row: 6, column: "product_code", message: "product NOPE does not exist" },
      { row: 7, column: "product_code", message: expect.stringContaining("already listed in row 2") },
    ]);
    expect((await m.client.get(`/stores/${m.storeId}/correspondences`)).body.total_count).toBe(0);
  });

  it("points out a Shift_JIS file sent as UTF-8", async () => {
    const m = await merchantWithTwoStores();
    const csv = iconv.encode(
      "item_code,option_code,product_code,quantity,unlimited_stock\r\nお茶,,CUP,1,false\r\n",
      "cp932",
    );

    const answer = await importCsv(m.client, m.storeId, csv);

    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toContain("encoding=shift_jis");
  });

  it("refuses a file whose header lacks a column", async () => {
    const m = await merchantWithTwoStores();

    const answer = await importCsv(m.client, m.storeId, "item_code,product_code\nx,CUP\n");

    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: "csv_invalid", field: "header" });
    expect(answer.body.error.message).toContain("option_code, quantity, unlimited_stock");
  });

  it("refuses to export as Shift_JIS an item code Shift_JIS cannot hold", async () => {
    const m = await merchantWithTwoStores();
    await m.client.put(`/stores/${m.storeId}/correspondences`, {
      itemCode: "emoji-🍵",
      components: [{ productCode: "CUP", quantity: 1 }],
    });

    const answer = await m.client.get(`/stores/${m.storeId}/correspondences.csv?encoding=shift_jis`);

    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: "not_representable", field: "encoding" });
  });
});
