// OAuth2 refresh-token grants (RFC 6749 §6): the token answer, the error body, and a refused grant read as
// the merchant's to fix. How each channel sends the grant (path, client authentication) stays in its client.
import { z } from "zod";
import { ChannelError } from "../errors.ts";
import { refusedCredentials } from "./auth.ts";

export interface RefreshGrant {
  refreshToken: string;
  clientId: string;
  clientSecret: string;
}

export const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().nullish(),
  refresh_token: z.string().min(1).nullish(),
});

/** `{"error":"invalid_grant","error_description":"…"}` (RFC 6749 §5.2). */
export function readOAuthError(body: unknown): { code?: string; message?: string } | undefined {
  const parsed = z.object({ error: z.string(), error_description: z.string().optional() }).safeParse(body);
  return parsed.success ? { code: parsed.data.error, message: parsed.data.error_description } : undefined;
}

/** RFC 6749 §5.2 errors that mean the grant or the client is no longer accepted: the merchant must act. */
const refusedGrantErrors = new Set(["invalid_grant", "invalid_client", "unauthorized_client"]);

/**
 * A refused refresh token arrives as a 400, but no retry will help: an `auth` error saying the merchant must
 * authorize Kura again (`where`: in which place, and why, when the channel says). Undefined for other errors.
 */
export function refusedGrant(channel: string, error: unknown, where = ""): ChannelError | undefined {
  if (!(error instanceof ChannelError) || !refusedGrantErrors.has(error.code ?? "")) return undefined;
  const said = error.channelMessage ? `: ${error.channelMessage}` : "";
  return refusedCredentials(
    channel,
    error,
    `${channel}: the access token could not be renewed (${error.code}, HTTP ${error.status}); the merchant must authorize Kura again${where}${said}`,
  );
}
