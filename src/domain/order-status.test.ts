import { describe, expect, it } from "vitest";
import { deriveOrderStatus, isInTargetStatus, needsShipmentSlip, type OrderFacts } from "./order-status.ts";

const ready: OrderFacts = {
  cancelled: false,
  shipped: false,
  held: false,
  awaitingPayment: false,
  allocated: true,
  inTargetStatus: true,
};

describe("order status", () => {
  it("is awaiting shipment when allocated, paid and in the target status", () => {
    expect(deriveOrderStatus(ready)).toBe("awaiting_shipment");
    expect(needsShipmentSlip(ready)).toBe(true);
  });

  it("puts payment before allocation, and a hold before both", () => {
    expect(deriveOrderStatus({ ...ready, awaitingPayment: true, allocated: false })).toBe("awaiting_payment");
    expect(deriveOrderStatus({ ...ready, held: true, awaitingPayment: true })).toBe("held");
    expect(deriveOrderStatus({ ...ready, allocated: false })).toBe("awaiting_allocation");
  });

  it("makes no shipment slip before the channel reaches the target status", () => {
    const early = { ...ready, inTargetStatus: false };
    expect(deriveOrderStatus(early)).toBe("not_yet_shippable");
    expect(needsShipmentSlip(early)).toBe(false);
  });

  it("treats every status as the target when the store names none", () => {
    expect(isInTargetStatus("100", [])).toBe(true);
    expect(isInTargetStatus("100", ["300"])).toBe(false);
    expect(isInTargetStatus(null, ["300"])).toBe(false);
  });
});
