// Keys a merchant reissues by hand (au PAY every 90 days, Qoo10 every year) are recorded with their expiry
// date; once it has passed, the connector refuses to call with the reason and what to do.
import { ChannelError } from "../errors.ts";

/** Throws ChannelError `auth` (code `api_key_expired`) when `expiresAt` has passed. */
export function ensureKeyValid(channel: string, expiresAt: Date | null | undefined, advice: string): void {
  if (!expiresAt || expiresAt.getTime() > Date.now()) return;
  const day = new Date(expiresAt.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
  throw new ChannelError({
    kind: "auth",
    channel,
    code: "api_key_expired",
    message: `${channel}: the API key expired on ${day} (Japan time); ${advice}`,
  });
}
