import { describe, expect, it } from "vitest";
import { orderInputSchema } from "./order-input.ts";
import { correspondenceKey, type MappingContext, mapOrder, totalComponents } from "./order-mapping.ts";

const context = (overrides: Partial<MappingContext> = {}): MappingContext => ({
  correspondences: new Map([
    [
      correspondenceKey("set-a"),
      {
        id: 7,
        components: [
          { productId: 1, quantity: 2 },
          { productId: 2, quantity: 1 },
        ],
      },
    ],
  ]),
  productIdsByCode: new Map([
    ["SKU-1", 1],
    ["SKU-2", 2],
  ]),
  paymentMappings: new Map([["カード", "card"]]),
  deliveryMappings: new Map([["宅配便", "yamato"]]),
  timeSlotMappings: new Map([["0812", "午前中"]]),
  paymentMethods: [{ id: 1, code: "card", name: "クレジットカード", requiresPaymentConfirmation: false }],
  deliveryMethods: [{ id: 1, code: "yamato", name: "宅急便", timeSlots: ["午前中", "14時～16時"] }],
  ...overrides,
});

const order = (fields: Record<string, unknown> = {}) =>
  orderInputSchema.parse({
    orderCode: "A-1",
    orderedAt: "2026-11-01T00:00:00Z",
    buyer: { name: "山田" },
    deliveryAddresses: [{ name: "山田" }],
    deliveryMethod: "宅配便",
    paymentMethod: "カード",
    lines: [{ itemCode: "SKU-1", name: "x", quantity: 1, unitPrice: 100 }],
    amounts: { subtotal: 100, total: 110 },
    ...fields,
  });

describe("mapping an order", () => {
  it("multiplies a set's parts by the line quantity", () => {
    const mapped = mapOrder(
      order({ lines: [{ itemCode: "set-a", name: "set", quantity: 3, unitPrice: 1 }] }),
      context(),
    );
    expect(mapped.lines[0]?.components).toEqual([
      { productId: 1, quantity: 6 },
      { productId: 2, quantity: 3 },
    ]);
    expect(mapped.lines[0]?.correspondenceId).toBe(7);
  });

  it("uses a product whose code equals the item code when there is no correspondence", () => {
    expect(mapOrder(order(), context()).lines[0]?.components).toEqual([{ productId: 1, quantity: 1 }]);
  });

  it("accepts a time slot written with any tilde and maps carrier codes through the store", () => {
    expect(mapOrder(order({ timeSlot: "14時〜16時" }), context()).timeSlot).toBe("14時～16時");
    expect(mapOrder(order({ timeSlot: "0812" }), context()).timeSlot).toBe("午前中");
  });

  it("names the valid slots when the delivery method does not offer the requested one", () => {
    const [reason] = mapOrder(order({ timeSlot: "20時～21時" }), context()).holdReasons;
    expect(reason).toMatchObject({ code: "invalid_time_slot", validValues: ["午前中", "14時～16時"] });
  });

  it("holds an order with several delivery addresses", () => {
    const mapped = mapOrder(order({ deliveryAddresses: [{ name: "A" }, { name: "B" }] }), context());
    expect(mapped.holdReasons.map((r) => r.code)).toEqual(["multiple_delivery_addresses"]);
  });

  it("holds unmapped payment and delivery methods with the received string", () => {
    const mapped = mapOrder(order({ paymentMethod: "後払い", deliveryMethod: "メール便" }), context());
    expect(mapped.holdReasons).toMatchObject([
      { code: "unmapped_payment_method", value: "後払い" },
      { code: "unmapped_delivery_method", value: "メール便" },
    ]);
  });

  it("names the forbidden characters of a product code", () => {
    const [reason] = mapOrder(
      order({ lines: [{ itemCode: "SKU 1/赤", name: "x", quantity: 1, unitPrice: 1 }] }),
      context(),
    ).holdReasons;
    expect(reason?.code).toBe("invalid_product_code");
    expect(reason?.message).toContain("/ 赤");
  });

  it("adds up the SKUs of all lines once per product, in product order", () => {
    const mapped = mapOrder(
      order({
        lines: [
          { itemCode: "SKU-2", name: "x", quantity: 1, unitPrice: 1 },
          { itemCode: "set-a", name: "s", quantity: 1, unitPrice: 1 },
        ],
      }),
      context(),
    );
    expect(totalComponents(mapped.lines)).toEqual([
      { productId: 1, quantity: 2 },
      { productId: 2, quantity: 2 },
    ]);
  });
});
