// Contract of the Shopserve connector: pinned wire examples in both directions (the format is largely our
// assumption: see map.ts).
import { afterEach, describe, expect, it } from "vitest";
import { type ShopserveSimulator, startShopserve } from "../../../simulators/shopserve/server.ts";
import { collect, orderCodes, stockOutcomes } from "../common/contract-support.ts";
import { createShopserveConnector } from "./connector.ts";
import { toOrderInput, wireOrderSchema } from "./map.ts";

const order = {
  serial_code: "SS9000042",
  order_code: "1042",
  ordered_at: "2026-11-20T10:15:00+09:00",
  updated_at: "2026-11-20T10:20:00+09:00",
  order_status: "新規受付",
  shipping_status: "未発送",
  payment_method_name: "銀行振込",
  payment_status: "未入金",
  customer: {
    name: "佐藤 花子",
    name_kana: "サトウ ハナコ",
    zip: "1540024",
    address: "東京都世田谷区三軒茶屋2-14-1",
    tel: "0312345678",
    email: "hanako@example.jp",
  },
  amounts: { items_total: 3280, shipping_fee: 660, payment_fee: 0, discount: 100, point: 50, total: 3790 },
  delivery: {
    name: "田中 健太",
    name_kana: "タナカ ケンタ",
    zip: "5300001",
    address: "大阪府大阪市北区梅田1-1-3",
    tel: "0661234567",
    method_name: "宅配便",
    preferred_date: "2026-11-24",
    preferred_time: "午前中",
  },
  items: [
    {
      item_code: "TEA-SENCHA-100",
      option_code: null,
      item_name: "静岡煎茶 100g",
      unit_price: 1080,
      quantity: 1,
      tax_rate: 8,
    },
    {
      item_code: "CUP-YUNOMI",
      option_code: "AO",
      item_name: "有田焼 湯呑み 青",
      unit_price: 1100,
      quantity: 2,
      tax_rate: 10,
    },
  ],
};

describe("Shopserve wire → Kura", () => {
  it("reads an order with its delivery and items blocks, keyed by serial code", () => {
    const input = toOrderInput(wireOrderSchema.parse(order));

    expect({ ...input, raw: undefined }).toEqual({
      orderCode: "SS9000042",
      channelStatus: "新規受付",
      cancelledOnChannel: false,
      orderedAt: "2026-11-20T10:15:00+09:00",
      buyer: {
        name: "佐藤 花子",
        nameKana: "サトウ ハナコ",
        phone: "0312345678",
        email: "hanako@example.jp",
        postalCode: "154-0024",
        prefecture: "東京都",
        address1: "世田谷区三軒茶屋2-14-1",
      },
      deliveryAddresses: [
        {
          name: "田中 健太",
          nameKana: "タナカ ケンタ",
          phone: "0661234567",
          email: undefined,
          postalCode: "530-0001",
          prefecture: "大阪府",
          address1: "大阪市北区梅田1-1-3",
        },
      ],
      deliveryMethod: "宅配便",
      requestedDate: "2026-11-24",
      timeSlot: "午前中",
      paymentMethod: "銀行振込",
      paymentConfirmed: false,
      lines: [
        {
          itemCode: "TEA-SENCHA-100",
          optionCode: undefined,
          name: "静岡煎茶 100g",
          quantity: 1,
          unitPrice: 1080,
          taxRate: 8,
        },
        {
          itemCode: "CUP-YUNOMI",
          optionCode: "AO",
          name: "有田焼 湯呑み 青",
          quantity: 2,
          unitPrice: 1100,
          taxRate: 10,
        },
      ],
      amounts: {
        subtotal: 3280,
        shippingFee: 660,
        paymentFee: 0,
        discount: 100,
        pointsUsed: 50,
        total: 3790,
      },
      raw: undefined,
    });
  });
});

describe("Kura → Shopserve wire", () => {
  let sim: ShopserveSimulator;
  afterEach(() => sim.close());

  async function connect(managerKey?: string) {
    sim = await startShopserve({ requestsPerSecond: 50 });
    return createShopserveConnector({
      endpoint: sim.url,
      secrets: { managerKey: managerKey ?? sim.managerKey },
      options: { shopId: sim.shopId },
    });
  }

  it("searches with Basic auth and the delivery and items blocks, then marks the order shipped", async () => {
    const connector = await connect();
    const seeded = sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 1 }]);
    const window = { from: new Date("2026-11-20T01:00:00Z"), to: new Date(Date.now() + 1000) };
    const pages = await collect(connector.fetchOrders(window));
    await connector.sendShipment({
      orderCode: seeded.serial_code,
      carrier: "西濃運輸",
      trackingNumber: "1234567890",
      shippedOn: "2026-11-23",
      idempotencyKey: "k",
    });

    const [search, ship] = sim.requests;
    expect(search).toMatchObject({ method: "POST", url: "/v2/orders/_retrieve/basic;delivery;items" });
    expect(JSON.parse(String(search?.body))).toEqual({
      since: "2026-11-20T10:00:00+09:00",
      until: expect.stringMatching(/\+09:00$/),
      offset: 0,
      limit: 100,
    });
    expect(ship).toMatchObject({ method: "PUT", url: `/v2/orders/${seeded.serial_code}/status` });
    expect(JSON.parse(String(ship?.body))).toEqual({
      shipping_status: "発送済",
      shipped_date: "2026-11-23",
      delivery_company_code: "seino",
      slip_number: "1234567890",
    });
    expect(orderCodes(pages)).toEqual([seeded.serial_code]);
  });

  it("sets stock in batches, and reads refusals per item", async () => {
    const connector = await connect();

    const results = await connector.pushStock(
      [
        { itemCode: "TEA-SENCHA-100", quantity: 7 },
        { itemCode: "GIFT-CARD", quantity: 1 },
        { itemCode: "NO-SUCH", quantity: 1 },
      ],
      "key",
    );

    expect(JSON.parse(String(sim.requests[0]?.body))).toEqual({
      stocks: [
        { item_code: "TEA-SENCHA-100", option_code: null, quantity: 7 },
        { item_code: "GIFT-CARD", option_code: null, quantity: 1 },
        { item_code: "NO-SUCH", option_code: null, quantity: 1 },
      ],
    });
    expect(stockOutcomes(results)).toEqual(["updated", "unlimited", "not_found"]);
  });

  it("reads a refused manager key as an auth failure", async () => {
    const connector = await connect("wrong");

    await expect(connector.checkCredentials()).rejects.toMatchObject({
      kind: "auth",
      code: "E401",
      channelMessage: "認証に失敗しました。",
    });
  });
});
