// Reading a channel's XML answer. fast-xml-parser reads what it can of a document and does not check
// that it is whole: an answer cut off after a closing tag (a connection closed mid-answer) parses into a
// shorter page, and the orders after the cut would be skipped without a word. So every answer is checked
// for being well-formed first, and one that is not is a transient failure, as malformed JSON is: the same
// call is made again.
import type { XMLParser } from "fast-xml-parser";
import { ChannelError } from "../errors.ts";

export function parseXmlAnswer(parser: XMLParser, body: unknown, channel: string, what: string): unknown {
  const text = typeof body === "string" ? body : String(body ?? "");
  try {
    return parser.parse(text, true); // true: validate, and throw on a document that is not well-formed
  } catch (error) {
    throw new ChannelError({
      kind: "transient",
      channel,
      message: `${channel}: ${what} answered malformed XML (${text.length} bytes: ${error instanceof Error ? error.message : String(error)})`,
      channelMessage: text.slice(0, 200),
      cause: error,
    });
  }
}
