// A channel call that failed, typed so the sync engine can decide: retry later, wait, or stop and tell the operator.

/**
 * - `transient`: 5xx, timeout, network failure; the same call may succeed later.
 * - `rate_limited`: the channel asked us to slow down; wait `retryAfterMs` (when given) and retry.
 * - `auth`: credentials are wrong, expired or lack a permission; stop until the merchant fixes them.
 * - `invalid`: the channel refused the request (or answered with a shape we do not understand); do not retry.
 * - `not_found`: the resource (order, request id, item) does not exist on the channel.
 */
export type ChannelErrorKind = "transient" | "rate_limited" | "auth" | "invalid" | "not_found";

export interface ChannelErrorDetails {
  kind: ChannelErrorKind;
  /** The channel id, e.g. "test", "rakuten". */
  channel: string;
  /** Our sentence for the operator. */
  message: string;
  /** The channel's own message, exactly as it sent it ("" when it sent none). */
  channelMessage?: string;
  /** The channel's own error code, e.g. "ES01-01". */
  code?: string;
  /** HTTP status, when there was a response. */
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

export class ChannelError extends Error {
  readonly kind: ChannelErrorKind;
  readonly channel: string;
  readonly channelMessage: string;
  readonly code?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(details: ChannelErrorDetails) {
    super(details.message, { cause: details.cause });
    this.name = "ChannelError";
    this.kind = details.kind;
    this.channel = details.channel;
    this.channelMessage = details.channelMessage ?? "";
    this.code = details.code;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** Worth trying again later without anyone changing anything. */
  get retryable(): boolean {
    return this.kind === "transient" || this.kind === "rate_limited";
  }
}

export function isChannelError(error: unknown): error is ChannelError {
  return error instanceof ChannelError;
}
