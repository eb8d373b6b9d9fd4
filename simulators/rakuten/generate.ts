// Realistic, reproducible Rakuten orders and items: Japanese names with kana, real postal codes split into
// their 3 + 4 parts, an SKU-model catalog with 8% (food) and 10% tax, points, coupons and totals that add up
// as RMS adds them. Also writes the RMS item CSV (Shift_JIS) of a catalog, for the CSV upload path.
import iconv from "iconv-lite";
import { buyerPool, type Dice, instantBetween, sampleBuyer, seededDice } from "../kit/sample.ts";
import type {
  ItemModel,
  ItemRecord,
  OrderModel,
  OrderProgress,
  PackageModel,
  PersonModel,
  TaxSummaryModel,
} from "./wire.ts";

/** The buyers Rakuten's seeds were first drawn from: the kit's pool but two given names and two towns. */
const buyers = buyerPool({
  familyNames: 10,
  givenNames: ["花子", "一郎", "美咲", "健太", "さくら", "翔太", "陽菜", "結衣"],
  towns: ["1540024", "1500001", "5300001", "4600008", "8120011", "0600001", "6008216", "9000006"],
});

const buildings = ["", "", "", " グランドメゾン302号室", " サンハイツ105", " パークタワー1204号室"];

/** The default shop's items on the SKU model: manageNumber → variants, one with unlimited stock. */
export const defaultItems: ItemRecord[] = [
  item("tea-sencha", "静岡煎茶 100g", "0.08", { "100g": ["TEA-SENCHA-100", 1080] }),
  item("tea-hojicha", "ほうじ茶 100g", "0.08", { "100g": ["TEA-HOJI-100", 864] }),
  item("tea-matcha", "宇治抹茶 30g", "0.08", { "30g": ["TEA-MATCHA-30", 1620] }),
  item("yunomi", "有田焼 湯呑み", "0.1", { ao: ["CUP-AO", 2200], aka: ["CUP-AKA", 2200] }),
  item("tenugui", "手ぬぐい", "0.1", { koi: ["TENUGUI-KOI", 1320] }),
  {
    ...item("gift-card", "ギフトカード", "0.1", { "1000": ["GIFT-CARD", 1000] }),
    unlimitedInventoryFlag: true,
  },
];

function item(
  manageNumber: string,
  title: string,
  taxRate: string,
  variants: Record<string, [string, number]>,
): ItemRecord {
  return {
    manageNumber,
    itemNumber: manageNumber,
    title,
    itemType: "NORMAL",
    genreId: "201198",
    hideItem: false,
    unlimitedInventoryFlag: false,
    payment: { taxIncluded: true, taxRate, cashOnDeliveryFeeIncluded: false },
    variants: Object.fromEntries(
      Object.entries(variants).map(([variantId, [sku, price]]) => [
        variantId,
        {
          merchantDefinedSkuId: sku,
          selectorValues: { variant: variantId },
          standardPrice: String(price),
          hidden: false,
        },
      ]),
    ),
    created: "2024-04-01T10:00:00+09:00",
    updated: "2024-04-01T10:00:00+09:00",
  };
}

const settlements = [
  { code: 1, name: "クレジットカード決済", weight: 6 },
  { code: 2, name: "代金引換", weight: 2 },
  { code: 9, name: "銀行振込", weight: 1 },
  { code: 21, name: "後払い決済", weight: 1 },
] as const;

const deliveries = [
  { name: "宅配便", terms: [0, 0, 812, 1416, 1618, 1820, 1921] },
  { name: "メール便", terms: [0] },
] as const;

export interface GenerateOptions {
  count: number;
  /** orderDatetime spread over [from, to). Default: the last 3 days. */
  from?: Date;
  to?: Date;
  /** Progress of every generated order; default 100 (注文確認待ち), as new orders arrive. */
  progress?: OrderProgress;
  seed?: number;
  shopId: string;
  firstSerial: number;
  items?: ItemRecord[];
}

