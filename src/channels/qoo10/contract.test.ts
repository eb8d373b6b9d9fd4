// Contract of the Qoo10 connector: pinned wire examples in both directions.
import { afterEach, describe, expect, it } from "vitest";
import { type Qoo10Simulator, startQoo10 } from "../../../simulators/qoo10/server.ts";
import { collect, stockOutcomes } from "../common/contract-support.ts";
import { createQoo10Connector } from "./connector.ts";
import { groupByCart, readHopeDate, toOrderInput, wireRowSchema } from "./map.ts";

const row = {
  packNo: 512345678,
  orderNo: 812345670,
  orderDate: "2026-11-20 10:15:00",
  PaymentDate: "2026-11-20 10:16:00",
  shippingStatus: "2",
  itemCode: "1000000001",
  sellerItemCode: "CUP-YUNOMI",
  itemTitle: "有田焼 湯呑み 青",
  option: "カラー:青",
  optionCode: "AO",
  orderQty: 2,
  orderPrice: 2200,
  discount: 100,
  total: 4300,
  SettlePrice: 4300,
  ShippingRate: 600,
  receiver: "田中 健太",
  receiver_gata: "タナカ ケンタ",
  receiverTel: "",
  receiverMobile: "+81-90-1234-5678",
  zipCode: "530-0001",
  Addr1: "大阪府大阪市北区",
  Addr2: "梅田1-1-3",
  shippingAddr: "大阪府大阪市北区梅田1-1-3",
  buyer: "佐藤 花子",
  buyer_gata: "サトウ ハナコ",
  buyerTel: "03-1234-5678",
  buyerMobile: "",
  buyerEmail: "hanako@example.jp",
  DeliveryCompany: "ヤマト宅急便",
  hopeDate: "2026-11-24 14:00~16:00",
  EstShippingDate: "",
  ShippingMsg: "",
  PaymentMethod: "クレジットカード",
  RelatedOrder: "812345670",
  TrackingNo: "",
  ShippingDate: "",
};

describe("Qoo10 wire → Kura", () => {
  it("reads a GetShippingInfo_v2 row as an order of its cart", () => {
    const [cart] = groupByCart([wireRowSchema.parse(row)]);
    const order = toOrderInput(cart ?? [], false);

    expect({ ...order, raw: undefined }).toEqual({
      orderCode: "512345678",
      channelStatus: "配送要請",
      cancelledOnChannel: false,
      orderedAt: "2026-11-20T10:15:00+09:00",
      buyer: {
        name: "佐藤 花子",
        nameKana: "サトウ ハナコ",
        phone: "03-1234-5678",
        email: "hanako@example.jp",
      },
      deliveryAddresses: [
        {
          name: "田中 健太",
          nameKana: "タナカ ケンタ",
          phone: "090-1234-5678",
          postalCode: "530-0001",
          prefecture: "大阪府",
          city: "大阪市北区",
          address1: "梅田1-1-3",
        },
      ],
      deliveryMethod: "ヤマト宅急便",
      requestedDate: "2026-11-24",
      timeSlot: "14時～16時",
      paymentMethod: "クレジットカード",
      paymentConfirmed: true,
      lines: [
        { itemCode: "CUP-YUNOMI", optionCode: "AO", name: "有田焼 湯呑み 青", quantity: 2, unitPrice: 2200 },
      ],
      amounts: { subtotal: 4400, shippingFee: 600, discount: 100, total: 4900 },
      raw: undefined,
    });
  });

  it("reads requested times in Qoo10's forms", () => {
    expect(readHopeDate("08:00~12:00")).toEqual({ requestedDate: undefined, timeSlot: "午前中" });
    expect(readHopeDate("2026-11-24")).toEqual({ requestedDate: "2026-11-24", timeSlot: undefined });
  });
});

