// Contract tests: examples in the documented RMS shapes (written in our own words), pinned, so a mapping
// change that would break the wire format fails here.
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { orderInputSchema } from "../../domain/order-input.ts";
import {
  alreadyShipped,
  fromRmsDateTime,
  inventoryErrorsByIndex,
  passesPaymentFilter,
  pendingTooLong,
  productsFromItemCsv,
  rakutenOptionsSchema,
  readRmsError,
  requestAcceptedAt,
  searchedStatuses,
  toChannelProducts,
  toDeliveryCompany,
  toOrderInput,
  toRejectedStock,
  toRmsDateTime,
  toShipmentResult,
  toShippingOrder,
  toTimeSlot,
  toWireInventory,
  wireItemSearchSchema,
  wireOrderSchema,
} from "./map.ts";

/** A getOrder (version 10) OrderModel of a two-line SKU order, cash on delivery, points and a coupon. */
const orderModel = {
  orderNumber: "338512-20261120-00000042",
  orderProgress: 300,
  subStatusId: null,
  orderDatetime: "2026-11-20T10:15:30+0900",
  shopOrderCfmDatetime: "2026-11-20T10:20:00+0900",
  deliveryDate: "2026-11-24",
  shippingTerm: 1416,
  remarks: "[配送日時指定:]\n2026-11-24(火) 14:00-16:00",
  goodsPrice: 4360,
  postagePrice: 660,
  deliveryPrice: 330,
  paymentCharge: 0,
  totalPrice: 5020,
  requestPrice: 4900,
  couponAllTotalPrice: 100,
  OrdererModel: {
    zipCode1: "154",
    zipCode2: "0024",
    prefecture: "東京都",
    city: "世田谷区",
    subAddress: "三軒茶屋2-14-1 サンハイツ105",
    familyName: "佐藤",
    firstName: "花子",
    familyNameKana: "サトウ",
    firstNameKana: "ハナコ",
    phoneNumber1: "090",
    phoneNumber2: "1234",
    phoneNumber3: "5678",
    emailAddress: "a1b2c3d4@fw.rakuten.ne.jp",
  },
  SettlementModel: { settlementMethodCode: 2, settlementMethod: "代金引換", rpaySettlementFlag: 1 },
  DeliveryModel: { deliveryName: "宅配便", deliveryClass: 0 },
  PointModel: { usedPoint: 300 },
  PackageModelList: [
    {
      basketId: 4200,
      postagePrice: 660,
      deliveryPrice: 330,
      goodsPrice: 4360,
      totalPrice: 5020,
      SenderModel: {
        zipCode1: "530",
        zipCode2: "0001",
        prefecture: "大阪府",
        city: "大阪市北区",
        subAddress: "梅田1-1-1",
        familyName: "鈴木",
        firstName: "一郎",
        familyNameKana: "スズキ",
        firstNameKana: "イチロウ",
        phoneNumber1: "06",
        phoneNumber2: "1234",
        phoneNumber3: "5678",
        isolatedIslandFlag: 0,
      },
      ItemModelList: [
        {
          itemDetailId: 1,
          itemName: "静岡煎茶 100g",
          itemId: 10001,
          itemNumber: "tea-sencha",
          manageNumber: "tea-sencha",
          price: 1080,
          units: 2,
          includeTaxFlag: 1,
          taxRate: 0.08,
          priceTaxIncl: 1080,
          deleteItemFlag: 0,
          SkuModelList: [
            { variantId: "100g", merchantDefinedSkuId: "TEA-SENCHA-100", skuInfo: "内容量:100g" },
          ],
        },
        {
          itemDetailId: 2,
          itemName: "有田焼 湯呑み 青",
          itemId: 10004,
          itemNumber: "yunomi",
          manageNumber: "yunomi",
          price: 2200,
          units: 1,
          includeTaxFlag: 1,
          taxRate: 0.1,
          priceTaxIncl: 2200,
          deleteItemFlag: 0,
          SkuModelList: [{ variantId: "ao", merchantDefinedSkuId: "CUP-AO", skuInfo: "色:青" }],
        },
        {
          itemDetailId: 3,
          itemName: "削除された明細",
          itemId: 10005,
          itemNumber: "tenugui",
          manageNumber: "tenugui",
          price: 1320,
          units: 1,
          taxRate: 0.1,
          deleteItemFlag: 1,
          SkuModelList: [{ variantId: "koi" }],
        },
      ],
      ShippingModelList: [],
    },
  ],
  TaxSummaryModelList: [
    {
      taxRate: 0.1,
      reqPrice: 2790,
      reqPriceTax: 253,
      totalPrice: 3190,
      paymentCharge: 0,
      couponPrice: 100,
      point: 300,
    },
    {
      taxRate: 0.08,
      reqPrice: 2160,
      reqPriceTax: 160,
      totalPrice: 2160,
      paymentCharge: 0,
      couponPrice: 0,
      point: 0,
    },
  ],
};

