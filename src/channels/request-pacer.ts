// Request pacing for one channel account: the spacing between request starts that keeps a client under the
// channel's published rate, wider after a 429. Every client of one store's account in this process (its
// import, stock push and shipment notice, running at once) shares one pacer, so together they stay under
// the rate the channel counts per account, not each under it alone.

/** Network latency varies, so requests are spaced wider than the published rate (a sliding-window limiter
 * counts arrivals, which bunch up). */
const pacingMargin = 1.15;
/** However often a channel answers 429, a client never waits longer than this between requests. */
const maxSlowedIntervalMs = 10_000;

export class RequestPacer {
  /** The spacing the channel's published rate allows. */
  readonly #baseIntervalMs: number;
  /** The spacing now: wider after a 429, back to the base step by step as answers succeed. */
  #intervalMs: number;
  #nextSlot = 0;

  constructor(requestsPerSecond: number) {
    this.#baseIntervalMs = Math.ceil((1000 / requestsPerSecond) * pacingMargin);
    this.#intervalMs = this.#baseIntervalMs;
  }

  /** Waits for this request's turn. */
  async turn(): Promise<void> {
    const now = Date.now();
    const wait = this.#nextSlot - now;
    this.#nextSlot = Math.max(now, this.#nextSlot) + this.#intervalMs;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /**
   * An answer that was not a 429 earns back a tenth of the extra spacing, so one 429 (another process
   * using the same key, a burst on the channel's side) slows a long run for a while, not to its end.
   */
  answered(): void {
    if (this.#intervalMs <= this.#baseIntervalMs) return;
    const next = this.#baseIntervalMs + (this.#intervalMs - this.#baseIntervalMs) * 0.9;
    this.#intervalMs = next - this.#baseIntervalMs < 1 ? this.#baseIntervalMs : next;
  }

  /**
   * The channel said 429: nothing more before Retry-After, and from then on at most one request per
   * Retry-After (or half the rate without one): a retry must not meet the same limit again.
   */
  rateLimited(retryAfterMs = 0): void {
    this.#intervalMs = Math.min(maxSlowedIntervalMs, Math.max(this.#intervalMs * 2, retryAfterMs, 100));
    this.#nextSlot = Math.max(this.#nextSlot, Date.now() + retryAfterMs);
  }
}

const shared = new Map<string, RequestPacer>();

/**
 * The pacer of one account at one rate, the same object for every client that names the same account (a
 * client without one gets its own). The rate is part of the key: a channel that limits its endpoints
 * apart gives each its own rate.
 */
export function pacerFor(requestsPerSecond: number, account?: string): RequestPacer {
  if (account === undefined) return new RequestPacer(requestsPerSecond);
  const key = `${account}@${requestsPerSecond}`;
  let pacer = shared.get(key);
  if (!pacer) {
    pacer = new RequestPacer(requestsPerSecond);
    shared.set(key, pacer);
  }
  return pacer;
}

/** For a channel that counts its rate per API (RMS per API, Yahoo! per URL): each API's own account name. */
export const perApiAccount = (account: string | undefined, api: string): string | undefined =>
  account === undefined ? undefined : `${account}/${api}`;
