// An import page registered at once (register-order-page.ts) must leave exactly what registering its orders
// one by one leaves: the same statuses, holds, allocation, slips, bundle candidates, ledger, history and
// events. Two merchants with the same masters and stock get the same orders, one each way, and their books
// are compared.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { type Db, queryRows } from "../../src/db/connection.ts";
import { DomainError } from "../../src/domain/errors.ts";
import type { OrderInputRaw } from "../../src/domain/order-input.ts";
import { setCorrespondence } from "../../src/operations/masters.ts";
import { registerOrder } from "../../src/operations/register-order.ts";
import { registerOrderPage } from "../../src/operations/register-order-page.ts";
import { stockInvariantViolations } from "../stock/stock-invariants.ts";
import { useTestDatabase } from "../support/database.ts";
import { anOrder, givenMerchant } from "../support/fixtures.ts";

let db: Db;
useTestDatabase((env) => ({ db } = env));

const yamada = {
  name: "山田 太郎",
  postalCode: "150-0001",
  prefecture: "東京都",
  city: "渋谷区",
  address1: "神宮前9-9-9",
};
const line = (itemCode: string, quantity = 1) => ({ itemCode, name: "商品", quantity, unitPrice: 1000 });

/** Orders already in Kura before the page comes: one the page repeats, one it changes, one it bundles with. */
function earlierOrders(run: string): OrderInputRaw[] {
  return [
    anOrder({ orderCode: `${run}-kept`, lines: [line("SKU-1")] }),
    anOrder({ orderCode: `${run}-changed`, lines: [line("SKU-1")] }),
    anOrder({ orderCode: `${run}-yamada-1`, deliveryAddresses: [yamada], lines: [line("SKU-1")] }),
  ];
}

function thePage(run: string, earlier: OrderInputRaw[]): unknown[] {
  const [kept, changed] = earlier as [OrderInputRaw, OrderInputRaw];
  const plain = anOrder({ orderCode: `${run}-plain`, lines: [line("SKU-1", 2)] });
  return [
    plain,
    anOrder({ orderCode: `${run}-unknown-item`, lines: [line("NO-SUCH-ITEM")] }),
    anOrder({ orderCode: `${run}-bank`, paymentMethod: "bank_transfer", lines: [line("SKU-1")] }),
    anOrder({ orderCode: `${run}-takes-sku2`, lines: [line("SKU-2", 2)] }),
    anOrder({ orderCode: `${run}-short`, lines: [line("SKU-1"), line("SKU-2", 2)] }), // 1 of SKU-2 is left
    anOrder({ orderCode: `${run}-last-sku2`, lines: [line("SKU-2")] }), // passed the short one by
    anOrder({ orderCode: `${run}-set`, lines: [line("tea-set")] }),
    anOrder({ orderCode: `${run}-yamada-2`, deliveryAddresses: [yamada], lines: [line("SKU-1")] }),
    anOrder({ orderCode: `${run}-yamada-3`, deliveryAddresses: [yamada], lines: [line("SKU-1")] }),
    anOrder({ orderCode: `${run}-suzuki-1`, deliveryAddresses: [{ ...yamada, name: "鈴木 一郎" }] }),
    anOrder({ orderCode: `${run}-suzuki-2`, deliveryAddresses: [{ ...yamada, name: "鈴木 一郎" }] }),
    anOrder({ orderCode: `${run}-gone`, cancelledOnChannel: true }),
    kept,
    { ...changed, lines: [line("SKU-1", 3)] },
    plain, // twice in one page
    { ...anOrder({ orderCode: `${run}-broken` }), orderedAt: "yesterday" },
    anOrder({ orderCode: `${run}-no-time-slot`, timeSlot: "深夜" }),
  ];
}

async function givenShop(earlier: OrderInputRaw[]) {
  const m = await givenMerchant(db);
  await m.product("SKU-1", 20);
  await m.product("SKU-2", 3);
  await m.product("CUP", 10);
  await m.product("SAUCER", 10);
  await setCorrespondence(db, m.orgId, m.storeId, {
    itemCode: "tea-set",
    components: [
      { productCode: "CUP", quantity: 2 },
      { productCode: "SAUCER", quantity: 2 },
    ],
  });
  for (const order of earlier)
    await registerOrder(db, { organizationId: m.orgId, storeId: m.storeId, order, actor: "t" });
  return m;
}

