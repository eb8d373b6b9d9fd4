// What one run has done so far: counts and the first errors, in the channel's own words. Channel calls go
// through `call`, which retries transient failures with exponential back-off (honouring Retry-After) and
// writes every failed attempt to the journal, so the history shows the retries.
import pRetry from "p-retry";
import { isChannelError } from "../channels/errors.ts";
import { emptyCounts, type RunCounts, type RunError } from "./run-history.ts";

export interface RetryPolicy {
  retries: number;
  minTimeoutMs: number;
  /** Longest wait a Retry-After may impose before the run gives up and the job is retried later. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 4, minTimeoutMs: 250, maxRetryAfterMs: 30_000 };

export class RunJournal {
  readonly counts: RunCounts = emptyCounts();
  readonly errors: RunError[] = [];

  constructor(private readonly retry: RetryPolicy = defaultRetryPolicy) {}

  count(key: keyof RunCounts, by = 1): void {
    this.counts[key] += by;
  }

  error(entry: Omit<RunError, "at">): void {
    if (this.errors.length < 50) this.errors.push({ ...entry, at: new Date().toISOString() });
  }

  /** Calls the channel; retries transient and rate-limited failures, then gives up with the last error. */
  call<T>(what: string, work: () => Promise<T>): Promise<T> {
    return pRetry(work, {
      retries: this.retry.retries,
      minTimeout: this.retry.minTimeoutMs,
      factor: 2,
      randomize: true,
      shouldRetry: ({ error }) => isChannelError(error) && error.retryable,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        const channelError = isChannelError(error) ? error : undefined;
        const willRetry = Boolean(channelError?.retryable) && retriesLeft > 0;
        this.error({
          message: `${what}: attempt ${attemptNumber} failed: ${error.message}${willRetry ? " (retrying)" : ""}`,
          channelMessage: channelError?.channelMessage || undefined,
          kind: channelError?.kind ?? "internal",
        });
        const retryAfter = channelError?.retryAfterMs;
        if (willRetry && retryAfter) await sleep(Math.min(retryAfter, this.retry.maxRetryAfterMs));
      },
    });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
