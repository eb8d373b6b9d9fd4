// Rakuten RMS records as the simulator keeps and serves them (README.md). The simulator's own copy: the
// connector keeps its own reading in src/channels/rakuten/map.ts, so a drift between the two shows in tests.

/** orderProgress: 100 注文確認待ち … 900 キャンセル確定. */
export type OrderProgress = 100 | 200 | 300 | 400 | 500 | 600 | 700 | 800 | 900;
export const orderProgresses: OrderProgress[] = [100, 200, 300, 400, 500, 600, 700, 800, 900];

export interface PersonModel {
  zipCode1: string;
  zipCode2: string;
  prefecture: string;
  city: string;
  subAddress: string;
  familyName: string;
  firstName: string;
  familyNameKana: string | null;
  firstNameKana: string | null;
  phoneNumber1: string | null;
  phoneNumber2: string | null;
  phoneNumber3: string | null;
}

export interface OrdererModel extends PersonModel {
  emailAddress: string;
  sex: string | null;
}

export interface SenderModel extends PersonModel {
  isolatedIslandFlag: 0 | 1;
}

export interface SkuModel {
  variantId: string;
  merchantDefinedSkuId: string | null;
  skuInfo: string | null;
}

export interface ItemModel {
  itemDetailId: number;
  itemName: string;
  itemId: number;
  itemNumber: string;
  manageNumber: string;
  price: number;
  units: number;
  includePostageFlag: 0 | 1;
  includeTaxFlag: 0 | 1;
  includeCashOnDeliveryPostageFlag: 0 | 1;
  selectedChoice: string | null;
  taxRate: number;
  priceTaxIncl: number;
  restoreInventoryFlag: 0 | 1;
  deleteItemFlag: 0 | 1;
  isSingleItemShipping: 0 | 1;
  SkuModelList: SkuModel[];
}

export interface ShippingModel {
  shippingDetailId: number;
  shippingNumber: string;
  deliveryCompany: string;
  deliveryCompanyName: string;
  shippingDate: string | null;
}

export interface PackageModel {
  basketId: number;
  postagePrice: number;
  postageTaxRate: number;
  deliveryPrice: number;
  deliveryTaxRate: number;
  goodsPrice: number;
  totalPrice: number;
  noshi: string | null;
  defaultDeliveryCompanyCode: string;
  SenderModel: SenderModel;
  ItemModelList: ItemModel[];
  ShippingModelList: ShippingModel[];
}

export interface CouponModel {
  couponCode: string;
  itemId: number;
  couponName: string;
  couponSummary: string;
  couponCapital: string;
  couponCapitalCode: 1 | 2 | 3;
  expiryDate: string;
  couponPrice: number;
  couponUnit: number;
  couponTotalPrice: number;
  itemDetailId: number;
}

export interface TaxSummaryModel {
  taxRate: number;
  reqPrice: number;
  reqPriceTax: number;
  totalPrice: number;
  paymentCharge: number;
  couponPrice: number;
  point: number;
}

/** The OrderModel of getOrder version 7+, with the fields Kura reads and their common neighbours. */
export interface OrderModel {
  orderNumber: string;
  orderProgress: OrderProgress;
  subStatusId: number | null;
  subStatusName: string | null;
  orderDatetime: string;
  shopOrderCfmDatetime: string | null;
  orderFixDatetime: string | null;
  shippingInstDatetime: string | null;
  shippingCmplRptDatetime: string | null;
  cancelDueDate: string | null;
  deliveryDate: string | null;
  shippingTerm: number | null;
  remarks: string | null;
  giftCheckFlag: 0 | 1;
  severalSenderFlag: 0 | 1;
  equalSenderFlag: 0 | 1;
  isolatedIslandFlag: 0 | 1;
  rakutenMemberFlag: 0 | 1;
  carrierCode: number;
  orderType: 1 | 4 | 5 | 6;
  reserveNumber: string | null;
  memo: string | null;
  goodsPrice: number;
  postagePrice: number;
  deliveryPrice: number;
  paymentCharge: number;
  paymentChargeTaxRate: number;
  totalPrice: number;
  requestPrice: number;
  couponAllTotalPrice: number;
  couponShopPrice: number;
  couponOtherPrice: number;
  additionalFeeOccurAmountToUser: number;
  additionalFeeOccurAmountToShop: number;
  asurakuFlag: 0 | 1;
  drugFlag: 0 | 1;
  modifyFlag: 0 | 1;
  OrdererModel: OrdererModel;
  SettlementModel: { settlementMethodCode: number; settlementMethod: string; rpaySettlementFlag: 0 | 1 };
  DeliveryModel: { deliveryName: string; deliveryClass: number | null };
  PointModel: { usedPoint: number };
  WrappingModel1: null;
  WrappingModel2: null;
  PackageModelList: PackageModel[];
  CouponModelList: CouponModel[];
  ChangeReasonModelList: unknown[];
  TaxSummaryModelList: TaxSummaryModel[];
}

/** An item of the item API 2.0 (`items.search`), with the fields the product master reads. */
export interface ItemRecord {
  manageNumber: string;
  itemNumber: string | null;
  title: string;
  itemType: "NORMAL" | "PRE_ORDER" | "BUYING_CLUB";
  genreId: string;
  hideItem: boolean;
  unlimitedInventoryFlag: boolean;
  payment: { taxIncluded: boolean; taxRate?: string; cashOnDeliveryFeeIncluded: boolean };
  variants: Record<
    string,
    {
      merchantDefinedSkuId?: string;
      selectorValues?: Record<string, string>;
      standardPrice?: string;
      hidden?: boolean;
      restockOnCancel?: boolean;
      backOrderFlag?: boolean;
    }
  >;
  created: string;
  updated: string;
}

export interface MessageModel {
  messageType: "INFO" | "ERROR" | "WARNING";
  messageCode: string;
  message: string;
  orderNumber?: string;
}
