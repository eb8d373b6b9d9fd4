import { describe, expect, it } from "vitest";
import { type DeliveryKeyInput, deliveryKey } from "./address-key.ts";

const base: DeliveryKeyInput = {
  address: {
    name: "山田 太郎",
    prefecture: "東京都",
    city: "渋谷区",
    address1: "神宮前1-2-3",
    address2: "ABCビル 101",
  },
  deliveryMethodId: 7,
  deliveryMethodReceived: "宅配便",
  warehouseId: 1,
};
const withAddress = (address: DeliveryKeyInput["address"]) => deliveryKey({ ...base, address });

describe("the delivery key of an order slip", () => {
  it("is the same for full-width and half-width, spaces and every hyphen variant", () => {
    const variants = [
      {
        name: "山田　太郎",
        prefecture: "東京都",
        city: "渋谷区",
        address1: "神宮前１－２－３",
        address2: "ＡＢＣビル　１０１",
      },
      {
        name: "山田太郎",
        prefecture: "東京都",
        city: "渋谷区",
        address1: "神宮前1ー2ー3",
        address2: "ABCビル101",
      },
      {
        name: "山田 太郎",
        prefecture: "東京都",
        city: "渋谷区",
        address1: "神宮前1‐2−3",
        address2: "abcビル 101",
      },
      {
        name: "山田 太郎",
        prefecture: "東京都",
        city: "渋谷区",
        address1: "神宮前1—2-3",
        address2: "ABCビル101",
      },
    ];
    for (const address of variants) expect(withAddress(address)).toBe(deliveryKey(base));
  });

  it("compares prefecture, city and lines as a whole, wherever the channel split them", () => {
    expect(
      withAddress({
        name: "山田 太郎",
        prefecture: "東京都",
        city: "渋谷区神宮前",
        address1: "1-2-3ABCビル",
        address2: "101",
      }),
    ).toBe(deliveryKey(base));
  });

  it("differs for another recipient, address, delivery method or warehouse", () => {
    const key = deliveryKey(base);
    expect(withAddress({ ...base.address, name: "山田 花子" })).not.toBe(key);
    expect(withAddress({ ...base.address, address1: "神宮前1-2-4" })).not.toBe(key);
    expect(deliveryKey({ ...base, deliveryMethodId: 8 })).not.toBe(key);
    expect(deliveryKey({ ...base, warehouseId: 2 })).not.toBe(key);
  });

  it("uses the channel's delivery method string, normalized, when the method is not mapped", () => {
    const unmapped = { ...base, deliveryMethodId: null };
    expect(deliveryKey({ ...unmapped, deliveryMethodReceived: "宅配便" })).toBe(
      deliveryKey({ ...unmapped, deliveryMethodReceived: " 宅配便 " }),
    );
    expect(deliveryKey({ ...unmapped, deliveryMethodReceived: "メール便" })).not.toBe(deliveryKey(unmapped));
  });
});
