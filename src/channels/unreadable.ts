// Reading a page of channel orders one by one: an order the connector cannot read goes to the page's
// `rejected` (kept for review by the engine) instead of failing the page for every other order.
import { isChannelError } from "./errors.ts";
import type { UnreadableOrder } from "./types.ts";

/** `read` each raw order; a ChannelError `invalid` it throws sets that order aside with its message. */
export function readEach<Raw, Read>(
  raws: Raw[],
  read: (raw: Raw) => Read,
  describe: (raw: Raw) => { orderCode: string | null; payload: unknown },
): { read: Read[]; rejected: UnreadableOrder[] } {
  const done: Read[] = [];
  const rejected: UnreadableOrder[] = [];
  for (const raw of raws) {
    try {
      done.push(read(raw));
    } catch (error) {
      if (!isChannelError(error) || error.kind !== "invalid") throw error;
      const field = /\(([\w.]+): /.exec(error.message)?.[1];
      rejected.push({ ...describe(raw), message: error.message, field });
    }
  }
  return { read: done, rejected };
}