const options = rakutenOptionsSchema.parse({});

/** getResultUpdateOrderShippingAsync answers: none yet, applied, refused for the order. */
const wireShippingResultExample = {
  pending: {
    ResultShippingModelList: [
      {
        MessageModelList: [
          {
            messageType: "INFO",
            messageCode: "ORDER_EXT_API_GET_RESULT_UPDATEORDERSHIPPING_ASYNC_INFO_101",
            message: "指定されたリクエストIDの処理結果は存在しませんでした。",
          },
        ],
      },
    ],
  },
  done: {
    ResultShippingModelList: [
      {
        orderNumber: "338512-20261120-00000042",
        MessageModelList: [
          {
            messageType: "INFO",
            messageCode: "ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101",
            message: "発送情報の追加に成功しました。",
            orderNumber: "338512-20261120-00000042",
            dataNumber: 1,
            shippingDetailId: 77,
          },
        ],
      },
    ],
  },
  cancelled: {
    ResultShippingModelList: [
      {
        orderNumber: "338512-20261120-00000042",
        MessageModelList: [
          {
            messageType: "ERROR",
            messageCode: "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_102",
            message: "キャンセルされた注文のため、発送情報を更新できません。",
            orderNumber: "338512-20261120-00000042",
            dataNumber: 1,
          },
        ],
      },
    ],
  },
};

describe("reading a getOrder OrderModel", () => {
  it("maps buyer, recipient, lines by SKU, delivery, payment and amounts into Kura's order input", () => {
    const input = toOrderInput(wireOrderSchema.parse(orderModel), orderModel);

    expect({ ...input, raw: undefined }).toEqual({
      orderCode: "338512-20261120-00000042",
      channelStatus: "300",
      cancelledOnChannel: false,
      orderedAt: "2026-11-20T01:15:30.000Z",
      buyer: {
        name: "佐藤 花子",
        nameKana: "サトウ ハナコ",
        phone: "090-1234-5678",
        email: "a1b2c3d4@fw.rakuten.ne.jp",
        postalCode: "154-0024",
        prefecture: "東京都",
        city: "世田谷区",
        address1: "三軒茶屋2-14-1 サンハイツ105",
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
        },
      ],
      deliveryMethod: "宅配便",
      requestedDate: "2026-11-24",
      timeSlot: "14時～16時",
      paymentMethod: "代金引換",
      paymentConfirmed: true,
      lines: [
        {
          itemCode: "tea-sencha",
          optionCode: "100g",
          name: "静岡煎茶 100g",
          quantity: 2,
          unitPrice: 1080,
          taxRate: 8,
        },
        {
          itemCode: "yunomi",
          optionCode: "ao",
          name: "有田焼 湯呑み 青",
          quantity: 1,
          unitPrice: 2200,
          taxRate: 10,
        },
      ],
      amounts: {
        subtotal: 4360,
        shippingFee: 660,
        paymentFee: 330,
        pointsUsed: 300,
        couponDiscount: 100,
        total: 4900,
        taxes: [
          { rate: 10, taxableAmount: 2790, taxAmount: 253 },
          { rate: 8, taxableAmount: 2160, taxAmount: 160 },
        ],
      },
    });
    expect(input.raw).toBe(orderModel);
    expect(orderInputSchema.safeParse(input).success).toBe(true);
  });

  it("marks cancelled progress codes (800, 900) as cancelled on the channel", () => {
    for (const [progress, cancelled] of [
      [300, false],
      [400, false],
      [800, true],
      [900, true],
    ] as const) {
      const input = toOrderInput(wireOrderSchema.parse({ ...orderModel, orderProgress: progress }));
      expect(input.cancelledOnChannel).toBe(cancelled);
      expect(input.channelStatus).toBe(String(progress));
    }
  });

  it("counts a bank transfer as paid only once RMS moved the order to 300", () => {
    const bank = {
      ...orderModel,
      SettlementModel: { settlementMethodCode: 9, settlementMethod: "銀行振込" },
    };
    expect(toOrderInput(wireOrderSchema.parse({ ...bank, orderProgress: 100 })).paymentConfirmed).toBe(false);
    expect(toOrderInput(wireOrderSchema.parse({ ...bank, orderProgress: 300 })).paymentConfirmed).toBe(true);
  });

  it("reads amounts RMS has not fixed yet (-9999) as 0", () => {
    const input = toOrderInput(
      wireOrderSchema.parse({ ...orderModel, postagePrice: -9999, requestPrice: -9999 }),
    );
    expect(input.amounts).toMatchObject({ shippingFee: 0, total: 0 });
  });

  it("turns shippingTerm codes into the carriers' time-slot strings", () => {
    expect([0, null, 1, 2, 9, 812, 1416, 1618, 1820, 1921, 708].map(toTimeSlot)).toEqual([
      undefined,
      undefined,
      "午前中",
      "午後",
      "その他",
      "午前中",
      "14時～16時",
      "16時～18時",
      "18時～20時",
      "19時～21時",
      "7時～8時",
    ]);
  });

  it("writes and reads the order API's date-time without a colon in the offset", () => {
    expect(toRmsDateTime(new Date("2026-11-20T01:15:30Z"))).toBe("2026-11-20T10:15:30+0900");
    expect(fromRmsDateTime("2026-11-20T10:15:30+0900").toISOString()).toBe("2026-11-20T01:15:30.000Z");
  });
});

