// Property: whatever sequence of registrations, updates, cancellations, shipping and stock movements a
// merchant goes through, the stock books balance after every step and no unit is reserved twice.
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Db, queryRows } from "../../src/db/connection.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { cancelOrder } from "../../src/operations/cancel-order.ts";
import { setCorrespondence } from "../../src/operations/masters.ts";
import { registerOrder } from "../../src/operations/register-order.ts";
import { returnShipmentToWaiting, shipShipment, startShipmentWork } from "../../src/operations/shipping.ts";
import { receiveStock, stocktake } from "../../src/operations/stock-movements.ts";
import { useTestDatabase } from "../support/database.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";
import { stockInvariantViolations } from "./stock-invariants.ts";

let db: Db;
useTestDatabase((env) => ({ db } = env));

const skuCodes = ["SKU-A", "SKU-B", "SKU-C", "SKU-D"];
const setCode = "SET-1";
const unknownCode = "NOPE-1";
const targetStatus = "300";

// ---- what a run is made of -------------------------------------------------------------------

const weighted = <T>(...choices: [weight: number, value: T][]) =>
  fc.oneof(...choices.map(([weight, value]) => ({ weight, arbitrary: fc.constant(value) })));

const merchantArb = fc.integer({ min: 2, max: 4 }).chain((skuCount) =>
  fc.record({
    skuCount: fc.constant(skuCount),
    initialStock: fc.array(fc.nat({ max: 10 }), { minLength: skuCount, maxLength: skuCount }),
    setParts: fc.uniqueArray(fc.nat({ max: skuCount - 1 }), { minLength: 2, maxLength: 2 }),
    setQuantities: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  }),
);
type MerchantShape = typeof merchantArb extends fc.Arbitrary<infer T> ? T : never;

const lineArb = fc.record({
  item: fc.oneof(
    { weight: 8, arbitrary: fc.nat({ max: 3 }).map((sku) => ({ kind: "sku" as const, sku })) },
    { weight: 3, arbitrary: fc.constant({ kind: "set" as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: "unknown" as const }) },
  ),
  quantity: fc.integer({ min: 1, max: 3 }),
});

/** Slots name order codes: registering a slot again updates (or re-creates) that channel order. */
const slotArb = fc.nat({ max: 5 });

/** Which existing order or shipment an operation acts on: mostly a live one, sometimes any (to be refused). */
const targetArb = fc.record({
  index: fc.nat(),
  liveOnly: weighted([3, true], [1, false]),
});

const operationArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant("register" as const),
      slot: slotArb,
      lines: fc.array(lineArb, { minLength: 1, maxLength: 3 }),
      // "100" comes before the store's target status: allocated, but not yet to be shipped.
      channelStatus: weighted([1, "100"], [3, targetStatus]),
      payment: weighted([4, "credit_card"], [1, "bank_transfer"], [1, "bank_transfer_paid"]),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("cancel" as const),
      target: targetArb,
      allowSameCode: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("startWork" as const), target: targetArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("ship" as const), target: targetArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("returnToWaiting" as const), target: targetArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("receive" as const),
      sku: fc.nat({ max: 3 }),
      quantity: fc.integer({ min: 1, max: 8 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("stocktake" as const),
      sku: fc.nat({ max: 3 }),
      counted: fc.nat({ max: 10 }),
    }),
  },
);
type Operation = typeof operationArb extends fc.Arbitrary<infer T> ? T : never;

// ---- running it ------------------------------------------------------------------------------

interface Run {
  orgId: number;
  storeId: number;
  skuCount: number;
  /** on hand per product id, from what the test itself received, counted and shipped. */
  expectedOnHand: Map<number, number>;
}

async function openMerchant(shape: MerchantShape): Promise<Run> {
  const m = await givenMerchant(db, { targetStatuses: [targetStatus] });
  const codes = skuCodes.slice(0, shape.skuCount);
  const expectedOnHand = new Map<number, number>();
  for (const [i, code] of codes.entries()) {
    const stock = shape.initialStock[i] ?? 0;
    const product = await m.product(code, stock);
    expectedOnHand.set(product.id, stock);
  }
  await setCorrespondence(db, m.orgId, m.storeId, {
    itemCode: setCode,
    components: shape.setParts.map((part, i) => ({
      productCode: codes[part] as string,
      quantity: shape.setQuantities[i] as number,
    })),
  });
  return { orgId: m.orgId, storeId: m.storeId, skuCount: shape.skuCount, expectedOnHand };
}

const skuCode = (run: Run, sku: number) => skuCodes[sku % run.skuCount] as string;

function orderFor(run: Run, op: Extract<Operation, { type: "register" }>) {
  const lines = op.lines.map((line, i) => {
    const itemCode =
      line.item.kind === "sku"
        ? skuCode(run, line.item.sku)
        : line.item.kind === "set"
          ? setCode
          : unknownCode;
    return { itemCode, name: `line ${i + 1}`, quantity: line.quantity, unitPrice: 1000 };
  });
  const subtotal = lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
  return anOrder({
    orderCode: `ORDER-${op.slot}`,
    // The channel's order date does not change when the order is updated.
    orderedAt: new Date(Date.UTC(2026, 10, 1, 0, op.slot)).toISOString(),
    channelStatus: op.channelStatus,
    paymentMethod: op.payment === "credit_card" ? "credit_card" : "bank_transfer",
    paymentConfirmed: op.payment === "bank_transfer_paid",
    lines,
    amounts: { subtotal, total: subtotal, taxes: [] },
  });
}

