// Contract tests: Yahoo!'s XML examples as the Store API documents them (our reading, channel-apis.md §2),
// pinned with what Kura makes of them and what Kura sends.
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { orderInputSchema } from "../../domain/order-input.ts";
import { readXmlError, toRequestXml } from "./client.ts";
import {
  orderInfoSchema,
  toOrderInput,
  toShipCompanyCode,
  toShipFields,
  toTimeSlot,
  toWireTime,
} from "./map.ts";

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true });

const orderInfoAnswer = `<?xml version="1.0" encoding="UTF-8"?>
<ResultSet totalResultsAvailable="1" totalResultsReturned="1" firstResultPosition="1">
  <Result>
    <Status>OK</Status>
    <OrderInfo>
      <OrderId>snbx-kura-10000001</OrderId>
      <OrderTime>2025-03-01T10:15:00+09:00</OrderTime>
      <OrderStatus>2</OrderStatus>
      <CancelReason></CancelReason>
      <Pay>
        <PayStatus>1</PayStatus>
        <PayMethod>payment_a1</PayMethod>
        <PayMethodName>クレジットカード決済</PayMethodName>
        <BillFirstName>花子</BillFirstName>
        <BillLastName>佐藤</BillLastName>
        <BillFirstNameKana>ハナコ</BillFirstNameKana>
        <BillLastNameKana>サトウ</BillLastNameKana>
        <BillZipCode>1540024</BillZipCode>
        <BillPrefecture>東京都</BillPrefecture>
        <BillCity>世田谷区</BillCity>
        <BillAddress1>三軒茶屋2-14-1</BillAddress1>
        <BillAddress2></BillAddress2>
        <BillPhoneNumber>090-1234-5678</BillPhoneNumber>
        <BillMailAddress>12345678@ybb.example.ne.jp</BillMailAddress>
      </Pay>
      <Ship>
        <ShipStatus>1</ShipStatus>
        <ShipMethodName>宅配便</ShipMethodName>
        <ShipRequestDate>20250305</ShipRequestDate>
        <ShipRequestTime>14:00-16:00</ShipRequestTime>
        <ShipFirstName>一郎</ShipFirstName>
        <ShipLastName>鈴木</ShipLastName>
        <ShipFirstNameKana>イチロウ</ShipFirstNameKana>
        <ShipLastNameKana>スズキ</ShipLastNameKana>
        <ShipZipCode>5300001</ShipZipCode>
        <ShipPrefecture>大阪府</ShipPrefecture>
        <ShipCity>大阪市北区</ShipCity>
        <ShipAddress1>梅田1-1-1</ShipAddress1>
        <ShipAddress2>サンハイツ 105</ShipAddress2>
        <ShipPhoneNumber>06-1234-5678</ShipPhoneNumber>
      </Ship>
      <Detail>
        <PayCharge>0</PayCharge>
        <ShipCharge>660</ShipCharge>
        <GiftWrapCharge>0</GiftWrapCharge>
        <Discount>0</Discount>
        <UsePoint>100</UsePoint>
        <GiftCardDiscount>0</GiftCardDiscount>
        <TotalMallCouponDiscount>0</TotalMallCouponDiscount>
        <TotalPrice>3800</TotalPrice>
      </Detail>
      <Item>
        <LineId>1</LineId>
        <ItemId>tea-sencha-100</ItemId>
        <Title>静岡煎茶 100g</Title>
        <SubCode></SubCode>
        <UnitPrice>1080</UnitPrice>
        <Quantity>1</Quantity>
        <ItemTaxRatio>8</ItemTaxRatio>
      </Item>
      <Item>
        <LineId>2</LineId>
        <ItemId>cup-yunomi</ItemId>
        <Title>有田焼 湯呑み 青</Title>
        <SubCode>ao</SubCode>
        <UnitPrice>2160</UnitPrice>
        <Quantity>1</Quantity>
        <ItemTaxRatio>10</ItemTaxRatio>
      </Item>
    </OrderInfo>
  </Result>
</ResultSet>`;

function parseOrderInfo(xml: string) {
  const parsed = parser.parse(xml) as { ResultSet: { Result: { OrderInfo: unknown } } };
  return orderInfoSchema.parse(parsed.ResultSet.Result.OrderInfo);
}

