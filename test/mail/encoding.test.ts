import { describe, expect, it } from "vitest";
import { decodeMail } from "../../src/mail/decode.ts";
import { compileTemplate, extractOrder } from "../../src/mail/template.ts";
import { buildMail, type Charset, orderMailTemplate, orderMailText } from "./messages.ts";

const text = orderMailText({
  orderCode: "20261123-0007",
  items: [
    { code: "TEA-SENCHA-100", name: "静岡煎茶 100g（深蒸し）", quantity: 2, price: 1080 },
    { code: "TENUGUI", name: "手ぬぐい 鯉のぼり柄・紺", quantity: 1, price: 1320 },
  ],
});
const subject = "【テスト商店】ご注文ありがとうございます（受注番号 20261123-0007）";

const charsets: Charset[] = ["ISO-2022-JP", "Shift_JIS", "UTF-8"];

describe("decoding order mails", () => {
  for (const charset of charsets) {
    it(`reads a plain-text mail in ${charset}: subject and body come out as written`, async () => {
      const mail = await decodeMail(buildMail({ charset, subject, text }));

      expect(mail.subject).toBe(subject);
      expect(mail.text.trim()).toBe(text);
      expect(extractOrder(compileTemplate(orderMailTemplate), mail.text).items.map((i) => i.name)).toEqual([
        "静岡煎茶 100g(深蒸し)",
        "手ぬぐい 鯉のぼり柄・紺",
      ]);
    });
  }

  it("reads Shift_JIS sent as quoted-printable and UTF-8 sent as base64 alike", async () => {
    const qp = await decodeMail(
      buildMail({ charset: "Shift_JIS", subject, text, transferEncoding: "quoted-printable" }),
    );
    const b64 = await decodeMail(buildMail({ charset: "UTF-8", subject, text, transferEncoding: "base64" }));

    expect(qp.text.trim()).toBe(text);
    expect(b64.text.trim()).toBe(text);
  });

  it("reads an HTML-only mail as text, line by line, so the same template applies", async () => {
    const html = `<html><head><style>p{color:red}</style></head><body>${text
      .split("\n")
      .map((line) => `<p>${line.replace(/&/g, "&amp;")}</p>`)
      .join("\n")}</body></html>`;

    const mail = await decodeMail(buildMail({ charset: "ISO-2022-JP", subject, html }));

    const order = extractOrder(compileTemplate(orderMailTemplate), mail.text);
    expect(order.orderCode).toBe("20261123-0007");
    expect(order.items.map((i) => [i.code, i.quantity])).toEqual([
      ["TEA-SENCHA-100", 2],
      ["TENUGUI", 1],
    ]);
  });

  it("prefers the plain-text part of a multipart/alternative mail", async () => {
    const mail = await decodeMail(
      buildMail({ charset: "Shift_JIS", subject, text, html: "<p>HTML版は読みません</p>" }),
    );

    expect(mail.text.trim()).toBe(text);
  });

  it("reads the original of a mail forwarded as an attachment, in its own charset", async () => {
    const original = buildMail({ charset: "ISO-2022-JP", subject, text });
    const forward = Buffer.concat([
      Buffer.from(
        [
          "From: owner@shop.example.jp",
          "To: orders@kura.example.jp",
          "Subject: Fwd: order",
          "MIME-Version: 1.0",
          'Content-Type: multipart/mixed; boundary="fwd-1"',
          "",
          "--fwd-1",
          "Content-Type: text/plain; charset=UTF-8",
          "",
          "Forwarded.",
          "--fwd-1",
          "Content-Type: message/rfc822",
          "",
          "",
        ].join("\r\n"),
      ),
      original,
      Buffer.from("\r\n--fwd-1--\r\n"),
    ]);

    const mail = await decodeMail(forward);

    expect(mail.subject).toBe(subject);
    expect(mail.text).toContain(text);
    expect(extractOrder(compileTemplate(orderMailTemplate), mail.text).orderCode).toBe("20261123-0007");
  });
});
