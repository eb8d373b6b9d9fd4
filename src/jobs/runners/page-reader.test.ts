import { describe, expect, it } from "vitest";
import { PageReader } from "./page-reader.ts";

interface Page {
  n: number;
  cursor: string | null;
}

/** A channel of `count` pages; page n's cursor names page n + 1. Each fetch waits for `gate` if given. */
function channel(count: number, gate?: () => Promise<void>) {
  const asked: Array<string | null> = [];
  const fetch = async (cursor: string | null): Promise<Page | null> => {
    asked.push(cursor);
    await gate?.();
    const n = cursor === null ? 1 : Number(cursor);
    if (n > count) return null;
    return { n, cursor: n < count ? String(n + 1) : null };
  };
  return { fetch, asked };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("reading a channel's pages ahead", () => {
  it("hands over the pages that arrived, in order, at most as many as asked, then nothing", async () => {
    const { fetch } = channel(5);
    const reader = new PageReader(fetch, null, 8);
    await tick(); // all five arrive meanwhile
    expect((await reader.take(3)).map((p) => p.n)).toEqual([1, 2, 3]);
    expect((await reader.take(3)).map((p) => p.n)).toEqual([4, 5]);
    expect(await reader.take(3)).toEqual([]);
  });

  it("gives one page as soon as it comes when the channel is slow, and reads no further ahead than asked", async () => {
    let release: () => void = () => undefined;
    const gate = () =>
      new Promise<void>((resolve) => {
        release = resolve;
      });
    const { fetch, asked } = channel(10, gate);
    const reader = new PageReader(fetch, "3", 2);
    const first = reader.take(5);
    await tick();
    release();
    expect((await first).map((p) => p.n)).toEqual([3]);
    for (let i = 0; i < 3; i++) {
      await tick();
      release();
    }
    await tick();
    expect(asked).toEqual(["3", "4", "5"]); // page 3 taken, 4 and 5 read ahead, none further
    expect((await reader.take(5)).map((p) => p.n)).toEqual([4, 5]);
    await tick();
    expect(asked).toEqual(["3", "4", "5", "6"]); // taking them makes room
  });

  it("answers a failed fetch after the pages before it", async () => {
    const fetch = async (cursor: string | null): Promise<Page | null> => {
      if (cursor === "2") throw new Error("channel down");
      return { n: 1, cursor: "2" };
    };
    const reader = new PageReader(fetch, null, 4);
    await tick();
    expect((await reader.take(4)).map((p) => p.n)).toEqual([1]);
    await expect(reader.take(4)).rejects.toThrow("channel down");
  });
});