describe("which orders a store imports", () => {
  it("searches the statuses of every payment method, plus changes and cancellations", () => {
    const store = rakutenOptionsSchema.parse({ paymentStatuses: { default: [300], 銀行振込: [100, 300] } });
    expect(searchedStatuses(store)).toEqual([100, 300, 400, 800, 900]);
  });

  it("filters by the payment method's statuses, the default for the others", () => {
    const store = rakutenOptionsSchema.parse({ paymentStatuses: { default: [300], 銀行振込: [100, 300] } });
    const order = (progress: number, method: string) =>
      wireOrderSchema.parse({
        ...orderModel,
        orderProgress: progress,
        SettlementModel: { settlementMethodCode: 1, settlementMethod: method },
      });
    expect(passesPaymentFilter(order(100, "銀行振込"), store)).toBe(true);
    expect(passesPaymentFilter(order(100, "クレジットカード決済"), store)).toBe(false);
    expect(passesPaymentFilter(order(900, "クレジットカード決済"), store)).toBe(true);
  });

  it("requires the default entry of the payment-method statuses, and a window of 1–64 days", () => {
    const noDefault = rakutenOptionsSchema.safeParse({ paymentStatuses: { 銀行振込: [300] } });
    expect(noDefault.error?.issues[0]?.message).toMatch(/default/);
    expect(rakutenOptionsSchema.safeParse({ shippingWindowDays: 65 }).error?.issues[0]?.message).toBe(
      "must be 1–64 days",
    );
    expect(options).toMatchObject({ shippingWindowDays: 14, paymentStatuses: { default: [100, 200, 300] } });
  });
});