describe("Yahoo! map: orderInfo → order input", () => {
  it("maps the documented example into Kura's order input", () => {
    const input = toOrderInput(parseOrderInfo(orderInfoAnswer), "raw");

    expect(input).toEqual({
      orderCode: "snbx-kura-10000001",
      channelStatus: "2",
      cancelledOnChannel: false,
      orderedAt: "2025-03-01T10:15:00+09:00",
      buyer: {
        name: "佐藤 花子",
        nameKana: "サトウ ハナコ",
        phone: "090-1234-5678",
        email: "12345678@ybb.example.ne.jp",
        postalCode: "154-0024",
        prefecture: "東京都",
        city: "世田谷区",
        address1: "三軒茶屋2-14-1",
        address2: undefined,
      },
      deliveryAddresses: [
        {
          name: "鈴木 一郎",
          nameKana: "スズキ イチロウ",
          phone: "06-1234-5678",
          postalCode: "530-0001",
          prefecture: "大阪府",
          city: "大阪市北区",
          address1: "梅田1-1-1",
          address2: "サンハイツ 105",
        },
      ],
      deliveryMethod: "宅配便",
      requestedDate: "2025-03-05",
      timeSlot: "14時～16時",
      paymentMethod: "クレジットカード決済",
      paymentConfirmed: true,
      lines: [
        {
          itemCode: "tea-sencha-100",
          optionCode: undefined,
          name: "静岡煎茶 100g",
          quantity: 1,
          unitPrice: 1080,
          taxRate: 8,
        },
        {
          itemCode: "cup-yunomi",
          optionCode: "ao",
          name: "有田焼 湯呑み 青",
          quantity: 1,
          unitPrice: 2160,
          taxRate: 10,
        },
      ],
      amounts: {
        subtotal: 3240,
        shippingFee: 660,
        paymentFee: 0,
        discount: 0,
        pointsUsed: 100,
        couponDiscount: 0,
        total: 3800,
        taxes: [
          { rate: 10, taxableAmount: 2820, taxAmount: 256 },
          { rate: 8, taxableAmount: 1080, taxAmount: 80 },
        ],
      },
      raw: "raw",
    });
    expect(orderInputSchema.safeParse(input).success).toBe(true);
  });

  it("says an order cancelled on Yahoo! (status 4) is cancelled on the channel", () => {
    const cancelled = orderInfoAnswer
      .replace("<OrderStatus>2</OrderStatus>", "<OrderStatus>4</OrderStatus>")
      .replace("<CancelReason></CancelReason>", "<CancelReason>200</CancelReason>");

    const input = toOrderInput(parseOrderInfo(cancelled));

    expect(input).toMatchObject({ channelStatus: "4", cancelledOnChannel: true });
  });

  it("reads a single <Item> as a one-line order", () => {
    const single = orderInfoAnswer.replace(/<Item>\s*<LineId>2[\s\S]*?<\/Item>/, "");

    expect(toOrderInput(parseOrderInfo(single)).lines).toHaveLength(1);
  });

  it("turns Yahoo!'s requested hours into the carriers' time slots", () => {
    expect(toTimeSlot("14:00-16:00")).toBe("14時～16時");
    expect(toTimeSlot("08:00-12:00")).toBe("8時～12時");
    expect(toTimeSlot("午前中")).toBe("午前中");
    expect(toTimeSlot("")).toBeUndefined();
  });
});

describe("Yahoo! map: what Kura sends", () => {
  it("writes the orderShipStatusChange request as documented", () => {
    const ship = toShipFields({
      orderCode: "snbx-kura-10000001",
      carrier: "ヤマト運輸",
      trackingNumber: "1234-5678-9012",
      shippedOn: "2025-03-02",
      idempotencyKey: "k",
    });

    const body = toRequestXml({
      Target: { OrderId: "snbx-kura-10000001", IsPointFix: "true" },
      Order: { Ship: ship },
      SellerId: "snbx-kura",
    });

    expect(body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Req><Target><OrderId>snbx-kura-10000001</OrderId><IsPointFix>true</IsPointFix></Target>' +
        "<Order><Ship><ShipStatus>3</ShipStatus><ShipCompanyCode>1001</ShipCompanyCode><ShipInvoiceNumber1>1234-5678-9012</ShipInvoiceNumber1>" +
        "<ShipDate>20250302</ShipDate></Ship></Order><SellerId>snbx-kura</SellerId></Req>",
    );
  });

  it("names carriers with Yahoo!'s company codes, anything unknown as その他", () => {
    expect(toShipCompanyCode("佐川急便")).toBe("1002");
    expect(toShipCompanyCode("日本郵便 ゆうパケット")).toBe("1003");
    expect(toShipCompanyCode("福山通運")).toBe("1006");
    expect(toShipCompanyCode("エコ配")).toBe("1000");
  });

  it("writes order-time conditions as YYYYMMDDHHMMSS in Japan time", () => {
    expect(toWireTime(new Date("2025-03-01T01:15:09.500Z"))).toBe("20250301101509");
  });

  it("reads Yahoo!'s error body", () => {
    const body =
      "<?xml version='1.0' encoding='UTF-8'?><Error><Message>AccessToken has been expired.</Message><Code>px-04102</Code></Error>";

    expect(readXmlError(body)).toEqual({ code: "px-04102", message: "AccessToken has been expired." });
  });
});
