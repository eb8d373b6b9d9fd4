// Contract of the au PAY connector: pinned wire examples in both directions (what Kura reads, what it sends).
import { afterEach, describe, expect, it } from "vitest";
import { type AuPaySimulator, startAuPay } from "../../../simulators/aupay/server.ts";
import { collect } from "../common/contract-support.ts";
import { ChannelError } from "../errors.ts";
import { createAuPayConnector } from "./connector.ts";
import { parseXml, searchAnswerSchema, toOrderInput, wireOrderSchema } from "./map.ts";

const searchAnswer = `<?xml version="1.0" encoding="UTF-8"?>
<response><result><status>0</status></result><resultCount>1</resultCount>
<orderInfo><orderId>100000042</orderId><orderDate>2026/11/20 10:15</orderDate><orderStatus>キャンセル</orderStatus>
<memo></memo><totalSalePrice>4360</totalSalePrice><postagePrice>660</postagePrice><chargePrice>330</chargePrice>
<couponTotalPrice>200</couponTotalPrice><usePoint>100</usePoint><requestPrice>5050</requestPrice>
<settlementName>代金引換</settlementName><deliveryName>宅配便</deliveryName>
<deliveryRequestDay>20261124</deliveryRequestDay><deliveryRequestTime>14時～16時</deliveryRequestTime>
<ordererName>佐藤 花子</ordererName><ordererKana>サトウ ハナコ</ordererKana><ordererZipCode>1540024</ordererZipCode>
<ordererAddress>東京都世田谷区三軒茶屋2-14-1</ordererAddress><ordererPhoneNumber1>0312345678</ordererPhoneNumber1>
<mailAddress>hanako@example.jp</mailAddress><senderName>田中 健太</senderName><senderKana>タナカ ケンタ</senderKana>
<senderZipCode>530-0001</senderZipCode><senderAddress>大阪府大阪市北区梅田1-1-3</senderAddress>
<senderPhoneNumber1>0661234567</senderPhoneNumber1>
<detail><itemCode>CUP-YUNOMI</itemCode><itemManagementId>cup-yunomi</itemManagementId><itemName>有田焼 湯呑み 青</itemName>
<itemPrice>2200</itemPrice><unit>1</unit><choicesStockHorizontalCode>AO</choicesStockHorizontalCode></detail>
<detail><itemCode>TEA-SENCHA-100</itemCode><itemName>静岡煎茶 100g</itemName><itemPrice>1080</itemPrice><unit>2</unit></detail>
</orderInfo></response>`;

describe("au PAY wire → Kura", () => {
  it("reads a searchTradeInfoListProc order, a cancelled one flagged as cancelled on the channel", () => {
    const answer = searchAnswerSchema.parse(parseXml(searchAnswer));
    const order = toOrderInput(wireOrderSchema.parse(answer.response.orderInfo[0]));

    expect(answer.response.resultCount).toBe(1);
    expect({ ...order, raw: undefined }).toEqual({
      orderCode: "100000042",
      channelStatus: "キャンセル",
      cancelledOnChannel: true,
      orderedAt: "2026-11-20T10:15:00+09:00",
      buyer: {
        name: "佐藤 花子",
        nameKana: "サトウ ハナコ",
        postalCode: "154-0024",
        prefecture: "東京都",
        address1: "世田谷区三軒茶屋2-14-1",
        phone: "0312345678",
        email: "hanako@example.jp",
      },
      deliveryAddresses: [
        {
          name: "田中 健太",
          nameKana: "タナカ ケンタ",
          postalCode: "530-0001",
          prefecture: "大阪府",
          address1: "大阪市北区梅田1-1-3",
          phone: "0661234567",
          email: undefined,
        },
      ],
      deliveryMethod: "宅配便",
      requestedDate: "2026-11-24",
      timeSlot: "14時～16時",
      paymentMethod: "代金引換",
      lines: [
        { itemCode: "CUP-YUNOMI", optionCode: "AO", name: "有田焼 湯呑み 青", quantity: 1, unitPrice: 2200 },
        {
          itemCode: "TEA-SENCHA-100",
          optionCode: undefined,
          name: "静岡煎茶 100g",
          quantity: 2,
          unitPrice: 1080,
        },
      ],
      amounts: {
        subtotal: 4360,
        shippingFee: 660,
        paymentFee: 330,
        pointsUsed: 100,
        couponDiscount: 200,
        total: 5050,
      },
      raw: undefined,
    });
  });
});

