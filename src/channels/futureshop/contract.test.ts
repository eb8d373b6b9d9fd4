// Contract of the futureshop connector: pinned wire examples in both directions (the order search and the
// token call are our assumption: see map.ts).
import { afterEach, describe, expect, it } from "vitest";
import { type FutureshopSimulator, startFutureshop } from "../../../simulators/futureshop/server.ts";
import { collect, kitStockItems, orderCodes, stockOutcomes } from "../common/contract-support.ts";
import { createFutureshopConnector } from "./connector.ts";
import { toOrderInput, wireOrderSchema } from "./map.ts";

const receiver = {
  lastName: "田中",
  firstName: "健太",
  lastNameKana: "タナカ",
  firstNameKana: "ケンタ",
  zipCode: "5300001",
  prefecture: "大阪府",
  address1: "大阪市北区",
  address2: "梅田1-1-3",
  tel: "06-1234-5678",
};

const order = {
  orderNo: "261120000042",
  orderDate: "2026-11-20T10:15:00+09:00",
  updateDate: "2026-11-20T10:20:00+09:00",
  orderStatus: "キャンセル",
  paymentStatus: "未入金",
  paymentMethodName: "コンビニ決済",
  buyer: { ...receiver, lastName: "佐藤", firstName: "花子", mail: "hanako@example.jp" },
  totals: {
    productTotal: 2200,
    postage: 660,
    paymentFee: 220,
    discount: 0,
    usePoint: 100,
    billingTotal: 2980,
  },
  shipmentList: [
    {
      shipmentNo: 1,
      deliveryMethodName: "宅配便",
      deliveryDate: "2026-11-24",
      deliveryTime: "14時～16時",
      receiver,
      productList: [
        {
          productNo: "CUP-YUNOMI",
          verticalNo: "AO",
          horizontalNo: "",
          productName: "有田焼 湯呑み 青",
          price: 2200,
          quantity: 1,
          taxRate: 10,
        },
      ],
      shippingStatus: "未発送",
    },
  ],
};

describe("futureshop wire → Kura", () => {
  it("reads an order with its shipment list, a cancelled one as cancelled on the channel", () => {
    const input = toOrderInput(wireOrderSchema.parse(order));

    expect(input).toMatchObject({
      orderCode: "261120000042",
      channelStatus: "キャンセル",
      cancelledOnChannel: true,
      orderedAt: "2026-11-20T10:15:00+09:00",
      buyer: { name: "佐藤 花子", nameKana: "タナカ ケンタ", email: "hanako@example.jp" },
      deliveryAddresses: [
        {
          name: "田中 健太",
          nameKana: "タナカ ケンタ",
          phone: "06-1234-5678",
          postalCode: "530-0001",
          prefecture: "大阪府",
          city: "大阪市北区",
          address1: "梅田1-1-3",
        },
      ],
      deliveryMethod: "宅配便",
      requestedDate: "2026-11-24",
      timeSlot: "14時～16時",
      paymentMethod: "コンビニ決済",
      paymentConfirmed: false,
      lines: [
        {
          itemCode: "CUP-YUNOMI",
          optionCode: "AO",
          name: "有田焼 湯呑み 青",
          quantity: 1,
          unitPrice: 2200,
          taxRate: 10,
        },
      ],
      amounts: {
        subtotal: 2200,
        shippingFee: 660,
        paymentFee: 220,
        discount: 0,
        pointsUsed: 100,
        total: 2980,
      },
    });
  });
});

describe("Kura → futureshop wire", () => {
  let sim: FutureshopSimulator;
  afterEach(() => sim.close());

  async function connect(clientSecret?: string) {
    sim = await startFutureshop({ requestsPerSecond: 50 });
    return createFutureshopConnector({
      endpoint: sim.url,
      secrets: {
        clientId: sim.clientId,
        clientSecret: clientSecret ?? sim.clientSecret,
        shopKey: sim.shopKey,
      },
    });
  }

  it("gets a token once, searches by update date, and posts the ship date and invoice number", async () => {
    const connector = await connect();
    const seeded = sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 1 }]);
    const window = { from: new Date("2026-11-20T01:00:00Z"), to: new Date(Date.now() + 1000) };
    const pages = await collect(connector.fetchOrders(window));
    await connector.sendShipment({
      orderCode: seeded.orderNo,
      carrier: "ヤマト運輸",
      trackingNumber: "1234-5678-9012",
      shippedOn: "2026-11-23",
      idempotencyKey: "k",
    });

    const [token, search, ship] = sim.requests;
    expect(token).toMatchObject({
      method: "POST",
      url: "/oauth/token",
      body: "grant_type=client_credentials",
    });
    expect(search?.url).toMatch(
      /^\/admin-api\/v1\/orders\?updateDateFrom=2026-11-20T10%3A00%3A00%2B09%3A00&updateDateTo=[^&]+%2B09%3A00&page=1&perPage=100$/,
    );
    expect(JSON.parse(String(ship?.body))).toEqual({
      orderList: [
        {
          orderNo: seeded.orderNo,
          shipmentList: [
            { shipmentNo: 1, shippingInfo: { invoiceNo: "1234-5678-9012", shippingDate: "2026-11-23" } },
          ],
        },
      ],
    });
    expect(sim.tokenRequests).toBe(1);
    expect(orderCodes(pages)).toEqual([seeded.orderNo]);
  });

  it("sets stock per product with its choices in one list, and reads refusals per product", async () => {
    const connector = await connect();

    const results = await connector.pushStock(kitStockItems, "key");

    expect(JSON.parse(String(sim.requests[1]?.body))).toEqual({
      productList: [
        {
          productNo: "CUP-YUNOMI",
          inventoryInfo: { regular: { inventoryList: [{ verticalNo: "AO", horizontalNo: "", count: 3 }] } },
        },
        {
          productNo: "GIFT-CARD",
          inventoryInfo: { regular: { inventoryList: [{ verticalNo: "", horizontalNo: "", count: 1 }] } },
        },
        {
          productNo: "NO-SUCH",
          inventoryInfo: { regular: { inventoryList: [{ verticalNo: "", horizontalNo: "", count: 1 }] } },
        },
      ],
    });
    expect(stockOutcomes(results)).toEqual(["updated", "unlimited", "not_found"]);
  });

  it("reads refused client credentials as an auth failure", async () => {
    const connector = await connect("wrong");

    await expect(connector.checkCredentials()).rejects.toMatchObject({
      kind: "auth",
      code: "invalid_client",
      channelMessage: "クライアント認証に失敗しました。",
    });
  });
});