export function generateOrders(options: GenerateOptions): OrderModel[] {
  const dice = seededDice(options.seed ?? 1);
  const { random, pick } = dice;
  const to = options.to ?? new Date();
  const from = options.from ?? new Date(to.getTime() - 3 * 86_400_000);
  const skus = (options.items ?? defaultItems).flatMap((it) =>
    Object.entries(it.variants).map(([variantId, v]) => ({ item: it, variantId, variant: v })),
  );
  const settlementPool = settlements.flatMap((s) => Array.from({ length: s.weight }, () => s));

  return Array.from({ length: options.count }, (_, index): OrderModel => {
    const orderedAt = instantBetween(random, from, to);
    const serial = options.firstSerial + index;
    const orderNumber = `${options.shopId}-${jstDate(orderedAt).replaceAll("-", "")}-${String(serial).padStart(8, "0")}`;
    const settlement = pick(settlementPool);
    const delivery = pick(deliveries);
    const buyer = person(dice);
    const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i): ItemModel => {
      const sku = pick(skus);
      const price = Number(sku.variant.standardPrice ?? 0);
      const taxRate = Number(sku.item.payment.taxRate ?? "0.1");
      return {
        itemDetailId: serial * 10 + i,
        itemName: `${sku.item.title} ${sku.variantId}`,
        itemId: 10_000 + skus.indexOf(sku),
        itemNumber: sku.item.itemNumber ?? sku.item.manageNumber,
        manageNumber: sku.item.manageNumber,
        price,
        units: 1 + Math.floor(random() * 3),
        includePostageFlag: 0,
        includeTaxFlag: 1,
        includeCashOnDeliveryPostageFlag: 0,
        selectedChoice: null,
        taxRate,
        priceTaxIncl: price,
        restoreInventoryFlag: 1,
        deleteItemFlag: 0,
        isSingleItemShipping: 0,
        SkuModelList: [
          {
            variantId: sku.variantId,
            merchantDefinedSkuId: sku.variant.merchantDefinedSkuId ?? null,
            skuInfo: `種類:${sku.variantId}`,
          },
        ],
      };
    });
    const goodsPrice = lines.reduce((sum, line) => sum + line.price * line.units, 0);
    const postagePrice = goodsPrice >= 5000 ? 0 : delivery.name === "メール便" ? 220 : 660;
    const deliveryPrice = settlement.code === 2 ? 330 : 0;
    const coupon = random() < 0.15 ? 100 : 0;
    const points = random() < 0.3 ? Math.min(goodsPrice - coupon, 50 * (1 + Math.floor(random() * 6))) : 0;
    const totalPrice = goodsPrice + postagePrice;
    const requestPrice = totalPrice + deliveryPrice - coupon - points;
    const sender = random() < 0.2 ? person(dice) : { ...buyer };
    const term = pick(delivery.terms);
    const progress = options.progress ?? 100;
    const orderedIso = toRmsDateTime(orderedAt);
    const basket: PackageModel = {
      basketId: serial * 10,
      postagePrice,
      postageTaxRate: 0.1,
      deliveryPrice,
      deliveryTaxRate: 0.1,
      goodsPrice,
      totalPrice,
      noshi: null,
      defaultDeliveryCompanyCode: "1001",
      SenderModel: { ...sender, isolatedIslandFlag: 0 },
      ItemModelList: lines,
      ShippingModelList: [],
    };
    return {
      orderNumber,
      orderProgress: progress,
      subStatusId: null,
      subStatusName: null,
      orderDatetime: orderedIso,
      shopOrderCfmDatetime: progress >= 200 ? orderedIso : null,
      orderFixDatetime: progress >= 300 ? orderedIso : null,
      shippingInstDatetime: progress >= 300 ? orderedIso : null,
      shippingCmplRptDatetime: null,
      cancelDueDate: null,
      deliveryDate: random() < 0.3 ? jstDate(new Date(orderedAt.getTime() + 4 * 86_400_000)) : null,
      shippingTerm: term,
      remarks: term === 0 ? null : "[配送日時指定:]",
      giftCheckFlag: 0,
      severalSenderFlag: 0,
      equalSenderFlag: sender.familyName === buyer.familyName ? 1 : 0,
      isolatedIslandFlag: 0,
      rakutenMemberFlag: 1,
      carrierCode: 0,
      orderType: 1,
      reserveNumber: null,
      memo: null,
      goodsPrice,
      postagePrice,
      deliveryPrice,
      paymentCharge: 0,
      paymentChargeTaxRate: 0.1,
      totalPrice,
      requestPrice,
      couponAllTotalPrice: coupon,
      couponShopPrice: coupon,
      couponOtherPrice: 0,
      additionalFeeOccurAmountToUser: 0,
      additionalFeeOccurAmountToShop: 0,
      asurakuFlag: 0,
      drugFlag: 0,
      modifyFlag: 0,
      OrdererModel: {
        ...buyer,
        emailAddress: `${randomDigits(random, 8)}@fw.rakuten.ne.jp`,
        sex: null,
      },
      SettlementModel: {
        settlementMethodCode: settlement.code,
        settlementMethod: settlement.name,
        rpaySettlementFlag: 1,
      },
      DeliveryModel: { deliveryName: delivery.name, deliveryClass: 0 },
      PointModel: { usedPoint: points },
      WrappingModel1: null,
      WrappingModel2: null,
      PackageModelList: [basket],
      CouponModelList: coupon
        ? [
            {
              couponCode: "SHOP-100OFF",
              itemId: 0,
              couponName: "100円OFFクーポン",
              couponSummary: "ショップ限定 100円OFF",
              couponCapital: "ショップ",
              couponCapitalCode: 1,
              expiryDate: "2099-12-31",
              couponPrice: coupon,
              couponUnit: 1,
              couponTotalPrice: coupon,
              itemDetailId: 0,
            },
          ]
        : [],
      ChangeReasonModelList: [],
      TaxSummaryModelList: taxSummary(lines, postagePrice + deliveryPrice, coupon, points),
    };
  });
}