describe("Kura → au PAY wire", () => {
  let sim: AuPaySimulator;
  afterEach(() => sim.close());

  async function connect(expiresAt?: Date, options: Record<string, unknown> = {}) {
    sim = await startAuPay({ requestsPerSecond: 50 });
    return createAuPayConnector({
      endpoint: sim.url,
      secrets: { apiKey: sim.apiKey },
      secretsExpireAt: expiresAt ? { apiKey: expiresAt } : undefined,
      options: { shopId: sim.shopId, ...options },
    });
  }

  const aroundNow = () => ({ from: new Date(Date.now() - 86_400_000), to: new Date() });
  const statusMoves = () => sim.requests.filter((r) => r.url === "/wmshopapi/updateTradeStsProc");

  it("moves each new order (新規受付) to 発送待ち as it imports it, once, as LOGILESS does", async () => {
    const connector = await connect();
    const fresh = sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 1 }]);
    const waiting = sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 1 }]);
    sim.setOrderStatus(waiting.orderId, "発送待ち");

    const [page] = await collect(connector.fetchOrders(aroundNow()));
    await collect(connector.fetchOrders(aroundNow())); // the next run finds it already moved

    expect(page?.orders.map((o) => [o.orderCode, o.channelStatus])).toEqual([
      [fresh.orderId, "発送待ち"],
      [waiting.orderId, "発送待ち"],
    ]);
    expect(statusMoves().map((r) => r.body)).toEqual([
      `<?xml version="1.0" encoding="UTF-8"?><request><shopId>55512345</shopId><orderId>${fresh.orderId}</orderId><orderStatus>発送待ち</orderStatus></request>`,
    ]);
  });

  it("leaves au PAY's status alone when the store turns the move off", async () => {
    const connector = await connect(undefined, { moveToAwaitingShipment: false });
    const fresh = sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 1 }]);

    const [page] = await collect(connector.fetchOrders(aroundNow()));

    expect(page?.orders.map((o) => o.channelStatus)).toEqual(["新規受付"]);
    expect(statusMoves()).toEqual([]);
    expect(fresh.orderStatus).toBe("新規受付");
  });

  it("searches by order date in JST days, then sends tracking and status 完了 as XML", async () => {
    const connector = await connect();
    const order = sim.seedOrder([{ itemCode: "TEA-SENCHA-100", qty: 1 }]);
    const window = { from: new Date("2026-11-20T15:30:00Z"), to: new Date("2026-11-23T03:00:00Z") };
    const pages = await collect(connector.fetchOrders(window));

    await connector.sendShipment({
      orderCode: order.orderId,
      carrier: "佐川急便",
      trackingNumber: "4000-1234-5678",
      shippedOn: "2026-11-23",
      idempotencyKey: "k",
    });

    const [search, info, status] = sim.requests;
    expect(pages).toHaveLength(1);
    expect(search?.url).toBe(
      "/wmshopapi/searchTradeInfoListProc?shopId=55512345&totalCount=1000&startCount=1&dateType=0&startDate=20261121&endDate=20261123",
    );
    expect(info).toMatchObject({ method: "POST", url: "/wmshopapi/updateTradeInfoProc" });
    expect(info?.contentType).toBe("application/xml; charset=utf-8");
    expect(info?.body).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><request><shopId>55512345</shopId><orderId>${order.orderId}</orderId><shippingDate>20261123</shippingDate><shippingCarrier>2</shippingCarrier><shippingNumber>400012345678</shippingNumber></request>`,
    );
    expect(status?.body).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><request><shopId>55512345</shopId><orderId>${order.orderId}</orderId><orderStatus>完了</orderStatus></request>`,
    );
  });

  it("sets stock per item (segment 1) and per choice (segment 2), and reads refusals per item", async () => {
    const connector = await connect();

    const results = await connector.pushStock(
      [
        { itemCode: "TEA-SENCHA-100", quantity: 7 },
        { itemCode: "CUP-YUNOMI", optionCode: "AO", quantity: 3 },
        { itemCode: "GIFT-CARD", quantity: 1 },
        { itemCode: "NO-SUCH", quantity: 1 },
      ],
      "key",
    );

    expect(sim.requests[0]?.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><request><shopId>55512345</shopId><stockUpdateItem><itemCode>TEA-SENCHA-100</itemCode><stockSegment>1</stockSegment><stockCount>7</stockCount></stockUpdateItem><stockUpdateItem><itemCode>CUP-YUNOMI</itemCode><stockSegment>2</stockSegment><choicesStocks><choicesStockHorizontalCode>AO</choicesStockHorizontalCode><choicesStockVerticalCode></choicesStockVerticalCode><choicesStockCount>3</choicesStockCount></choicesStocks></stockUpdateItem><stockUpdateItem><itemCode>GIFT-CARD</itemCode><stockSegment>1</stockSegment><stockCount>1</stockCount></stockUpdateItem><stockUpdateItem><itemCode>NO-SUCH</itemCode><stockSegment>1</stockSegment><stockCount>1</stockCount></stockUpdateItem></request>',
    );
    expect(results.map((r) => [r.itemCode, r.status === "rejected" ? r.reason : r.status])).toEqual([
      ["TEA-SENCHA-100", "updated"],
      ["CUP-YUNOMI", "updated"],
      ["GIFT-CARD", "unlimited"],
      ["NO-SUCH", "not_found"],
    ]);
  });

  it("refuses to call once the recorded key expiry has passed", async () => {
    const connector = await connect(new Date(Date.now() - 1000));

    const error = await connector.checkCredentials().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ kind: "auth", code: "api_key_expired" });
    expect(sim.requests).toHaveLength(0);
  });

  it("reads an error answered with <status>1</status> as the channel's refusal", async () => {
    const connector = await connect();

    const error = await connector
      .sendShipment({
        orderCode: "999",
        carrier: "ヤマト運輸",
        trackingNumber: "1",
        shippedOn: "2026-11-23",
        idempotencyKey: "k",
      })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      kind: "not_found",
      code: "ORD0001",
      channelMessage: expect.stringContaining("存在しません"),
    });
  });
});
