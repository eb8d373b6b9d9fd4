// Order windows split into the slices a channel accepts, paged, and resumable from an opaque cursor tied to
// its window: the part every polling connector shares.
import type { OrderPage, OrderWindow } from "../types.ts";
import { positionCursors } from "./cursor.ts";

/** One page of a slice: its orders (and those that could not be read), and whether another page follows. */
export interface SlicePage extends Pick<OrderPage, "orders" | "rejected"> {
  hasNext: boolean;
}

const dayMs = 86_400_000;

/** Pages of orders over `window`, in slices of at most `maxWindowDays`, from `cursor` when given. */
export async function* slicedPages(
  channel: string,
  window: OrderWindow,
  cursor: string | null | undefined,
  maxWindowDays: number,
  fetchPage: (slice: OrderWindow, page: number) => Promise<SlicePage>,
): AsyncIterable<OrderPage> {
  if (window.from >= window.to) return;
  const cursors = positionCursors(channel, { sliceFrom: "s", page: "p" });
  let position: Position | null = cursor
    ? cursors.decode(cursor, window)
    : { sliceFrom: window.from.getTime(), page: 1 };
  while (position) {
    const sliceTo = Math.min(position.sliceFrom + maxWindowDays * dayMs, window.to.getTime());
    const { hasNext, ...page } = await fetchPage(
      { from: new Date(position.sliceFrom), to: new Date(sliceTo) },
      position.page,
    );
    const next: Position | null = hasNext
      ? { sliceFrom: position.sliceFrom, page: position.page + 1 }
      : sliceTo < window.to.getTime()
        ? { sliceFrom: sliceTo, page: 1 }
        : null;
    yield { ...page, cursor: next && cursors.encode(window, next) };
    position = next;
  }
}

interface Position {
  /** Start of the current slice (ms); slices are maxWindowDays long. */
  sliceFrom: number;
  page: number;
}