/** What an operator can see of an organization's orders and stock, without ids or times. */
async function books(orgId: number) {
  const byOrder = await queryRows(
    db,
    sql`SELECT o.order_code, o.status, o.allocated, o.kura_code, o.tags, o.delivery_key IS NOT NULL AS keyed,
               (SELECT array_agg(r->>'code' ORDER BY r->>'code') FROM jsonb_array_elements(o.hold_reasons) r) AS holds,
               s.status AS slip, (SELECT count(*)::int FROM orders o2 WHERE o2.shipment_id = o.shipment_id) AS on_slip,
               (SELECT string_agg(l.item_code || '×' || l.quantity, ',' ORDER BY l.line_no) FROM order_lines l WHERE l.order_id = o.id) AS lines,
               (SELECT string_agg(p.code || '×' || i.quantity || ':' || i.allocated, ',' ORDER BY p.code) FROM order_items i JOIN products p ON p.id = i.product_id WHERE i.order_id = o.id) AS items,
               (SELECT string_agg(p.code || '×' || sl.quantity, ',' ORDER BY p.code) FROM shipment_lines sl JOIN products p ON p.id = sl.product_id WHERE sl.order_id = o.id) AS slip_lines,
               (SELECT string_agg(h.action || ':' || coalesce(h.detail->>'status', ''), ',' ORDER BY h.id) FROM order_history h WHERE h.order_id = o.id) AS history,
               (SELECT string_agg(sh.action || ':' || coalesce(sh.to_status, ''), ',' ORDER BY sh.id) FROM shipment_history sh WHERE sh.shipment_id = o.shipment_id) AS slip_history,
               (SELECT count(*)::int FROM bundle_candidate_members m WHERE m.order_id = o.id) AS candidates
        FROM orders o LEFT JOIN shipments s ON s.id = o.shipment_id
        WHERE o.organization_id = ${orgId} ORDER BY o.order_code`,
  );
  const stock = await queryRows(
    db,
    sql`SELECT p.code, l.on_hand, l.reserved FROM stock_levels l JOIN products p ON p.id = l.product_id
        WHERE l.organization_id = ${orgId} ORDER BY p.code`,
  );
  const ledger = await queryRows(
    db,
    sql`SELECT g.kind, p.code, g.reserved_delta, o.order_code, count(*)::int AS n
        FROM stock_ledger g JOIN products p ON p.id = g.product_id LEFT JOIN orders o ON o.id = g.order_id
        WHERE g.organization_id = ${orgId} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  );
  const events = await queryRows(
    db,
    sql`SELECT type, count(*)::int AS n FROM outbox_events
        WHERE organization_id = ${orgId} AND type <> 'stock.changed' GROUP BY type ORDER BY type`,
  );
  // A page says "stock changed" once for all its products; one by one, each order says it for its own.
  const stockChanged = await queryRows(
    db,
    sql`SELECT DISTINCT p.code FROM outbox_events e
        CROSS JOIN jsonb_array_elements_text(e.payload->'productIds') AS pid(value)
        JOIN products p ON p.id = pid.value::bigint
        WHERE e.organization_id = ${orgId} AND e.type = 'stock.changed' ORDER BY p.code`,
  );
  const candidates = await queryRows(
    db,
    sql`SELECT c.status, string_agg(o.order_code, ',' ORDER BY o.order_code) AS members
        FROM bundle_candidates c JOIN bundle_candidate_members m ON m.candidate_id = c.id JOIN orders o ON o.id = m.order_id
        WHERE c.organization_id = ${orgId} GROUP BY c.id, c.status ORDER BY 2`,
  );
  return { byOrder, stock, ledger, events, stockChanged, candidates };
}

describe("registering an import page at once", () => {
  it("leaves the same orders, slips, bundles, stock, history and events as registering them one by one", async () => {
    const earlier = earlierOrders("R");
    const atOnce = await givenShop(earlier);
    const oneByOne = await givenShop(earlier);
    const page = thePage("R", earlier);

    const outcomes = await registerOrderPage(db, {
      organizationId: atOnce.orgId,
      storeId: atOnce.storeId,
      orders: page,
      actor: "t",
    });
    const expected = [];
    for (const order of page) {
      try {
        const result = await registerOrder(db, {
          organizationId: oneByOne.orgId,
          storeId: oneByOne.storeId,
          order,
          actor: "t",
        });
        expected.push({ outcome: result.outcome, status: result.status, held: result.held });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        expected.push({ refused: error.code, field: error.field });
      }
    }

    const seen = outcomes.map((o) =>
      o.ok
        ? { outcome: o.result.outcome, status: o.result.status, held: o.result.held }
        : { refused: o.error.code, field: o.error.field },
    );
    expect(seen).toEqual(expected);
    const { byOrder, ...rest } = await books(atOnce.orgId);
    const reference = await books(oneByOne.orgId);
    expect(byOrder).toEqual(reference.byOrder);
    expect(rest.stock).toEqual(reference.stock);
    expect(rest.ledger).toEqual(reference.ledger);
    expect(rest.events).toEqual(reference.events);
    expect(rest.stockChanged).toEqual(reference.stockChanged);
    expect(rest.candidates).toEqual(reference.candidates);
    expect(await stockInvariantViolations(db, atOnce.orgId)).toEqual([]);

    // The page's new orders really were created together: one transaction, one creation time.
    const created = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(DISTINCT created_at)::int AS n FROM orders
          WHERE organization_id = ${atOnce.orgId} AND order_code NOT IN ('R-kept', 'R-changed', 'R-yamada-1', 'R-gone')`,
    );
    expect(created[0]?.n).toBe(1);
    // What the page is about happened: holds, a shortage passed by, bundles with an old and a new slip.
    const status = (code: string) => byOrder.find((o) => (o as { order_code: string }).order_code === code);
    expect(status("R-unknown-item")).toMatchObject({ status: "held" });
    expect(status("R-bank")).toMatchObject({ status: "awaiting_payment", slip: null });
    expect(status("R-short")).toMatchObject({ status: "awaiting_allocation", allocated: false });
    expect(status("R-last-sku2")).toMatchObject({ allocated: true });
    expect(rest.candidates.map((c) => (c as { members: string }).members)).toEqual([
      "R-suzuki-1,R-suzuki-2",
      "R-yamada-1,R-yamada-2,R-yamada-3",
    ]);
  });
});
