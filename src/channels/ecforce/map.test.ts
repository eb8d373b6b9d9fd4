// Contract tests: ecforce's JSON:API examples as channel-apis.md §3 reads them, pinned with what Kura makes of
// them; the wire side of what Kura sends is pinned in connector.test.ts against the simulator.
import { describe, expect, it } from "vitest";
import { orderInputSchema } from "../../domain/order-input.ts";
import { readEcforceError } from "./client.ts";
import {
  findCarrierId,
  isDueForShipment,
  nextJstMidnight,
  pageSchema,
  toOrderInput,
  toStockItemResult,
  toWireTime,
} from "./map.ts";

const ordersPage = {
  data: [
    {
      id: "42",
      type: "order",
      attributes: {
        number: "100042",
        state: "new",
        human_state: "新規受付",
        payment_state: "authed",
        payment_method_name: "クレジットカード",
        email: "hanako@example.jp",
        subtotal: 5480,
        discount: 0,
        point: 100,
        deliv_fee: 0,
        charge: 0,
        tax: 480,
        total: 5380,
        payment_total: 5380,
        shipping_carrier_id: 1,
        shipping_carrier_name: "ヤマト運輸",
        shipping_slip: null,
        scheduled_to_be_shipped_at: "2025/03/02 00:00:00",
        scheduled_to_be_delivered_at: "2025/03/04 00:00:00",
        scheduled_delivery_time: "14時〜16時",
        shipped_at: null,
        created_at: "2025/03/01 10:15:00",
        updated_at: "2025/03/01 10:20:00",
      },
      relationships: {
        billing_address: { data: { id: "7", type: "address" } },
        shipping_address: { data: { id: "8", type: "address" } },
        order_items: {
          data: [
            { id: "91", type: "order_item" },
            { id: "92", type: "order_item" },
          ],
        },
      },
    },
  ],
  included: [
    {
      id: "7",
      type: "address",
      attributes: {
        name01: "佐藤",
        name02: "花子",
        kana01: "サトウ",
        kana02: "ハナコ",
        zip01: "154",
        zip02: "0024",
        prefecture_name: "東京都",
        addr01: "世田谷区三軒茶屋",
        addr02: "2-14-1",
        addr03: "",
        tel01: "090",
        tel02: "1234",
        tel03: "5678",
      },
    },
    {
      id: "8",
      type: "address",
      attributes: {
        name01: "鈴木",
        name02: "一郎",
        kana01: "スズキ",
        kana02: "イチロウ",
        zip01: "530",
        zip02: "0001",
        prefecture_name: "大阪府",
        addr01: "大阪市北区梅田",
        addr02: "1-1-1",
        addr03: "サンハイツ 105",
        tel01: "06",
        tel02: "1234",
        tel03: "5678",
      },
    },
    {
      id: "91",
      type: "order_item",
      attributes: {
        variant_sku: "SERUM-30ML",
        product_name: "美容液 30mL",
        price: 4400,
        quantity: 1,
        tax_rate: 10,
      },
    },
    {
      id: "92",
      type: "order_item",
      attributes: {
        variant_sku: "TEA-SENCHA-100",
        product_name: "静岡煎茶 100g",
        price: 1080,
        quantity: 1,
        tax_rate: 8,
      },
    },
  ],
  meta: { total_count: 1, page: 1, per: 100, count: 1, total_pages: 1 },
  links: { self: "/api/v2/admin/orders.json?page=1", first: null, prev: null, next: null, last: null },
};

function mapFirst(page: unknown, cancelledStates = ["canceled"]) {
  const parsed = pageSchema.parse(page);
  const included = new Map(parsed.included.map((r) => [`${r.type}:${r.id}`, r]));
  return toOrderInput(parsed.data[0] as (typeof parsed.data)[number], included, { cancelledStates });
}

