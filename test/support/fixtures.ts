// A ready organization with a warehouse, a store, masters and products, for tests that need one.
import type { Db } from "../../src/db/connection.ts";
import type { OrderInputRaw } from "../../src/domain/order-input.ts";
import {
  createDeliveryMethod,
  createDeliveryService,
  createOrganization,
  createPaymentMethod,
  createStore,
  createWarehouse,
  setCorrespondence,
  upsertProduct,
} from "../../src/operations/masters.ts";
import { receiveStock } from "../../src/operations/stock-movements.ts";

let counter = 0;

export async function givenMerchant(db: Db, options: { targetStatuses?: string[] } = {}) {
  counter += 1;
  const { organization, apiKey } = await createOrganization(db, { name: `Merchant ${counter}` });
  const orgId = organization.id;
  await createWarehouse(db, orgId, { code: "WH1", name: "本社倉庫" });
  const store = await createStore(db, orgId, {
    channel: "test",
    name: "テスト店",
    warehouseCode: "WH1",
    targetStatuses: options.targetStatuses ?? [],
  });
  await createPaymentMethod(db, orgId, { code: "credit_card", name: "クレジットカード" });
  await createPaymentMethod(db, orgId, {
    code: "bank_transfer",
    name: "銀行振込",
    requiresPaymentConfirmation: true,
  });
  await createDeliveryService(db, orgId, {
    code: "yamato",
    carrier: "ヤマト運輸",
    serviceName: "宅急便",
    timeSlots: ["午前中", "14時～16時", "16時～18時", "18時～20時", "19時～21時"],
  });
  await createDeliveryMethod(db, orgId, { code: "takkyubin", name: "宅急便", deliveryServiceCode: "yamato" });
  return {
    orgId,
    storeId: store.id,
    token: apiKey.token,
    async product(code: string, stock = 0, safetyStock = 0) {
      const product = await upsertProduct(db, orgId, { code, name: `商品 ${code}`, safetyStock });
      if (stock > 0) await receive(code, stock);
      return product;
    },
  };
  function receive(productCode: string, quantity: number) {
    return receiveStock(db, {
      organizationId: orgId,
      productCode,
      warehouseCode: "WH1",
      quantity,
      actor: "test",
    });
  }
}

/** Masters a channel store's orders map to beyond givenMerchant's: 代金引換 (cod), メール便 (mail) by ネコポス. */
export async function givenCodAndMailMasters(db: Db, orgId: number) {
  await createPaymentMethod(db, orgId, { code: "cod", name: "代金引換" });
  await createDeliveryService(db, orgId, { code: "nekopos", carrier: "ヤマト運輸", serviceName: "ネコポス" });
  await createDeliveryMethod(db, orgId, { code: "mail", name: "メール便", deliveryServiceCode: "nekopos" });
}

/** A channel item (or one option of it) selling one unit of a product; unlimited ones carry no stock number. */
export type ItemSold = [itemCode: string, optionCode: string, productCode: string, unlimitedStock: boolean];

/** Enters each item the store sells in its correspondence table (対応表). */
export async function givenItemsSold(db: Db, store: { orgId: number; storeId: number }, items: ItemSold[]) {
  for (const [itemCode, optionCode, productCode, unlimitedStock] of items) {
    await setCorrespondence(db, store.orgId, store.storeId, {
      itemCode,
      optionCode,
      unlimitedStock,
      components: [{ productCode, quantity: 1 }],
    });
  }
}

let orderCounter = 0;

/** A plausible channel order; override what the test is about. */
export function anOrder(overrides: Partial<OrderInputRaw> = {}): OrderInputRaw {
  orderCounter += 1;
  const address = {
    name: "山田 太郎",
    postalCode: "150-0001",
    prefecture: "東京都",
    city: "渋谷区",
    // Each order its own address, so orders of a test are not bundle candidates (同梱) unless it says so.
    address1: `神宮前1-2-${orderCounter}`,
    phone: "03-1234-5678",
  };
  return {
    orderCode: `ORD-${orderCounter}-${Date.now()}`,
    orderedAt: new Date(Date.UTC(2026, 10, 1, 0, 0, orderCounter)).toISOString(),
    buyer: { ...address, email: "taro@example.jp" },
    deliveryAddresses: [address],
    deliveryMethod: "takkyubin",
    paymentMethod: "credit_card",
    lines: [{ itemCode: "SKU-1", name: "商品", quantity: 1, unitPrice: 1000, taxRate: 10 }],
    amounts: { subtotal: 1000, total: 1100, taxes: [{ rate: 10, taxableAmount: 1000, taxAmount: 100 }] },
    ...overrides,
  };
}
