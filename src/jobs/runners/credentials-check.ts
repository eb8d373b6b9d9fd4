// Checks the store's credentials with the channel: a refusal fails the function with the channel's reason.
import type { RunContext } from "./context.ts";

export async function checkCredentials(context: RunContext): Promise<void> {
  await context.journal.call("check credentials", () => context.connector.checkCredentials());
  context.journal.count("fetched");
}
