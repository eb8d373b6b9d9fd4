// Importing older orders from a file (受注ファイル取込): the merchant uploads MakeShop's own order export, whose
// orders are past the 3 days the scheduled import reaches; Kura reads the order numbers and fetches each.
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMakeShop } from "../../simulators/makeshop/server.ts";
import { type Api, startApi } from "../api/support.ts";
import { orderByCode, ordersOf, useChannelTestBed } from "../channels/support.ts";
import { secretBox } from "../sync/support.ts";

const bed = useChannelTestBed();
let api: Api;
const dayMs = 86_400_000;

beforeAll(async () => {
  api = await startApi(bed.database, { secretBox });
});
afterAll(() => api.close());

async function makeShopStore() {
  const sim = await startMakeShop();
  const store = await bed.storeOn(sim, {
    channel: "makeshop",
    secrets: { orderToken: sim.orderToken, productToken: sim.productToken },
    settings: { shopId: sim.shopId },
  });
  const upload = (file: Buffer | string, contentType = "text/csv") =>
    api.call("POST", `/api/v1/merchant/${store.orgId}/stores/${store.storeId}/orders/import-file`, {
      token: store.token,
      raw: file,
      headers: { "content-type": contentType },
    });
  return { ...store, upload };
}

describe("importing the orders a file names", { timeout: 60_000 }, () => {
  it("reads the order numbers of MakeShop's Shift_JIS export and imports those orders from MakeShop", async () => {
    const { sim, storeId, upload } = await makeShopStore();
    const first = sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 1 }], 10 * dayMs);
    const second = sim.seedOrder([{ itemCode: "CUP-YUNOMI", option: "AO", qty: 2 }], 20 * dayMs);
    const exported = [
      "注文番号,注文日時,購入者名,商品名,数量",
      `${first.ordernum},2026/11/13 10:00,山田 太郎,煎茶,1`,
      `${second.ordernum},2026/11/03 09:12,佐藤 花子,湯呑,1`,
      `${second.ordernum},2026/11/03 09:12,佐藤 花子,湯呑,1`, // one row per line: the order counts once
      "20990101000001,2099/01/01 00:00,誰か,?,1",
    ].join("\r\n");

    const answer = await upload(iconv.encode(exported, "cp932"));

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      orderCodes: 3,
      counts: { created: 2, updated: 0, unchanged: 0, not_found: 1, failed: 0 },
    });
    expect(answer.body.results.map((r: { orderCode: string; outcome: string }) => r.outcome)).toEqual([
      "created",
      "created",
      "not_found",
    ]);
    expect(await orderByCode(bed.db, storeId, first.ordernum)).toMatchObject({ status: "awaiting_shipment" });
    expect(await orderByCode(bed.db, storeId, second.ordernum)).toMatchObject({
      status: "awaiting_shipment",
    });

    // A plain list of numbers works too, and importing again changes nothing.
    const again = await upload(`${first.ordernum}\n${second.ordernum}\n`);
    expect(again.body.counts).toMatchObject({ created: 0, unchanged: 2 });
    expect(await ordersOf(bed.db, storeId)).toHaveLength(2);
  });

  it("refuses a file without an order-number column, naming the headers it looks for, and imports nothing", async () => {
    const { sim, storeId, upload } = await makeShopStore();
    sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 1 }], 10 * dayMs);

    const answer = await upload("購入者名,数量\r\n山田 太郎,1\r\n");

    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ field: "header" });
    expect(answer.body.error.message).toContain("注文番号");
    expect(await ordersOf(bed.db, storeId)).toEqual([]);
  });
});
