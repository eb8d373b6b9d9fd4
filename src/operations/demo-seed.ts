// A demo merchant to look around with: a warehouse, a store, masters, products, a set, stock and orders.
import type { Db } from "../db/connection.ts";
import {
  createDeliveryMethod,
  createDeliveryService,
  createOrganization,
  createPaymentMethod,
  createStore,
  createWarehouse,
  setCorrespondence,
  setStoreMapping,
  upsertProduct,
} from "./masters.ts";
import { registerOrder } from "./register-order.ts";
import { receiveStock } from "./stock-movements.ts";

const people = [
  ["佐藤 花子", "東京都", "世田谷区", "三軒茶屋2-14-1"],
  ["鈴木 一郎", "大阪府", "大阪市北区", "梅田3-1-1"],
  ["高橋 美咲", "愛知県", "名古屋市中区", "栄4-5-6"],
  ["田中 健太", "福岡県", "福岡市博多区", "博多駅前1-1-1"],
  ["伊藤 さくら", "北海道", "札幌市中央区", "北一条西2-3"],
] as const;

export async function seedDemo(db: Db) {
  const { organization, apiKey } = await createOrganization(db, { name: "デモ商店" });
  const org = organization.id;
  await createWarehouse(db, org, { code: "MAIN", name: "本社倉庫" });
  const store = await createStore(db, org, {
    channel: "test",
    name: "デモ店 (楽天市場)",
    warehouseCode: "MAIN",
    targetStatuses: ["300"],
  });
  await createPaymentMethod(db, org, { code: "credit_card", name: "クレジットカード" });
  await createPaymentMethod(db, org, {
    code: "bank_transfer",
    name: "銀行振込",
    requiresPaymentConfirmation: true,
  });
  await createDeliveryService(db, org, {
    code: "yamato",
    carrier: "ヤマト運輸",
    serviceName: "宅急便",
    timeSlots: ["午前中", "14時～16時", "16時～18時", "18時～20時", "19時～21時"],
  });
  await createDeliveryMethod(db, org, { code: "takkyubin", name: "宅急便", deliveryServiceCode: "yamato" });
  await setStoreMapping(db, org, store.id, {
    kind: "delivery_method",
    channelValue: "宅配便",
    target: "takkyubin",
  });
  await setStoreMapping(db, org, store.id, {
    kind: "payment_method",
    channelValue: "クレジットカード決済",
    target: "credit_card",
  });

  const items = [
    ["TEA-GREEN-100", "静岡煎茶 100g", 40],
    ["TEA-HOJI-100", "ほうじ茶 100g", 25],
    ["CUP-YUNOMI", "湯呑み", 12],
    ["POT-KYUSU", "急須", 3],
  ] as const;
  for (const [code, name, stock] of items) {
    await upsertProduct(db, org, { code, name });
    await receiveStock(db, {
      organizationId: org,
      productCode: code,
      warehouseCode: "MAIN",
      quantity: stock,
      actor: "demo",
    });
  }
  await setCorrespondence(db, org, store.id, {
    itemCode: "gift-set-a",
    components: [
      { productCode: "TEA-GREEN-100", quantity: 2 },
      { productCode: "CUP-YUNOMI", quantity: 2 },
    ],
  });

  for (let i = 0; i < 12; i++) {
    const [name, prefecture, city, address1] = people[i % people.length] ?? people[0];
    const address = { name, postalCode: "100-0001", prefecture, city, address1, phone: "03-0000-0000" };
    const line =
      i % 4 === 0
        ? { itemCode: "gift-set-a", name: "ギフトセットA", quantity: 1, unitPrice: 3980, taxRate: 8 }
        : {
            itemCode: items[i % items.length]?.[0],
            name: "商品",
            quantity: 1 + (i % 2),
            unitPrice: 1200,
            taxRate: 8,
          };
    await registerOrder(db, {
      organizationId: org,
      storeId: store.id,
      actor: "demo",
      order: {
        orderCode: `DEMO-${String(i + 1).padStart(4, "0")}`,
        channelStatus: i % 5 === 4 ? "100" : "300",
        orderedAt: new Date(Date.now() - (12 - i) * 3_600_000).toISOString(),
        buyer: { ...address, email: `buyer${i}@example.jp` },
        deliveryAddresses: [address],
        deliveryMethod: "宅配便",
        timeSlot: i % 3 === 0 ? "午前中" : undefined,
        paymentMethod: i === 7 ? "代金引換" : "クレジットカード決済",
        lines: [line],
        amounts: { subtotal: 3980, total: 4298, taxes: [{ rate: 8, taxableAmount: 3980, taxAmount: 318 }] },
      },
    });
  }
  return { organization, apiKey, storeId: store.id };
}
