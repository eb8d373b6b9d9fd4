// Turns a received mail (RFC 5322 bytes) into text a template can read: any charset mailparser knows
// (ISO-2022-JP, Shift_JIS, EUC-JP, UTF-8 …), quoted-printable or base64, plain text or HTML only. A mail
// forwarded as an attachment (message/rfc822) is read from the attached original.
import { type ParsedMail, simpleParser } from "mailparser";

export interface DecodedMail {
  subject: string;
  from: string | null;
  messageId: string | null;
  date: Date | null;
  /** The body as plain text, lines separated by \n. */
  text: string;
}

const parserOptions = { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true };

export async function decodeMail(source: Buffer): Promise<DecodedMail> {
  const mail = await simpleParser(source, parserOptions);
  const forwarded = mail.attachments.find((a) => a.contentType === "message/rfc822");
  const ownText = bodyText(mail);
  if (forwarded) {
    // Forwarded as an attachment: the original carries the order; the forwarding note is kept above it.
    const original = await simpleParser(forwarded.content, parserOptions);
    return {
      subject: original.subject ?? mail.subject ?? "",
      from: original.from?.text ?? mail.from?.text ?? null,
      messageId: mail.messageId ?? original.messageId ?? null,
      date: original.date ?? mail.date ?? null,
      text: [ownText.trim(), bodyText(original)].filter(Boolean).join("\n\n"),
    };
  }
  return {
    subject: mail.subject ?? "",
    from: mail.from?.text ?? null,
    messageId: mail.messageId ?? null,
    date: mail.date ?? null,
    text: ownText,
  };
}

function bodyText(mail: ParsedMail): string {
  if (mail.text && mail.text.trim() !== "") return normalizeNewlines(mail.text);
  if (typeof mail.html === "string") return htmlToText(mail.html);
  return "";
}

const normalizeNewlines = (text: string) => text.replace(/\r\n?/g, "\n");

const entities: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  yen: "¥",
};

/** Enough HTML → text for order mails: block elements and <br> become line breaks, table cells spaces. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|tr|li|h[1-6]|table|section|article)>/gi, "\n")
    .replace(/<\/t[dh]>/gi, " ")
    .replace(/<[^>]+>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
      if (entity.startsWith("#x") || entity.startsWith("#X"))
        return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
      if (entity.startsWith("#")) return String.fromCodePoint(Number(entity.slice(1)));
      return entities[entity.toLowerCase()] ?? whole;
    });
  return normalizeNewlines(text)
    .split("\n")
    .map((line) => line.replace(/[ \t]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