function person(dice: Dice): PersonModel {
  const buyer = sampleBuyer(dice, buyers);
  return {
    zipCode1: buyer.zip.slice(0, 3),
    zipCode2: buyer.zip.slice(3),
    prefecture: buyer.prefecture,
    city: buyer.city,
    subAddress: `${buyer.town}${buyer.block}${dice.pick(buildings)}`,
    familyName: buyer.familyName,
    firstName: buyer.givenName,
    familyNameKana: buyer.familyKana,
    firstNameKana: buyer.givenKana,
    phoneNumber1: "090",
    phoneNumber2: randomDigits(dice.random, 4),
    phoneNumber3: randomDigits(dice.random, 4),
  };
}

/** Per rate: the amount billed (tax included) and its tax; fees at 10%; coupons and points from the 10% part first. */
function taxSummary(lines: ItemModel[], fees: number, coupon: number, points: number): TaxSummaryModel[] {
  const byRate = new Map<number, number>();
  for (const line of lines)
    byRate.set(line.taxRate, (byRate.get(line.taxRate) ?? 0) + line.price * line.units);
  if (fees > 0) byRate.set(0.1, (byRate.get(0.1) ?? 0) + fees);
  let discount = coupon + points;
  return [...byRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([taxRate, total]) => {
      const taken = Math.min(discount, total);
      discount -= taken;
      const reqPrice = total - taken;
      return {
        taxRate,
        reqPrice,
        reqPriceTax: Math.floor((reqPrice * taxRate) / (1 + taxRate)),
        totalPrice: total,
        paymentCharge: 0,
        couponPrice: Math.min(coupon, taken),
        point: Math.max(0, taken - coupon),
      };
    });
}

/** The RMS item CSV (pre-SKU `item.csv` columns Kura reads), Shift_JIS with CRLF, as RMS downloads it. */
export function itemCsv(
  rows: Array<{ manageNumber: string; title: string; price: number; stockType: 0 | 1 | 2 }>,
): Buffer {
  const header = [
    "コントロールカラム",
    "商品管理番号（商品URL）",
    "商品番号",
    "商品名",
    "販売価格",
    "在庫タイプ",
    "在庫数",
  ];
  const lines = [
    header,
    ...rows.map((r) => [
      "n",
      r.manageNumber,
      r.manageNumber,
      r.title,
      String(r.price),
      String(r.stockType),
      "0",
    ]),
  ];
  return iconv.encode(`${lines.map((cells) => cells.map(csvCell).join(",")).join("\r\n")}\r\n`, "Shift_JIS");
}

/** The RMS option CSV (`select.csv`) rows of 項目選択肢別在庫 (type `i`), Shift_JIS with CRLF. */
export function selectCsv(
  rows: Array<{ manageNumber: string; horizontal: [string, string]; vertical?: [string, string] }>,
): Buffer {
  const header = [
    "項目選択肢用コントロールカラム",
    "商品管理番号（商品URL）",
    "選択肢タイプ",
    "項目選択肢項目名",
    "項目選択肢",
    "項目選択肢別在庫用横軸選択肢",
    "項目選択肢別在庫用横軸選択肢子番号",
    "項目選択肢別在庫用縦軸選択肢",
    "項目選択肢別在庫用縦軸選択肢子番号",
    "項目選択肢別在庫用在庫数",
  ];
  const lines = [
    header,
    ...rows.map((r) => [
      "n",
      r.manageNumber,
      "i",
      "",
      "",
      r.horizontal[0],
      r.horizontal[1],
      r.vertical?.[0] ?? "",
      r.vertical?.[1] ?? "",
      "0",
    ]),
  ];
  return iconv.encode(`${lines.map((cells) => cells.map(csvCell).join(",")).join("\r\n")}\r\n`, "Shift_JIS");
}

const csvCell = (value: string) => `"${value.replaceAll('"', '""')}"`;

/** `2025-01-31T09:15:00+0900`: RMS's order API date-time (no colon in the offset). */
export function toRmsDateTime(date: Date): string {
  const jst = new Date(date.getTime() + 9 * 3_600_000);
  return `${jst.toISOString().slice(0, 19)}+0900`;
}

/** `2025-01-31T09:15:00+09:00`: the REST APIs' (inventory, items) ISO 8601 in JST. */
export function toJstIso(date: Date): string {
  return `${toRmsDateTime(date).slice(0, 22)}:00`;
}

export function jstDate(date: Date): string {
  return toRmsDateTime(date).slice(0, 10);
}

function randomDigits(random: () => number, length: number): string {
  return Array.from({ length }, () => Math.floor(random() * 10)).join("");
}
