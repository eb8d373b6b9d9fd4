import { describe, expect, it } from "vitest";
import { generateOrders } from "../../../simulators/test-channel/generate.ts";
import { orderInputSchema } from "../../domain/order-input.ts";
import {
  toOrderInput,
  toStockItemResult,
  toTimeSlot,
  toWireCarrier,
  toWireShipment,
  wireOrderSchema,
} from "./map.ts";

const wireOrder = {
  order_no: "TC-20250301-000042",
  status: "ready",
  ordered_at: "2025-03-01T10:15:00+09:00",
  updated_at: "2025-03-01T11:00:00+09:00",
  buyer: {
    family_name: "佐藤",
    given_name: "花子",
    family_name_kana: "サトウ",
    given_name_kana: "ハナコ",
    email: "buyer-1234@relay.test-channel.example",
    tel: "09012345678",
    zip: "1540024",
    pref: "東京都",
    city: "世田谷区",
    street: "三軒茶屋2-14-1",
    building: "グランドメゾン 302号室",
  },
  ship_to: [
    {
      family_name: "鈴木",
      given_name: "一郎",
      family_name_kana: null,
      given_name_kana: null,
      email: null,
      tel: "0612345678",
      zip: "5300001",
      pref: "大阪府",
      city: "大阪市北区",
      street: "梅田3-1-1",
      building: null,
    },
  ],
  delivery: { method: "宅配便", date: "2025-03-04", time_slot: "14-16" },
  payment: { method: "cod", method_name: "代金引換", status: "unpaid" },
  items: [
    { sku: "TEA-SENCHA-100", variant: null, name: "静岡煎茶 100g", qty: 2, price: 1080, tax_rate: 8 },
    { sku: "CUP-YUNOMI", variant: "AO", name: "有田焼 湯呑み 青", qty: 1, price: 2200, tax_rate: 10 },
  ],
  totals: {
    items: 4360,
    shipping: 660,
    cod_fee: 330,
    discount: 0,
    points: 100,
    coupon: 0,
    grand_total: 5250,
  },
  tax_summary: [
    { rate: 10, taxable: 3190, tax: 290 },
    { rate: 8, taxable: 2160, tax: 160 },
  ],
};

describe("test channel map: orders", () => {
  it("maps every generated order to a valid order input", () => {
    const orders = generateOrders({ count: 300, seed: 7 });

    const parsed = orders.map((order) =>
      orderInputSchema.safeParse(toOrderInput(wireOrderSchema.parse(order))),
    );

    expect(parsed.filter((result) => !result.success)).toEqual([]);
  });

  it("maps names, addresses, delivery, payment, lines and amounts", () => {
    const input = orderInputSchema.parse(toOrderInput(wireOrderSchema.parse(wireOrder)));

    expect(input).toMatchObject({
      orderCode: "TC-20250301-000042",
      channelStatus: "ready",
      orderedAt: new Date("2025-03-01T01:15:00Z"),
      buyer: {
        name: "佐藤 花子",
        nameKana: "サトウ ハナコ",
        postalCode: "154-0024",
        prefecture: "東京都",
        city: "世田谷区",
        address1: "三軒茶屋2-14-1",
        address2: "グランドメゾン 302号室",
      },
      deliveryAddresses: [{ name: "鈴木 一郎", postalCode: "530-0001", phone: "0612345678" }],
      deliveryMethod: "宅配便",
      requestedDate: "2025-03-04",
      timeSlot: "14時～16時",
      paymentMethod: "代金引換",
      paymentConfirmed: false,
      lines: [
        { itemCode: "TEA-SENCHA-100", name: "静岡煎茶 100g", quantity: 2, unitPrice: 1080, taxRate: 8 },
        { itemCode: "CUP-YUNOMI", optionCode: "AO", quantity: 1, unitPrice: 2200, taxRate: 10 },
      ],
      amounts: {
        subtotal: 4360,
        shippingFee: 660,
        paymentFee: 330,
        pointsUsed: 100,
        total: 5250,
        taxes: [
          { rate: 10, taxableAmount: 3190, taxAmount: 290 },
          { rate: 8, taxableAmount: 2160, taxAmount: 160 },
        ],
      },
      raw: wireOrder,
    });
    expect(input.deliveryAddresses[0]?.nameKana).toBeUndefined();
    expect(input.lines[0]?.optionCode).toBeUndefined();
  });

  it("writes time slots the way carriers list them", () => {
    expect(toTimeSlot("am")).toBe("午前中");
    expect(toTimeSlot("08-12")).toBe("8時～12時");
    expect(toTimeSlot("19-21")).toBe("19時～21時");
    expect(toTimeSlot("夜間")).toBe("夜間");
  });
});

describe("test channel map: shipments and stock", () => {
  it("maps Kura's carrier names to the channel's carrier codes", () => {
    expect(toWireCarrier("ヤマト運輸")).toBe("yamato");
    expect(toWireCarrier("佐川急便")).toBe("sagawa");
    expect(toWireCarrier("日本郵便")).toBe("japanpost");
    expect(toWireCarrier("ゆうパケット")).toBe("japanpost");
    expect(toWireCarrier("西濃運輸")).toBe("other");
  });

  it("sends the tracking number without hyphens or spaces", () => {
    const shipment = toWireShipment({
      orderCode: "TC-1",
      carrier: "ヤマト運輸",
      trackingNumber: "1234-5678-9012",
      shippedOn: "2025-03-02",
      idempotencyKey: "k",
    });

    expect(shipment).toEqual({
      order_no: "TC-1",
      carrier: "yamato",
      tracking_no: "123456789012",
      shipped_on: "2025-03-02",
    });
  });

  it("names why an item's stock was refused", () => {
    const unlimited = toStockItemResult({
      sku: "GIFT-CARD",
      variant: null,
      status: "rejected",
      error: { code: "unlimited_stock", message: "在庫数無制限の商品は在庫数を更新できません。" },
    });

    expect(unlimited).toEqual({
      itemCode: "GIFT-CARD",
      status: "rejected",
      reason: "unlimited",
      code: "unlimited_stock",
      channelMessage: "在庫数無制限の商品は在庫数を更新できません。",
    });
  });
});
