import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { receiveMail } from "../../src/mail/intake.ts";
import { type Api, merchantClient, useApi } from "../api/support.ts";
import { givenMerchant } from "../support/fixtures.ts";
import { buildMail, orderMailTemplate, orderMailText } from "./messages.ts";

let db: Db;
let api: Api;
useApi((env) => {
  db = env.db;
  api = env.api;
});

async function merchantWithInbox(address: string) {
  const m = await givenMerchant(db);
  await m.product("SKU-1", 10);
  const client = merchantClient(api, m);
  const inbox = await client.put(`/stores/${m.storeId}/mail-inbox`, {
    address,
    defaultPaymentMethod: "credit_card",
    defaultDeliveryMethod: "takkyubin",
  });
  expect(inbox.status).toBe(200);
  return { ...m, client };
}

const mailText = (orderCode: string, quantity = "1") =>
  orderMailText({ orderCode, items: [{ code: "SKU-1", name: "商品", quantity: 1, price: 500 }] }).replace(
    "数量　　：1個",
    `数量　　：${quantity}個`,
  );

describe("the mail API", () => {
  it("sets a store's inbox, and refuses an address another store already uses", async () => {
    const { client, storeId } = await merchantWithInbox("Orders+API1@Kura.Example.jp");

    const inbox = await client.get(`/stores/${storeId}/mail-inbox`);
    expect(inbox.body).toMatchObject({ address: "orders+api1@kura.example.jp", stockMode: "reserve" });
    expect((await client.get("/mail/inboxes")).body.data).toEqual([
      expect.objectContaining({ storeId, address: "orders+api1@kura.example.jp" }),
    ]);

    const other = await givenMerchant(db);
    const taken = await merchantClient(api, other).put(`/stores/${other.storeId}/mail-inbox`, {
      address: "orders+api1@kura.example.jp",
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: "address_taken", field: "address" });
  });

  it("refuses a template that does not compile, naming the template line", async () => {
    const { client, storeId } = await merchantWithInbox("orders+api2@kura.example.jp");

    const answer = await client.post(`/stores/${storeId}/mail-templates`, {
      name: "壊れた",
      body: "order_code: ^注文番号:(\\S+)\nline: ^(?<code>\\S+) (?<quantity>\\d+\n",
    });

    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: "invalid_template", field: "body" });
    expect(answer.body.error.message).toMatch(/^template line 2: "line" is not a valid regular expression/);
  });

  it("tests a template against a pasted mail: what it extracts, or the line it fails on", async () => {
    const { client, storeId } = await merchantWithInbox("orders+api3@kura.example.jp");

    const good = await client.post(`/stores/${storeId}/mail-templates/test`, {
      template: orderMailTemplate,
      mail: mailText("API-T-1"),
      subject: "ご注文ありがとうございます",
    });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({
      ok: true,
      applies: true,
      extracted: { orderCode: "API-T-1", items: [{ code: "SKU-1", quantity: 1, unitPrice: 500 }] },
      order: { orderCode: "API-T-1", paymentMethod: "credit_card", lines: [{ itemCode: "SKU-1" }] },
    });

    const source = buildMail({
      charset: "Shift_JIS",
      subject: "お知らせ",
      text: mailText("API-T-2", "たくさん"),
    });
    const bad = await client.post(`/stores/${storeId}/mail-templates/test`, {
      template: orderMailTemplate,
      mail: source.toString("latin1"),
      format: "source",
    });
    const line =
      mailText("API-T-2", "たくさん")
        .split("\n")
        .findIndex((l) => l.startsWith("数量")) + 1;
    expect(bad.body).toMatchObject({
      ok: false,
      applies: false,
      subject: "お知らせ",
      error: { stage: "mail", code: "invalid_value", line },
    });
  });

  it("lists a mail the template could not read for review, and reads it again once the template is fixed", async () => {
    const { client, storeId } = await merchantWithInbox("orders+api4@kura.example.jp");
    // This first template takes the unit 個 into the quantity: every mail fails on its 数量 line.
    const created = await client.post(`/stores/${storeId}/mail-templates`, {
      name: "受注メール",
      body: orderMailTemplate.replace(
        "quantity: ^数量\\s*:\\s*(\\S+?)個?$",
        "quantity: ^数量\\s*:\\s*(\\S+)$",
      ),
    });
    expect(created.status).toBe(201);
    const source = buildMail({
      charset: "UTF-8",
      subject: "ご注文ありがとうございます",
      text: mailText("API-R-1", "２"),
      to: "orders+api4@kura.example.jp",
    });

    const outcome = await receiveMail(db, { recipient: "orders+api4@kura.example.jp", source });
    expect(outcome.status).toBe("failed");

    const review = await client.get(`/mail/messages?review=true&storeId=${storeId}`);
    expect(review.body.data).toEqual([
      expect.objectContaining({ id: outcome.mailId, status: "failed", reasonCode: "invalid_value" }),
    ]);
    expect(review.body.data[0].reason).toMatch(/"quantity" took "2個"/);
    const one = await client.get(`/mail/messages/${outcome.mailId}`);
    expect(one.body.text).toContain("【受注番号】API-R-1");

    await client.patch(`/stores/${storeId}/mail-templates/${created.body.id}`, { body: orderMailTemplate });
    const again = await client.post(`/mail/messages/${outcome.mailId}/reprocess`);

    expect(again.body).toMatchObject({ status: "registered", orderCode: "API-R-1" });
    expect((await client.get(`/mail/messages?review=true&storeId=${storeId}`)).body.data).toEqual([]);
    const other = merchantClient(api, await givenMerchant(db));
    expect((await other.get(`/mail/messages/${outcome.mailId}`)).status).toBe(404);
  });
});
