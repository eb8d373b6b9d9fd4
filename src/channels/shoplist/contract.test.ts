// Contract of the SHOPLIST connector: pinned wire examples in both directions (the format is our design:
// see map.ts).
import { afterEach, describe, expect, it } from "vitest";
import { type ShoplistSimulator, startShoplist } from "../../../simulators/shoplist/server.ts";
import { collect, kitStockItems, stockOutcomes } from "../common/contract-support.ts";
import { createShoplistConnector, shoplistCapabilities } from "./connector.ts";
import { toOrderInput, wireOrderSchema } from "./map.ts";

const person = {
  name: "佐藤 花子",
  name_kana: "サトウ ハナコ",
  zip: "1540024",
  prefecture: "東京都",
  address: "世田谷区三軒茶屋2-14-1",
  tel: "0312345678",
};

describe("SHOPLIST wire → Kura", () => {
  it("reads an order, a cancelled one as cancelled on the channel, paid by SHOPLIST", () => {
    const input = toOrderInput(
      wireOrderSchema.parse({
        order_id: "SL2026112000042",
        ordered_at: "2026-11-20T10:15:00+09:00",
        status: "キャンセル",
        payment_method: "後払い",
        buyer: { ...person, email: "hanako@example.jp" },
        shipping_address: person,
        delivery_method: "宅配便",
        delivery_date: null,
        delivery_time: "午前中",
        items: [
          {
            product_code: "CUP-YUNOMI",
            color_size_code: "AO",
            name: "有田焼 湯呑み 青",
            price: 2200,
            quantity: 1,
          },
        ],
        subtotal: 2200,
        shipping_fee: 0,
        payment_fee: 0,
        discount: 0,
        point: 0,
        total: 2200,
      }),
    );

    expect({ ...input, raw: undefined }).toEqual({
      orderCode: "SL2026112000042",
      channelStatus: "キャンセル",
      cancelledOnChannel: true,
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
          name: "佐藤 花子",
          nameKana: "サトウ ハナコ",
          phone: "0312345678",
          email: undefined,
          postalCode: "154-0024",
          prefecture: "東京都",
          address1: "世田谷区三軒茶屋2-14-1",
        },
      ],
      deliveryMethod: "宅配便",
      requestedDate: undefined,
      timeSlot: "午前中",
      paymentMethod: "後払い",
      paymentConfirmed: true,
      lines: [
        { itemCode: "CUP-YUNOMI", optionCode: "AO", name: "有田焼 湯呑み 青", quantity: 1, unitPrice: 2200 },
      ],
      amounts: { subtotal: 2200, shippingFee: 0, paymentFee: 0, discount: 0, pointsUsed: 0, total: 2200 },
      raw: undefined,
    });
  });
});

describe("Kura → SHOPLIST wire", () => {
  let sim: ShoplistSimulator;
  afterEach(() => sim.close());

  async function connect(apiKey?: string) {
    sim = await startShoplist({ requestsPerSecond: 50 });
    return createShoplistConnector({ endpoint: sim.url, secrets: { apiKey: apiKey ?? sim.apiKey } });
  }

  it("declares no shipment notice, and asks for orders of at most the last 3 days", async () => {
    const connector = await connect();
    sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 1 }]);
    const window = { from: new Date(Date.now() - 3 * 86_400_000), to: new Date() };
    const pages = await collect(connector.fetchOrders(window));

    expect(shoplistCapabilities.shipmentNotice).toBeNull();
    expect(shoplistCapabilities.fetchOrders.maxLookbackDays).toBe(3);
    expect(sim.requests[0]?.url).toMatch(
      /^\/v1\/orders\?ordered_from=[^&]+%2B09%3A00&ordered_to=[^&]+%2B09%3A00&page=1&per_page=100$/,
    );
    expect(pages[0]?.orders).toHaveLength(1);
  });

  it("sets stock per product and colour/size code, and reads refusals per item", async () => {
    const connector = await connect();

    const results = await connector.pushStock(kitStockItems, "key");

    expect(sim.requests[0]).toMatchObject({ method: "PUT", url: "/v1/stocks" });
    expect(JSON.parse(String(sim.requests[0]?.body))).toEqual({
      stocks: [
        { product_code: "CUP-YUNOMI", color_size_code: "AO", quantity: 3 },
        { product_code: "GIFT-CARD", color_size_code: null, quantity: 1 },
        { product_code: "NO-SUCH", color_size_code: null, quantity: 1 },
      ],
    });
    expect(stockOutcomes(results)).toEqual(["updated", "unlimited", "not_found"]);
  });

  it("reads a wrong 認証キー as an auth failure", async () => {
    const connector = await connect("wrong");

    await expect(connector.checkCredentials()).rejects.toMatchObject({
      kind: "auth",
      code: "UNAUTHORIZED",
      channelMessage: "認証キーが正しくありません。",
    });
  });
});
