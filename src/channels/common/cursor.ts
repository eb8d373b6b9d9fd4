// The opaque cursor a connector hands out with each page of orders: where to resume, tied to the window it
// pages through so that it cannot resume another. Stored by the engine between runs, so its encoding stays
// stable: `{w: [from, to], ...position}` as base64url JSON, the position's fields in the connector's own names.
import type { OrderWindow } from "../types.ts";

export function encodeCursor(window: OrderWindow, position: object): string {
  const data = { w: [window.from.getTime(), window.to.getTime()], ...position };
  return Buffer.from(JSON.stringify(data)).toString("base64url");
}

/**
 * The position `cursor` holds, read by `read` (undefined when a field it needs is missing). A cursor that is
 * not one, or that belongs to another window, is a TypeError. `article` goes before the channel's name in
 * the message ("an ecforce order cursor").
 */
export function decodeCursor<P>(
  channel: string,
  cursor: string,
  window: OrderWindow,
  read: (data: Record<string, unknown>) => P | undefined,
  article = "a",
): P {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new TypeError(`not ${article} ${channel} order cursor: ${cursor}`);
  }
  const [from, to] = Array.isArray(data.w) ? data.w : [];
  if (from !== window.from.getTime() || to !== window.to.getTime()) {
    throw new TypeError(`the ${channel} order cursor belongs to another window`);
  }
  const position = read(data);
  if (position === undefined) throw new TypeError(`not ${article} ${channel} order cursor`);
  return position;
}

/**
 * Cursors for a position made of numbers, each stored under the short key `keys` gives it (in that order):
 * `positionCursors(channel, { phase: "ph", page: "p" })` writes `{w, ph, p}`.
 */
export function positionCursors<K extends string>(channel: string, keys: Record<K, string>, article = "a") {
  const fields = Object.entries(keys) as Array<[K, string]>;
  const read = (data: Record<string, unknown>): Record<K, number> | undefined => {
    const position = {} as Record<K, number>;
    for (const [name, key] of fields) {
      const value = data[key];
      if (typeof value !== "number") return undefined;
      position[name] = value;
    }
    return position;
  };
  return {
    encode: (window: OrderWindow, position: Record<K, number>) =>
      encodeCursor(window, Object.fromEntries(fields.map(([name, key]) => [key, position[name]]))),
    decode: (cursor: string, window: OrderWindow) => decodeCursor(channel, cursor, window, read, article),
  };
}