describe("the shipment notice", () => {
  it("sends carrier code, tracking number and ship date for every basket", () => {
    const wire = toShippingOrder(
      {
        orderCode: "338512-20261120-00000042",
        carrier: "ヤマト運輸",
        trackingNumber: "1234-5678-9012",
        shippedOn: "2026-11-21",
        idempotencyKey: "k",
      },
      [4200, 4201],
    );
    expect(wire).toEqual({
      orderNumber: "338512-20261120-00000042",
      BasketidModelList: [
        {
          basketId: 4200,
          ShippingModelList: [
            { deliveryCompany: "1001", shippingNumber: "123456789012", shippingDate: "2026-11-21" },
          ],
        },
        {
          basketId: 4201,
          ShippingModelList: [
            { deliveryCompany: "1001", shippingNumber: "123456789012", shippingDate: "2026-11-21" },
          ],
        },
      ],
    });
  });

  it("maps Kura's carrier names to RMS's delivery company codes", () => {
    expect(
      [
        "ヤマト運輸",
        "佐川急便",
        "日本郵便",
        "ゆうパック",
        "西濃運輸",
        "福山通運",
        "ヤマト運輸 クロネコゆうパケット",
        "謎の運送",
      ].map((name) => toDeliveryCompany(name)),
    ).toEqual(["1001", "1002", "1003", "1003", "1004", "1006", "1030", "1000"]);
    expect(toDeliveryCompany("自社便", { 自社便: "1016" })).toBe("1016");
  });

  it("knows when a basket already carries the tracking number", () => {
    const shipped = wireOrderSchema.parse({
      ...orderModel,
      PackageModelList: [
        {
          ...orderModel.PackageModelList[0],
          ShippingModelList: [
            { shippingDetailId: 9, shippingNumber: "123456789012", deliveryCompany: "1001" },
          ],
        },
      ],
    });
    expect(alreadyShipped(shipped, "1234-5678-9012")).toBe(true);
    expect(alreadyShipped(shipped, "999")).toBe(false);
  });

  it("reads the async result: pending while RMS has none, done, or the order's own error", () => {
    expect(toShipmentResult(wireShippingResultExample.pending)).toEqual({ status: "pending" });
    expect(toShipmentResult(wireShippingResultExample.done)).toEqual({ status: "done" });
    expect(toShipmentResult(wireShippingResultExample.cancelled)).toEqual({
      status: "rejected",
      kind: "invalid",
      code: "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_102",
      channelMessage: "キャンセルされた注文のため、発送情報を更新できません。",
    });
  });
});

describe("a shipping request without a result", () => {
  it("is given up a day after RMS accepted it, read from the request id", () => {
    const id = "ede66c43-0000-4000-8000-000000000001_20261121120000";
    expect(requestAcceptedAt(id)?.toISOString()).toBe("2026-11-21T03:00:00.000Z");
    expect(pendingTooLong(id, 86_400_000, new Date("2026-11-22T02:59:00Z"))).toBeUndefined();
    expect(pendingTooLong(id, 86_400_000, new Date("2026-11-22T03:01:00Z"))).toMatchObject({
      status: "rejected",
      channelMessage: expect.stringMatching(/RMS has no result for request/),
    });
  });
});

describe("stock", () => {
  it("sends absolute quantities per manageNumber and variantId", () => {
    expect(toWireInventory({ itemCode: "yunomi", optionCode: "ao", quantity: 12 })).toEqual({
      manageNumber: "yunomi",
      variantId: "ao",
      mode: "ABSOLUTE",
      quantity: 12,
    });
    expect(toWireInventory({ itemCode: "yunomi", quantity: 12 })).toBeUndefined();
  });

  it("reads a refused batch by row, unlimited-stock items apart", () => {
    const refused = inventoryErrorsByIndex({
      errors: [
        {
          code: "IE0105",
          message: "在庫設定なしの商品の在庫は更新できません。",
          metadata: { propertyPath: "inventories[1]" },
        },
        {
          code: "IE0003",
          message: "quantity must be between 0 and 99999.",
          metadata: { propertyPath: "inventories[3].quantity" },
        },
      ],
    });
    expect([...refused.keys()]).toEqual([1, 3]);
    const [unlimited, range] = [...refused.values()].map((e) =>
      toRejectedStock({ itemCode: "x", optionCode: "y", quantity: 1 }, e),
    );
    expect(unlimited).toMatchObject({ status: "rejected", reason: "unlimited", code: "IE0105" });
    expect(range).toMatchObject({ status: "rejected", reason: "invalid", code: "IE0003" });
  });
});

