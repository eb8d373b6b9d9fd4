import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { type Api, useApi } from "../api/support.ts";
import { givenShop, suzuki, to, yamada } from "./support.ts";

let db: Db;
let api: Api;
useApi((env) => ({ db, api } = env));

const csvUpload = (shop: Awaited<ReturnType<typeof givenShop>>, body: Uint8Array | string, query = "") =>
  shop.client.call("POST", `/shipments/ship.csv${query}`, {
    raw: body,
    headers: { "content-type": "text/csv" },
  });

async function twoSlips() {
  const shop = await givenShop(db, api);
  const a = await shop.register({
    ...to(yamada),
    lines: [{ itemCode: "SKU-1", name: "A", quantity: 2, unitPrice: 500 }],
  });
  const b = await shop.register({
    ...to(suzuki),
    lines: [
      { itemCode: "SKU-1", name: "A", quantity: 1, unitPrice: 500 },
      { itemCode: "SKU-2", name: "B", quantity: 3, unitPrice: 300 },
    ],
  });
  const code = async (id: number | null) => (await shop.client.get(`/shipments/${id}`)).body.code as string;
  return { shop, a, b, codeA: await code(a.shipmentId), codeB: await code(b.shipmentId) };
}

describe("shipping work", () => {
  it("starts a batch and gives its picking list as JSON and as CSV", async () => {
    const { shop, a, b, codeA, codeB } = await twoSlips();

    const batch = await shop.client.post("/shipments/start", {
      shipmentIds: [a.shipmentId, b.shipmentId, 999999],
    });
    const csv = await shop.client.bytes(
      `/shipments/picking-list?shipmentIds=${a.shipmentId},${b.shipmentId}&format=csv`,
    );

    expect(batch.body.started).toHaveLength(2);
    expect(batch.body.refused).toMatchObject([{ shipmentId: 999999, error: { code: "not_found" } }]);
    expect(batch.body.pickingList.totals).toEqual([
      { productCode: "SKU-1", productName: "商品 SKU-1", quantity: 3 },
      { productCode: "SKU-2", productName: "商品 SKU-2", quantity: 3 },
    ]);
    expect(batch.body.pickingList.shipments[0]).toMatchObject({
      code: codeA,
      status: "in_progress",
      recipientName: "山田 太郎",
    });
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(csv.bytes.toString("utf8").split("\r\n")).toEqual([
      "shipment_code,order_codes,recipient_name,product_code,product_name,quantity",
      `${codeA},${a.orderCode},山田 太郎,SKU-1,商品 SKU-1,2`,
      `${codeB},${b.orderCode},鈴木 一郎,SKU-1,商品 SKU-1,1`,
      `${codeB},${b.orderCode},鈴木 一郎,SKU-2,商品 SKU-2,3`,
      "",
    ]);
  });

  it("ships slips from a Shift_JIS CSV with Japanese headers, and says which rows were refused", async () => {
    const { shop, a, b, codeA, codeB } = await twoSlips();
    await shop.client.post(`/shipments/${b.shipmentId}/start`);
    await shop.client.post(`/shipments/${b.shipmentId}/ship`, {
      carrier: "佐川急便",
      trackingNumber: "1",
      shippedOn: "2026-11-01",
    });
    const file = iconv.encode(
      `出荷管理コード,配送業者,送り状番号,出荷日\r\n${codeA},ヤマト運輸,1111-2222,2026/11/02\r\n${codeB},ヤマト運輸,3333,2026-11-02\r\n`,
      "cp932",
    );

    const answer = await csvUpload(shop, file);

    expect(answer.body).toMatchObject({ rows: 2, shipped: 1, refused: 1 });
    expect(answer.body.results[1]).toMatchObject({
      row: 3,
      outcome: "refused",
      error: { code: "invalid_shipment_status" },
    });
    expect((await shop.client.get(`/shipments/${a.shipmentId}`)).body).toMatchObject({
      status: "shipped",
      carrier: "ヤマト運輸",
      trackingNumber: "1111-2222",
      shippedOn: "2026-11-02",
    });
  });

  it("ships nothing from a file with a bad row, naming every row and column at fault", async () => {
    const { shop, a, codeA } = await twoSlips();
    const file = `shipment_code,carrier,tracking_number,shipped_on\n${codeA},ヤマト運輸,1,2026-11-02\nS999999999,ヤマト運輸,,2026-02-30\n`;

    const answer = await csvUpload(shop, file, "?encoding=utf-8");

    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe("csv_invalid");
    expect(answer.body.rows).toEqual([
      { row: 3, column: "tracking_number", message: "is required" },
      { row: 3, column: "shipped_on", message: 'must be a date as YYYY-MM-DD (got "2026-02-30")' },
      { row: 3, column: "shipment_code", message: "shipment S999999999 does not exist" },
    ]);
    expect((await shop.client.get(`/shipments/${a.shipmentId}`)).body.status).toBe("allocated");
  });

  it("keeps every change of a slip in its history, with who and when", async () => {
    const { shop, a } = await twoSlips();
    await shop.client.post(`/shipments/${a.shipmentId}/start`);
    await shop.client.post(`/shipments/${a.shipmentId}/return`);
    await shop.client.post(`/shipments/${a.shipmentId}/start`);
    await shop.client.post(`/shipments/${a.shipmentId}/ship`, {
      carrier: "ヤマト運輸",
      trackingNumber: "9",
      shippedOn: "2026-11-02",
    });

    const history = await shop.client.get(`/shipments/${a.shipmentId}/history`);

    expect(
      history.body.data.map((h: { action: string; toStatus: string }) => [h.action, h.toStatus]),
    ).toEqual([
      ["created", "allocated"],
      ["in_progress", "in_progress"],
      ["allocated", "allocated"],
      ["in_progress", "in_progress"],
      ["shipped", "shipped"],
    ]);
    expect(history.body.data.at(-1)).toMatchObject({
      detail: { trackingNumber: "9" },
      createdAt: expect.any(String),
    });
    expect(new Set(history.body.data.slice(1).map((h: { actor: string }) => h.actor)).size).toBe(1);
  });
});
