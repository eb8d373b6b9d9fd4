import { eq } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { mailMessages } from "../../src/db/schema.ts";
import { createTemplate, setInbox } from "../../src/mail/admin.ts";
import { type MailListener, startMailListener } from "../../src/mail/smtp.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { givenMerchant } from "../support/fixtures.ts";
import { buildMail, orderMailTemplate, orderMailText, sendRawMail } from "./messages.ts";

const auth = { user: "forwarder", password: "s3cret-pass" };
const log = pino({ level: "silent" });
let testDb: TestDatabase;
let db: Db;
let listener: MailListener;
let address: string;
let storeId: number;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.database.db;
  const m = await givenMerchant(db);
  storeId = m.storeId;
  address = `orders+smtp${m.orgId}@kura.example.jp`;
  await setInbox(db, m.orgId, m.storeId, { address });
  await createTemplate(db, m.orgId, m.storeId, { name: "標準", body: orderMailTemplate });
  listener = await startMailListener({ db, host: "127.0.0.1", port: 0, auth, log });
});
afterAll(async () => {
  await listener?.close();
  await testDb?.[Symbol.asyncDispose]();
});

const aMail = (orderCode: string, to = address) =>
  buildMail({
    charset: "ISO-2022-JP",
    subject: "ご注文ありがとうございます",
    to,
    text: orderMailText({ orderCode, items: [{ code: "SKU-1", name: "商品", quantity: 1, price: 100 }] }),
  });

const mailsOfStore = () => db.select().from(mailMessages).where(eq(mailMessages.storeId, storeId));

describe("the SMTP listener", () => {
  it("accepts a mail for a known inbox from a client that logged in, and keeps it", async () => {
    const sent = await sendRawMail({
      port: listener.port,
      to: address,
      raw: aMail("SMTP-OK-1"),
      auth: { user: auth.user, pass: auth.password },
    });

    expect(sent.accepted).toEqual([address]);
    const stored = (await mailsOfStore()).find((m) => m.orderCode === "SMTP-OK-1");
    expect(stored?.recipient).toBe(address);
  });

  it("refuses wrong credentials at the SMTP level (535), and stores nothing", async () => {
    const before = (await mailsOfStore()).length;

    const error = await sendRawMail({
      port: listener.port,
      to: address,
      raw: aMail("SMTP-BAD-AUTH"),
      auth: { user: auth.user, pass: "wrong-password" },
    }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "EAUTH", responseCode: 535 });
    expect(await mailsOfStore()).toHaveLength(before);
  });

  it("refuses a client that does not log in when the listener requires it (530)", async () => {
    const error = await sendRawMail({ port: listener.port, to: address, raw: aMail("SMTP-NO-AUTH") }).catch(
      (e: unknown) => e,
    );

    expect(error).toMatchObject({ responseCode: 530 });
  });

  it("refuses an unknown recipient at the SMTP level (550)", async () => {
    const stranger = "orders+nobody@kura.example.jp";

    const error = await sendRawMail({
      port: listener.port,
      to: stranger,
      raw: aMail("SMTP-UNKNOWN", stranger),
      auth: { user: auth.user, pass: auth.password },
    }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "EENVELOPE", responseCode: 550 });
    expect(String((error as Error).message)).toMatch(/no such inbox/);
  });

  it("refuses hosts outside the allow-list when one is set (554)", async () => {
    const guarded = await startMailListener({
      db,
      host: "127.0.0.1",
      port: 0,
      allowedHosts: ["192.0.2.10"],
      log,
    });
    try {
      const error = await sendRawMail({ port: guarded.port, to: address, raw: aMail("SMTP-HOST") }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ responseCode: 554 });
    } finally {
      await guarded.close();
    }
  });

  it("lets allowed hosts in without credentials when none are configured", async () => {
    const open = await startMailListener({
      db,
      host: "127.0.0.1",
      port: 0,
      allowedHosts: ["127.0.0.1"],
      log,
    });
    try {
      const sent = await sendRawMail({ port: open.port, to: address, raw: aMail("SMTP-ALLOWED") });
      expect(sent.accepted).toEqual([address]);
    } finally {
      await open.close();
    }
  });
});