describe("the product master", () => {
  it("makes one product per SKU of items.search, coded by the system SKU number", () => {
    const answer = wireItemSearchSchema.parse({
      numFound: 2,
      offset: 0,
      nextCursorMark: "AoE",
      results: [
        {
          item: {
            manageNumber: "yunomi",
            itemNumber: "yunomi",
            title: "有田焼 湯呑み",
            unlimitedInventoryFlag: false,
            payment: { taxIncluded: true, taxRate: "0.1", cashOnDeliveryFeeIncluded: false },
            variants: {
              ao: { merchantDefinedSkuId: "CUP-AO", selectorValues: { color: "青" }, standardPrice: "2200" },
              aka: { selectorValues: { color: "赤" }, standardPrice: 2200 },
            },
          },
        },
        { item: { manageNumber: "deleted-item" } },
      ],
    });
    expect(answer.results.flatMap(toChannelProducts).map(({ raw: _raw, ...p }) => p)).toEqual([
      {
        itemCode: "yunomi",
        optionCode: "ao",
        productCode: "CUP-AO",
        name: "有田焼 湯呑み 青",
        price: 2200,
        unlimitedStock: false,
      },
      {
        itemCode: "yunomi",
        optionCode: "aka",
        productCode: "yunomi-aka",
        name: "有田焼 湯呑み 赤",
        price: 2200,
        unlimitedStock: false,
      },
    ]);
  });

  it("reads the RMS item CSV and its option CSV in Shift_JIS", () => {
    const itemCsv = iconv.encode(
      '"コントロールカラム","商品管理番号（商品URL）","商品番号","商品名","販売価格","在庫タイプ","在庫数"\r\n' +
        '"n","tea-sencha","tea-sencha","静岡煎茶 100g","1080","1","10"\r\n' +
        '"n","gift-card","gift-card","ギフトカード","1000","0",""\r\n' +
        '"n","yunomi","yunomi","有田焼 湯呑み","2200","2",""\r\n',
      "Shift_JIS",
    );
    expect(productsFromItemCsv(itemCsv).map(({ raw: _raw, ...p }) => p)).toEqual([
      {
        itemCode: "tea-sencha",
        productCode: "tea-sencha",
        name: "静岡煎茶 100g",
        price: 1080,
        unlimitedStock: false,
      },
      {
        itemCode: "gift-card",
        productCode: "gift-card",
        name: "ギフトカード",
        price: 1000,
        unlimitedStock: true,
      },
    ]);
    const selectCsv = iconv.encode(
      '"項目選択肢用コントロールカラム","商品管理番号（商品URL）","選択肢タイプ","項目選択肢別在庫用横軸選択肢","項目選択肢別在庫用横軸選択肢子番号","項目選択肢別在庫用縦軸選択肢","項目選択肢別在庫用縦軸選択肢子番号"\r\n' +
        '"n","yunomi","i","青","-ao","",""\r\n' +
        '"n","yunomi","s","","","",""\r\n',
      "Shift_JIS",
    );
    expect(productsFromItemCsv(selectCsv).map(({ raw: _raw, ...p }) => p)).toEqual([
      {
        itemCode: "yunomi",
        optionCode: "-ao",
        productCode: "yunomi-ao",
        name: "yunomi 青",
        unlimitedStock: false,
      },
    ]);
  });

  it("refuses a file that is not an RMS item CSV, saying which column is missing", () => {
    expect(() => productsFromItemCsv(Buffer.from("code,name\nA,B\n"))).toThrow(/商品管理番号（商品URL）/);
  });
});

describe("RMS error bodies", () => {
  it("reads the system, order API and REST error shapes", () => {
    expect(readRmsError({ Results: { errorCode: "ES01-01", message: "Un-Authorised" } })).toEqual({
      code: "ES01-01",
      message: "Un-Authorised",
    });
    expect(
      readRmsError({
        MessageModelList: [
          {
            messageType: "ERROR",
            messageCode: "ORDER_EXT_API_SEARCH_ORDER_ERROR_009",
            message: "期間検索種別を指定してください。",
          },
        ],
      }),
    ).toEqual({ code: "ORDER_EXT_API_SEARCH_ORDER_ERROR_009", message: "期間検索種別を指定してください。" });
    expect(
      readRmsError({
        errors: [{ code: "IE0004", message: "Max length of manageNumber must be within 32 bytes." }],
      }),
    ).toEqual({
      code: "IE0004",
      message: "Max length of manageNumber must be within 32 bytes.",
    });
  });
});