describe("ecforce map: orders", () => {
  it("maps an order with its included addresses and items into Kura's order input", () => {
    const input = mapFirst(ordersPage);

    expect(input).toMatchObject({
      orderCode: "100042",
      channelStatus: "new",
      cancelledOnChannel: false,
      orderedAt: "2025-03-01T10:15:00+09:00",
      buyer: {
        name: "佐藤 花子",
        nameKana: "サトウ ハナコ",
        phone: "090-1234-5678",
        email: "hanako@example.jp",
        postalCode: "154-0024",
        prefecture: "東京都",
        city: "世田谷区三軒茶屋",
        address1: "2-14-1",
      },
      deliveryAddresses: [
        {
          name: "鈴木 一郎",
          postalCode: "530-0001",
          prefecture: "大阪府",
          city: "大阪市北区梅田",
          address1: "1-1-1",
          address2: "サンハイツ 105",
        },
      ],
      deliveryMethod: "ヤマト運輸",
      requestedDate: "2025-03-04",
      timeSlot: "14時〜16時",
      paymentMethod: "クレジットカード",
      paymentConfirmed: true,
      lines: [
        { itemCode: "SERUM-30ML", name: "美容液 30mL", quantity: 1, unitPrice: 4400, taxRate: 10 },
        { itemCode: "TEA-SENCHA-100", name: "静岡煎茶 100g", quantity: 1, unitPrice: 1080, taxRate: 8 },
      ],
      amounts: {
        subtotal: 5480,
        shippingFee: 0,
        paymentFee: 0,
        discount: 0,
        pointsUsed: 100,
        total: 5380,
        taxes: [
          { rate: 10, taxableAmount: 4400, taxAmount: 400 },
          { rate: 8, taxableAmount: 1080, taxAmount: 80 },
        ],
      },
    });
    expect(orderInputSchema.safeParse(input).success).toBe(true);
  });

  it("says an order in one of the store's cancelled states is cancelled on the channel", () => {
    const cancelled = structuredClone(ordersPage);
    (cancelled.data[0] as { attributes: { state: string } }).attributes.state = "cancel_by_customer";

    expect(mapFirst(cancelled, ["canceled", "cancel_by_customer"]).cancelledOnChannel).toBe(true);
    expect(mapFirst(cancelled).cancelledOnChannel).toBe(false);
  });

  it("knows an order is due when its scheduled ship date is today or earlier (or has none)", () => {
    const [order] = pageSchema.parse(ordersPage).data;
    if (!order) throw new Error("no order");

    expect(isDueForShipment(order, "2025-03-02")).toBe(true);
    expect(isDueForShipment(order, "2025-03-01")).toBe(false);
    expect(
      isDueForShipment({ ...order, attributes: { scheduled_to_be_shipped_at: null } }, "2025-03-01"),
    ).toBe(true);
  });
});

describe("ecforce map: wire details", () => {
  it("writes ransack times as YYYY-MM-DD HH:MM:SS in Japan time, days turning at JST midnight", () => {
    expect(toWireTime(new Date("2025-03-01T15:30:00Z"))).toBe("2025-03-02 00:30:00");
    expect(nextJstMidnight(new Date("2025-03-01T15:30:00Z")).toISOString()).toBe("2025-03-02T15:00:00.000Z");
    expect(nextJstMidnight(new Date("2025-03-01T15:00:00Z")).toISOString()).toBe("2025-03-01T15:00:00.000Z");
  });

  it("finds the shop's carrier by name", () => {
    const carriers = [
      { id: 1, attributes: { name: "ヤマト運輸" } },
      { id: 3, attributes: { name: "日本郵便" } },
    ];

    expect(findCarrierId(carriers, "ヤマト運輸")).toBe(1);
    expect(findCarrierId(carriers, "日本郵便 ゆうパック")).toBe(3);
    expect(findCarrierId(carriers, "西濃運輸")).toBeUndefined();
  });

  it("reads a bulk stock answer per item", () => {
    const answer = {
      success: ["TEA-SENCHA-100"],
      failure: ["NOPE"],
      errors: [{ id: "NOPE", code: "AST1001", message: "SKU NOPE は存在しません。" }],
    };

    expect(toStockItemResult({ itemCode: "TEA-SENCHA-100", quantity: 3 }, { ...answer })).toEqual({
      itemCode: "TEA-SENCHA-100",
      status: "updated",
    });
    expect(toStockItemResult({ itemCode: "NOPE", quantity: 3 }, answer)).toEqual({
      itemCode: "NOPE",
      status: "rejected",
      reason: "not_found",
      channelMessage: "SKU NOPE は存在しません。",
      code: "AST1001",
    });
  });

  it("reads ecforce's error body", () => {
    expect(readEcforceError({ errors: [{ code: "ASS1001", message: "認証に失敗しました。" }] })).toEqual({
      code: "ASS1001",
      message: "認証に失敗しました。",
    });
  });
});