type Target = typeof targetArb extends fc.Arbitrary<infer T> ? T : never;

async function pickOrder(orgId: number, target: Target): Promise<number | undefined> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`SELECT id FROM orders WHERE organization_id = ${orgId}
          AND (${!target.liveOnly} OR (cancelled_at IS NULL AND shipped_at IS NULL))
        ORDER BY id`,
  );
  return rows[target.index % Math.max(rows.length, 1)]?.id;
}

async function pickShipment(orgId: number, target: Target): Promise<number | undefined> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`SELECT id FROM shipments WHERE organization_id = ${orgId}
          AND (${!target.liveOnly} OR status IN ('waiting', 'allocated', 'in_progress'))
        ORDER BY id`,
  );
  return rows[target.index % Math.max(rows.length, 1)]?.id;
}

async function perform(run: Run, op: Operation): Promise<"ok" | "nothing to act on"> {
  const actor = "property";
  const { orgId } = run;
  switch (op.type) {
    case "register": {
      await registerOrder(db, {
        organizationId: orgId,
        storeId: run.storeId,
        order: orderFor(run, op),
        actor,
      });
      return "ok";
    }
    case "cancel": {
      const orderId = await pickOrder(orgId, op.target);
      if (orderId === undefined) return "nothing to act on";
      await cancelOrder(db, {
        organizationId: orgId,
        orderId,
        actor,
        reason: "property",
        allowSameCode: op.allowSameCode,
      });
      return "ok";
    }
    case "startWork":
    case "returnToWaiting":
    case "ship": {
      const shipmentId = await pickShipment(orgId, op.target);
      if (shipmentId === undefined) return "nothing to act on";
      if (op.type === "startWork") await startShipmentWork(db, orgId, shipmentId, actor);
      if (op.type === "returnToWaiting") await returnShipmentToWaiting(db, orgId, shipmentId, actor);
      if (op.type === "ship") {
        const lines = await queryRows<{ product_id: number; quantity: number }>(
          db,
          sql`SELECT product_id, quantity FROM shipment_lines WHERE shipment_id = ${shipmentId}`,
        );
        await shipShipment(db, {
          organizationId: orgId,
          shipmentId,
          carrier: "yamato",
          trackingNumber: `T${shipmentId}`,
          shippedOn: "2026-11-02",
          actor,
        });
        for (const l of lines) {
          run.expectedOnHand.set(l.product_id, (run.expectedOnHand.get(l.product_id) ?? 0) - l.quantity);
        }
      }
      return "ok";
    }
    case "receive": {
      const productCode = skuCode(run, op.sku);
      const result = await receiveStock(db, {
        organizationId: orgId,
        productCode,
        warehouseCode: "WH1",
        quantity: op.quantity,
        actor,
      });
      run.expectedOnHand.set(result.productId, (run.expectedOnHand.get(result.productId) ?? 0) + op.quantity);
      return "ok";
    }
    case "stocktake": {
      const result = await stocktake(db, {
        organizationId: orgId,
        productCode: skuCode(run, op.sku),
        warehouseCode: "WH1",
        countedQuantity: op.counted,
        actor,
      });
      run.expectedOnHand.set(result.productId, op.counted);
      return "ok";
    }
  }
}

/** Operations may be refused for a reason an operator would see (e.g. cancelling a shipped order). */
async function performOrRefuse(run: Run, op: Operation): Promise<string> {
  try {
    return await perform(run, op);
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

// ---- the invariants --------------------------------------------------------------------------

/** The shared invariants, plus on hand as the test itself received, counted and shipped it. */
async function invariantViolations(run: Run): Promise<string[]> {
  const problems = await stockInvariantViolations(db, run.orgId);
  const levels = await queryRows<{ product_id: number; on_hand: number }>(
    db,
    sql`SELECT product_id, on_hand FROM stock_levels WHERE organization_id = ${run.orgId}`,
  );
  for (const [productId, expected] of run.expectedOnHand) {
    const onHand = levels.find((l) => l.product_id === productId)?.on_hand ?? 0;
    if (onHand !== expected)
      problems.push(`product ${productId} has ${onHand} on hand, expected ${expected}`);
  }
  return problems;
}

// ---- the property ----------------------------------------------------------------------------

describe("the stock ledger", () => {
  it("balances and never reserves a unit twice, whatever merchants and channels do", async () => {
    await fc.assert(
      fc.asyncProperty(
        merchantArb,
        fc.array(operationArb, { minLength: 5, maxLength: 25, size: "max" }),
        async (shape, operations) => {
          const run = await openMerchant(shape);
          expect((await invariantViolations(run)).join("\n"), "after setup").toBe("");
          for (const [step, op] of operations.entries()) {
            const outcome = await performOrRefuse(run, op);
            const problems = await invariantViolations(run);
            expect(problems.join("\n"), `after step ${step}: ${JSON.stringify(op)} → ${outcome}`).toBe("");
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
