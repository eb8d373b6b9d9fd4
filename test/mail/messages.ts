// Order mails as carts send them: raw RFC 5322 messages in ISO-2022-JP, Shift_JIS or UTF-8, plain or HTML,
// built byte by byte here so the tests do not trust the code under test to encode them.
import iconv from "iconv-lite";

export type Charset = "ISO-2022-JP" | "Shift_JIS" | "UTF-8";

/** ISO-2022-JP (RFC 1468): ASCII, and JIS X 0208 between ESC $ B … ESC ( B, derived from Shift_JIS. */
export function encodeIso2022jp(text: string): Buffer {
  const out: number[] = [];
  let inJis = false;
  for (const char of text) {
    const sjis = iconv.encode(char, "Shift_JIS");
    if (sjis.length === 1 && (sjis[0] as number) < 0x80) {
      if (inJis) out.push(0x1b, 0x28, 0x42);
      inJis = false;
      out.push(sjis[0] as number);
      continue;
    }
    if (sjis.length !== 2) throw new Error(`"${char}" has no ISO-2022-JP form`);
    if (!inJis) out.push(0x1b, 0x24, 0x42);
    inJis = true;
    let j1 = sjis[0] as number;
    let j2 = sjis[1] as number;
    if (j1 >= 0xe0) j1 -= 0x40;
    j1 = (j1 - 0x81) * 2 + 0x21;
    if (j2 >= 0x9f) {
      j1 += 1;
      j2 -= 0x7e;
    } else {
      j2 -= j2 >= 0x80 ? 0x20 : 0x1f;
    }
    out.push(j1, j2);
  }
  if (inJis) out.push(0x1b, 0x28, 0x42);
  return Buffer.from(out);
}

export function encodeText(text: string, charset: Charset): Buffer {
  if (charset === "ISO-2022-JP") return encodeIso2022jp(text);
  return iconv.encode(text, charset);
}

/** RFC 2047 encoded-word, B encoding. */
const encodedWord = (text: string, charset: Charset) =>
  `=?${charset}?B?${encodeText(text, charset).toString("base64")}?=`;

function quotedPrintable(bytes: Buffer): string {
  let line = "";
  const lines: string[] = [];
  for (const byte of bytes) {
    if (byte === 0x0a) {
      lines.push(line);
      line = "";
      continue;
    }
    if (byte === 0x0d) continue;
    const piece =
      (byte >= 0x21 && byte <= 0x7e && byte !== 0x3d) || byte === 0x20
        ? String.fromCharCode(byte)
        : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    if (line.length + piece.length > 75) {
      lines.push(`${line}=`);
      line = "";
    }
    line += piece;
  }
  lines.push(line);
  return lines.join("\r\n");
}

export interface MailSpec {
  charset: Charset;
  subject: string;
  text?: string;
  html?: string;
  transferEncoding?: "7bit" | "base64" | "quoted-printable";
  from?: string;
  to?: string;
  messageId?: string;
}

function part(contentType: string, body: string, spec: MailSpec): string {
  const bytes = encodeText(body.replace(/\r?\n/g, "\r\n"), spec.charset);
  const encoding = spec.transferEncoding ?? (spec.charset === "ISO-2022-JP" ? "7bit" : "base64");
  const encoded =
    encoding === "base64"
      ? (bytes.toString("base64").match(/.{1,76}/g) ?? []).join("\r\n")
      : encoding === "quoted-printable"
        ? quotedPrintable(bytes)
        : bytes.toString("latin1");
  return [
    `Content-Type: ${contentType}; charset=${spec.charset}`,
    `Content-Transfer-Encoding: ${encoding}`,
    "",
    encoded,
  ].join("\r\n");
}

/** A whole message; text and html together become multipart/alternative. */
export function buildMail(spec: MailSpec): Buffer {
  const headers = [
    `From: ${spec.from ?? "shop@cart.example.jp"}`,
    `To: ${spec.to ?? "orders@kura.example.jp"}`,
    `Subject: ${encodedWord(spec.subject, spec.charset)}`,
    "Date: Mon, 23 Nov 2026 10:15:00 +0900",
    `Message-ID: ${spec.messageId ?? `<${Math.random().toString(36).slice(2)}@cart.example.jp>`}`,
    "MIME-Version: 1.0",
  ];
  let body: string;
  if (spec.text !== undefined && spec.html !== undefined) {
    const boundary = "kura-boundary-42";
    body = [
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      "",
      `--${boundary}`,
      part("text/plain", spec.text, spec),
      `--${boundary}`,
      part("text/html", spec.html, spec),
      `--${boundary}--`,
      "",
    ].join("\r\n");
  } else if (spec.html !== undefined) {
    body = part("text/html", spec.html, spec);
  } else {
    body = part("text/plain", spec.text ?? "", spec);
  }
  return Buffer.from(`${headers.join("\r\n")}\r\n${body}\r\n`, "latin1");
}

/** A cart's order-acceptance mail (受注メール) for the template below. */
export function orderMailText(order: {
  orderCode: string;
  items: Array<{ code: string; name: string; quantity: number; price: number }>;
}): string {
  const lines = [
    "このメールはお客様の注文に関する大切なメールです。",
    "",
    `【受注番号】${order.orderCode}`,
    "【注文日時】2026年11月23日 10時15分",
    "【ご注文者】山田 太郎 様",
    "【メールアドレス】taro@example.jp",
    "",
    "■ご注文商品",
    "------------------------------------------",
  ];
  for (const item of order.items) {
    lines.push(`商品番号：${item.code}`);
    lines.push(`商品名　：${item.name}`);
    lines.push(`価格　　：${item.price.toLocaleString("ja-JP")}円`);
    lines.push(`数量　　：${item.quantity}個`);
    lines.push("------------------------------------------");
  }
  const total = order.items.reduce((sum, i) => sum + i.price * i.quantity, 0);
  lines.push(`■お支払合計：${total.toLocaleString("ja-JP")}円`, "", "またのご利用をお待ちしております。");
  return lines.join("\n");
}

export const orderMailTemplate = [
  "# 受注メール (カート標準)",
  "subject: ご注文",
  "order_code: ^【受注番号】(\\S+)",
  "ordered_at: ^【注文日時】(.+)$",
  "buyer_name: ^【ご注文者】(.+?)\\s*様",
  "buyer_email: ^【メールアドレス】(\\S+)",
  "items_from: ^■ご注文商品",
  "items_until: ^■お支払合計",
  "item_code: ^商品番号\\s*:\\s*(\\S+)",
  "item_name: ^商品名\\s*:\\s*(.+)$",
  "unit_price: ^価格\\s*:\\s*([\\d,]+)円",
  "quantity: ^数量\\s*:\\s*(\\S+?)個?$",
  "total: ^■お支払合計:([\\d,]+)円",
].join("\n");

/** Sends a raw message with nodemailer, a real SMTP client, to a listener on loopback. */
export async function sendRawMail(options: {
  port: number;
  to: string;
  raw: Buffer;
  auth?: { user: string; pass: string };
  from?: string;
}) {
  const { createTransport } = await import("nodemailer");
  const transport = createTransport({
    host: "127.0.0.1",
    port: options.port,
    secure: false,
    ignoreTLS: true,
    auth: options.auth,
    connectionTimeout: 10_000,
  });
  try {
    return await transport.sendMail({
      envelope: { from: options.from ?? "shop@cart.example.jp", to: options.to },
      raw: options.raw,
    });
  } finally {
    transport.close();
  }
}
