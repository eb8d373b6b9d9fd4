import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { findStockDiscrepancies } from "../../src/db/repositories/stock.ts";
import { orders, products, shipments, stockLevels } from "../../src/db/schema.ts";
import { createTemplate, setInbox } from "../../src/mail/admin.ts";
import { receiveMail } from "../../src/mail/intake.ts";
import { useTestDatabase } from "../support/database.ts";
import { givenMerchant } from "../support/fixtures.ts";
import { buildMail, orderMailTemplate, orderMailText } from "./messages.ts";

let db: Db;
useTestDatabase((env) => ({ db } = env));

async function mailStore(stockMode: "reserve" | "consume", address: string) {
  const m = await givenMerchant(db);
  await m.product("TEA-1", 5);
  await setInbox(db, m.orgId, m.storeId, {
    address,
    stockMode,
    defaultPaymentMethod: "credit_card",
    defaultDeliveryMethod: "takkyubin",
  });
  await createTemplate(db, m.orgId, m.storeId, { name: "標準", body: orderMailTemplate });
  return m;
}

const mail = (to: string, orderCode: string, quantity: number, html = false) => {
  const text = orderMailText({ orderCode, items: [{ code: "TEA-1", name: "煎茶", quantity, price: 1000 }] });
  return buildMail({
    charset: "ISO-2022-JP",
    subject: "ご注文ありがとうございます",
    to,
    ...(html
      ? {
          html: text
            .split("\n")
            .map((l) => `<div>${l}</div>`)
            .join(""),
        }
      : { text }),
  });
};

async function level(orgId: number) {
  const [row] = await db
    .select({ onHand: stockLevels.onHand, reserved: stockLevels.reserved })
    .from(stockLevels)
    .innerJoin(products, eq(products.id, stockLevels.productId))
    .where(and(eq(products.organizationId, orgId), eq(products.code, "TEA-1")));
  return row;
}

describe("an order mail registered on its store", () => {
  it("reserves stock and makes a shipment slip when the store ships through Kura", async () => {
    const m = await mailStore("reserve", "orders+reserve@kura.example.jp");

    const outcome = await receiveMail(db, {
      recipient: "orders+reserve@kura.example.jp",
      source: mail("orders+reserve@kura.example.jp", "R-1", 2, true),
    });

    expect(outcome).toMatchObject({ status: "registered", orderCode: "R-1" });
    const [order] = await db
      .select()
      .from(orders)
      .where(eq(orders.id, outcome.orderId as number));
    expect(order?.status).toBe("awaiting_shipment");
    const [slip] = await db
      .select()
      .from(shipments)
      .where(eq(shipments.id, order?.shipmentId as number));
    expect(slip?.status).toBe("allocated");
    expect(await level(m.orgId)).toEqual({ onHand: 5, reserved: 2 });
  });

  it("consumes stock at once, without a shipment slip, when the store is stock only", async () => {
    const m = await mailStore("consume", "orders+consume@kura.example.jp");

    const outcome = await receiveMail(db, {
      recipient: "orders+consume@kura.example.jp",
      source: mail("orders+consume@kura.example.jp", "C-1", 2),
    });

    expect(outcome.status).toBe("registered");
    expect(await level(m.orgId)).toEqual({ onHand: 3, reserved: 0 });
    expect(await db.select().from(shipments).where(eq(shipments.storeId, m.storeId))).toEqual([]);
    expect(await findStockDiscrepancies(db, m.orgId)).toEqual([]);
  });

  it("holds a stock-only order Kura has too little stock for, and takes nothing", async () => {
    const m = await mailStore("consume", "orders+short@kura.example.jp");

    const outcome = await receiveMail(db, {
      recipient: "orders+short@kura.example.jp",
      source: mail("orders+short@kura.example.jp", "S-1", 9),
    });

    expect(outcome).toMatchObject({ status: "held" });
    expect(outcome.reason).toMatch(/too little stock for order S-1/);
    expect(await level(m.orgId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await db.select().from(shipments).where(eq(shipments.storeId, m.storeId))).toEqual([]);
  });

  it("keeps a mail no template applies to, with the reason", async () => {
    await mailStore("reserve", "orders+nosubject@kura.example.jp");
    const source = buildMail({
      charset: "UTF-8",
      subject: "メルマガ 11月号",
      to: "orders+nosubject@kura.example.jp",
      text: "今月のおすすめ",
    });

    const outcome = await receiveMail(db, { recipient: "orders+nosubject@kura.example.jp", source });

    expect(outcome).toMatchObject({
      status: "failed",
      reason: 'no active template applies to the subject "メルマガ 11月号"',
    });
  });
});