describe("Kura → Qoo10 wire", () => {
  let sim: Qoo10Simulator;
  afterEach(() => sim.close());

  async function connect() {
    sim = await startQoo10({ requestsPerSecond: 50 });
    return createQoo10Connector({
      endpoint: sim.url,
      secrets: { apiKey: sim.apiKey, userId: sim.userId, password: sim.password },
    });
  }

  it("gets a seller key with the API key, then searches by order date and sends tracking per order line", async () => {
    const connector = await connect();
    const cart = sim.seedOrder([
      { itemCode: "TEA-SENCHA-100", qty: 1 },
      { itemCode: "CUP-YUNOMI", option: "AO", qty: 1 },
    ]);
    const window = { from: new Date("2026-11-20T15:00:00Z"), to: new Date(Date.now() + 1000) };
    const pages = await collect(connector.fetchOrders(window));
    await connector.sendShipment({
      orderCode: cart[0]?.packNo as string,
      carrier: "佐川急便",
      trackingNumber: "4000-1234-5678",
      shippedOn: "2026-11-23",
      idempotencyKey: "k",
    });

    const [certify, search, claims, lines, first] = sim.requests;
    expect(certify?.url).toBe(
      "/GMKT.INC.Front.QAPIService/ebayjapan.qapi/CertificationAPI.CreateCertificationKey",
    );
    expect(certify?.body).toBe("v=1.0&returnType=application%2Fjson&user_id=kura-seller&pwd=seller-password");
    expect(search?.url).toMatch(/ShippingBasic\.GetShippingInfo_v2$/);
    expect(search?.body).toMatch(
      /^v=1\.0&returnType=application%2Fjson&search_Sdate=20261121000000&search_Edate=\d{14}&search_condition=1$/,
    );
    expect(claims?.body).toMatch(/&search_condition=1&ClaimStat=3$/);
    expect(lines?.url).toMatch(/ShippingBasic\.GetShippingInfo_v2$/);
    expect(first?.body).toBe(
      `v=1.0&returnType=application%2Fjson&OrderNo=${cart[0]?.orderNo}&ShippingCorp=%E4%BD%90%E5%B7%9D%E6%80%A5%E4%BE%BF&TrackingNo=400012345678`,
    );
    expect(sim.requests).toHaveLength(6);
    expect(pages[0]?.orders.map((o) => o.orderCode)).toEqual([cart[0]?.packNo]);
  });

  it("sets stock by seller code, options through the option call, and reads refusals per item", async () => {
    const connector = await connect();

    const results = await connector.pushStock(
      [
        { itemCode: "TEA-SENCHA-100", quantity: 7 },
        { itemCode: "CUP-YUNOMI", optionCode: "AO", quantity: 3 },
        { itemCode: "NO-SUCH", quantity: 1 },
      ],
      "key",
    );

    expect(sim.requests.slice(1).map((r) => [r.url.split("/").pop(), r.body])).toEqual([
      ["ItemsOrder.SetGoodsPriceQty", "v=1.0&returnType=application%2Fjson&SellerCode=TEA-SENCHA-100&Qty=7"],
      [
        "ItemsOptions.UpdateInventoryQtyUnit",
        "v=1.0&returnType=application%2Fjson&SellerCode=CUP-YUNOMI&OptionCode=AO&Qty=3",
      ],
      ["ItemsOrder.SetGoodsPriceQty", "v=1.0&returnType=application%2Fjson&SellerCode=NO-SUCH&Qty=1"],
    ]);
    expect(stockOutcomes(results)).toEqual(["updated", "updated", "not_found"]);
  });

  it("refuses wrong login details as an auth failure with Qoo10's message", async () => {
    sim = await startQoo10();
    const connector = createQoo10Connector({
      endpoint: sim.url,
      secrets: { apiKey: sim.apiKey, userId: sim.userId, password: "wrong" },
    });

    await expect(connector.checkCredentials()).rejects.toMatchObject({
      kind: "auth",
      code: "-10002",
      channelMessage: "ユーザーIDまたはパスワードが正しくありません",
    });
  });
});
