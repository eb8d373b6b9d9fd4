import { describe, expect, it } from "vitest";
import { positionCursors } from "./cursor.ts";

const window = { from: new Date("2026-11-20T00:00:00Z"), to: new Date("2026-11-21T00:00:00Z") };
const stored = (data: unknown) => Buffer.from(JSON.stringify(data)).toString("base64url");

describe("order cursors", () => {
  it("write the window, then the position under its short keys in the order given", () => {
    const cursors = positionCursors("ecforce", { phase: "ph", page: "p" });

    const cursor = cursors.encode(window, { phase: 1, page: 3 });

    expect(cursor).toBe(stored({ w: [window.from.getTime(), window.to.getTime()], ph: 1, p: 3 }));
  });

  it("read back a stored cursor of the same window", () => {
    const cursors = positionCursors("yahoo", { phase: "ph", start: "s" });

    const position = cursors.decode(
      stored({ w: [window.from.getTime(), window.to.getTime()], ph: 0, s: 101 }),
      window,
    );

    expect(position).toEqual({ phase: 0, start: 101 });
  });

  it("refuse a cursor of another window, one lacking a field, and one that is not a cursor", () => {
    const cursors = positionCursors("ecforce", { phase: "ph", page: "p" }, "an");
    const w = [window.from.getTime(), window.to.getTime()];

    expect(() => cursors.decode(stored({ w: [0, 1], ph: 0, p: 1 }), window)).toThrow(
      "the ecforce order cursor belongs to another window",
    );
    expect(() => cursors.decode(stored({ w, ph: 0 }), window)).toThrow("not an ecforce order cursor");
    expect(() => cursors.decode("%%%", window)).toThrow(TypeError);
  });
});
