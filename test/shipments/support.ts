// A merchant with stock and an API client, and orders to the same recipient written in different ways.

import type { Db } from "../../src/db/connection.ts";
import type { OrderInputRaw } from "../../src/domain/order-input.ts";
import type { Api, MerchantClient } from "../api/support.ts";
import { merchantClient } from "../api/support.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";

export const yamada = {
  name: "山田 太郎",
  postalCode: "150-0001",
  prefecture: "東京都",
  city: "渋谷区",
  address1: "神宮前1-2-3",
  address2: "ABCビル 101",
};

/** The same recipient and address as `yamada`, as another channel writes it (full-width, ー, no spaces). */
export const yamadaFullWidth = {
  name: "山田　太郎",
  postalCode: "1500001",
  prefecture: "東京都",
  city: "渋谷区神宮前",
  address1: "１ー２ー３",
  address2: "ＡＢＣビル１０１",
};

export const suzuki = { ...yamada, name: "鈴木 一郎", address1: "神宮前4-5-6" };

export async function givenShop(db: Db, api: Api) {
  const m = await givenMerchant(db);
  await m.product("SKU-1", 100);
  await m.product("SKU-2", 100);
  const client = merchantClient(api, m);
  return {
    ...m,
    client,
    register: (overrides: Partial<OrderInputRaw> = {}) => register(client, m.storeId, overrides),
  };
}

export async function register(
  client: MerchantClient,
  storeId: number,
  overrides: Partial<OrderInputRaw> = {},
) {
  const answer = await client.post(`/stores/${storeId}/orders`, anOrder(overrides));
  if (answer.status >= 300) throw new Error(`registration failed: ${JSON.stringify(answer.body)}`);
  const order = await client.get(`/orders/${answer.body.orderId}`);
  return {
    orderId: order.body.id as number,
    orderCode: order.body.orderCode as string,
    shipmentId: (order.body.shipment?.id ?? null) as number | null,
  };
}

export const to = (address: typeof yamada) => ({ deliveryAddresses: [address] });
