// Contract of the MakeShop connector: pinned wire examples in both directions.
import { afterEach, describe, expect, it } from "vitest";
import { type MakeShopSimulator, startMakeShop } from "../../../simulators/makeshop/server.ts";
import { collect, kitStockItems, orderCodes, stockOutcomes } from "../common/contract-support.ts";
import { createMakeShopConnector } from "./connector.ts";
import { ordersAnswerSchema, ordersOf, toOrderInput, wireOrderSchema } from "./map.ts";

// One order: `order` is an object, as is its single delivery and commodity (XML-born JSON).
const answer = {
  orders: {
    order: {
      ordernum: "20261120000042",
      date: "2026-11-20 10:15:00",
      status: "0",
      payment_status: "1",
      paymethod: { type: "R", content: "代金引換" },
      buyer: {
        name: "佐藤 花子",
        kana: "サトウ ハナコ",
        zip: "1540024",
        area: "東京(23区内)",
        city: "世田谷区",
        street: "三軒茶屋2-14-1",
        tel: "03-1234-5678",
        email: "hanako@example.jp",
        sex: "F",
      },
      deliveries: {
        delivery: {
          delivery_id: "0",
          name: "田中 健太",
          kana: "タナカ ケンタ",
          zip: "530-0001",
          area: "大阪",
          city: "大阪市北区",
          address: "梅田1-1-3",
          tel: "06-1234-5678",
          deliverydate: "2026/11/24",
          deliverytime: "14時～16時",
          scheduled_shipping_date: "",
          carriage: { name: "宅配便" },
        },
      },
      orderdetail: {
        sumprice: "4360",
        carriage: "660",
        bulk: "100",
        coupon: "200",
        usepoint: [{ type: "shop", content: "50" }],
        commission: { content: "330" },
        commodities: {
          commodity: {
            name: "有田焼 湯呑み 青",
            orgcode: "CUP-YUNOMI",
            brandcode: "000000000123",
            optioncode: "AO",
            option: "カラー:青",
            price: "2180",
            amount: "2",
            consumption_tax_rate: "10",
          },
        },
      },
    },
  },
};

describe("MakeShop wire → Kura", () => {
  it("reads a cmd=get order, single elements as objects, a cancelled one as cancelled on the channel", () => {
    const [raw] = ordersOf(ordersAnswerSchema.parse(answer));
    const order = toOrderInput(wireOrderSchema.parse(raw));

    expect({ ...order, raw: undefined }).toEqual({
      orderCode: "20261120000042",
      channelStatus: "キャンセル",
      cancelledOnChannel: true,
      orderedAt: "2026-11-20T10:15:00+09:00",
      buyer: {
        name: "佐藤 花子",
        nameKana: "サトウ ハナコ",
        phone: "03-1234-5678",
        email: "hanako@example.jp",
        postalCode: "154-0024",
        prefecture: "東京都",
        city: "世田谷区",
        address1: "三軒茶屋2-14-1",
      },
      deliveryAddresses: [
        {
          name: "田中 健太",
          nameKana: "タナカ ケンタ",
          phone: "06-1234-5678",
          email: undefined,
          postalCode: "530-0001",
          prefecture: "大阪府",
          city: "大阪市北区",
          address1: "梅田1-1-3",
        },
      ],
      deliveryMethod: "宅配便",
      requestedDate: "2026-11-24",
      timeSlot: "14時～16時",
      paymentMethod: "代金引換",
      paymentConfirmed: true,
      lines: [
        {
          itemCode: "CUP-YUNOMI",
          optionCode: "AO",
          name: "有田焼 湯呑み 青",
          quantity: 2,
          unitPrice: 2180,
          taxRate: 10,
        },
      ],
      amounts: {
        subtotal: 4360,
        shippingFee: 660,
        paymentFee: 330,
        discount: 100,
        pointsUsed: 50,
        couponDiscount: 200,
        total: 5000,
      },
      raw: undefined,
    });
  });

  it("reads an answer without orders as none", () => {
    expect(ordersOf(ordersAnswerSchema.parse({ orders: "" }))).toEqual([]);
  });
});

describe("Kura → MakeShop wire", () => {
  let sim: MakeShopSimulator;
  afterEach(() => sim.close());

  async function connect() {
    sim = await startMakeShop({ requestsPerSecond: 50 });
    return createMakeShopConnector({
      endpoint: sim.url,
      secrets: { orderToken: sim.orderToken, productToken: sim.productToken },
      options: { shopId: sim.shopId, service: "kura" },
    });
  }

  it("asks for a window with cancelled orders, narrows it past a full answer, and reports delivery", async () => {
    const connector = await connect();
    for (let i = 0; i < 101; i++)
      sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 1 }], 3_600_000 - i * 1000);
    const window = { from: new Date(Date.now() - 2 * 3_600_000), to: new Date(Date.now() + 60_000) };
    const pages = await collect(connector.fetchOrders(window));
    const first = [...sim.state.orders.values()][0];

    await connector.sendShipment({
      orderCode: first?.ordernum as string,
      carrier: "日本郵便",
      trackingNumber: "1111-2222-3333",
      shippedOn: "2026-11-23",
      idempotencyKey: "k",
    });

    expect(pages.map((p) => p.orders.length)).toEqual([100, 2]);
    expect(new Set(orderCodes(pages)).size).toBe(101);
    expect(sim.requests[0]?.url).toMatch(
      /^\/api\/orderinfo\/index\.html\?shopid=kurashop&token=makeshop-order-token&service=kura&cmd=get&start=\d{14}&end=\d{14}&canceled=1$/,
    );
    expect(sim.requests[2]?.url).toBe(
      `/api/orderinfo/index.html?shopid=kurashop&token=makeshop-order-token&service=kura&cmd=deliver&ordernum=${first?.ordernum}&deliveryid=0&status=3&carrier=3&deliverynum=111122223333&send_mail=1`,
    );
  });

  it("sets stock with the product auth code, and reads refusals per item", async () => {
    const connector = await connect();

    const results = await connector.pushStock(kitStockItems, "key");

    expect(sim.requests[0]).toMatchObject({
      method: "POST",
      url: "/api/product/stock/?shop_id=kurashop&access_token=makeshop-product-token",
      body: '{"products":[{"orgcode":"CUP-YUNOMI","option_code":"AO","stock":3},{"orgcode":"GIFT-CARD","option_code":"","stock":1},{"orgcode":"NO-SUCH","option_code":"","stock":1}]}',
    });
    expect(stockOutcomes(results)).toEqual(["updated", "unlimited", "not_found"]);
  });

  it("reads a wrong auth code as an auth failure", async () => {
    sim = await startMakeShop();
    const connector = createMakeShopConnector({
      endpoint: sim.url,
      secrets: { orderToken: "wrong" },
      options: { shopId: sim.shopId },
    });

    await expect(connector.checkCredentials()).rejects.toMatchObject({
      kind: "auth",
      code: "100",
      channelMessage: "認証に失敗しました。",
    });
  });
});
