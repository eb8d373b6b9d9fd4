// Credentials the channel refused, explained for the operator: what to do is ours to say, while the channel's
// own status, code and message stay with the error (and the refusal itself as its cause).
import { ChannelError } from "../errors.ts";

export function refusedCredentials(channel: string, error: ChannelError, message: string): ChannelError {
  return new ChannelError({
    kind: "auth",
    channel,
    status: error.status,
    code: error.code,
    channelMessage: error.channelMessage,
    message,
    cause: error,
  });
}
