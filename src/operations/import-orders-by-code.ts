// 受注の手動取込: an operator imports named orders from the channel, whatever their age — the scheduled
// import only reaches back as far as the channel allows (MakeShop and SHOPLIST: 3 days). Each order is
// registered as a scheduled import would (idempotent; held when it cannot be mapped).
import { z } from "zod";
import { isChannelError } from "../channels/errors.ts";
import { connectorFactories } from "../channels/registry.ts";
import type { Db } from "../db/connection.ts";
import { ReadCache } from "../db/repositories/read-cache.ts";
import { getStore } from "../db/repositories/scope.ts";
import { DomainError, invalid } from "../domain/errors.ts";
import { parseInput } from "../domain/parse.ts";
import { RunJournal } from "../jobs/run-journal.ts";
import type { SecretBox } from "../lib/secrets.ts";
import { openStoreSecrets, storeSecretsExpiry } from "./credentials.ts";
import { registerOrder } from "./register-order.ts";

export const importByCodeInput = z.object({
  orderCodes: z
    .array(z.string().trim().min(1, "must not be empty"))
    .min(1, "needs at least one order code")
    .max(100, "at most 100 order codes at once"),
});

export type ImportByCodeOutcome =
  | { orderCode: string; outcome: "created" | "updated" | "unchanged"; status: string; held: boolean }
  | { orderCode: string; outcome: "not_found" | "failed"; message: string };

export async function importOrdersByCode(
  db: Db,
  box: SecretBox,
  organizationId: number,
  storeId: number,
  input: z.input<typeof importByCodeInput>,
  actor = "operator",
): Promise<ImportByCodeOutcome[]> {
  const { orderCodes } = parseInput(importByCodeInput, input);
  const store = await getStore(db, organizationId, storeId);
  const factory = connectorFactories[store.channel];
  const settings = {
    endpoint: typeof store.settings.endpoint === "string" ? store.settings.endpoint : undefined,
    secrets: await openStoreSecrets(db, box, storeId),
    secretsExpireAt: await storeSecretsExpiry(db, storeId),
    options: store.settings,
  };
  let connector: ReturnType<NonNullable<typeof factory>> | undefined;
  try {
    connector = factory?.(settings);
  } catch (error) {
    // The store lacks a setting or a secret: the connector names it.
    if (!isChannelError(error)) throw error;
    throw invalid("channel_refused", error.message, "orderCodes");
  }
  const fetchByCode = connector?.fetchOrdersByCode?.bind(connector);
  if (!fetchByCode) {
    throw invalid(
      "import_by_code_unsupported",
      `the ${store.channel} channel cannot fetch orders by order code`,
      "orderCodes",
    );
  }
  let fetched: Awaited<ReturnType<typeof fetchByCode>>;
  try {
    // The store's scheduled functions share the channel's rate limit: a refusal for speed is waited out.
    const journal = new RunJournal({ retries: 3, minTimeoutMs: 250, maxRetryAfterMs: 5_000 });
    fetched = await journal.call("fetch orders by code", () => fetchByCode(orderCodes));
  } catch (error) {
    if (!isChannelError(error)) throw error;
    throw invalid("channel_refused", error.message, "orderCodes");
  }
  const byCode = new Map(fetched.map((order) => [order.orderCode, order]));
  const outcomes: ImportByCodeOutcome[] = [];
  const cache = new ReadCache(); // the store's rules, mappings and masters, read once for the call
  for (const orderCode of orderCodes) {
    const order = byCode.get(orderCode);
    if (!order) {
      outcomes.push({ orderCode, outcome: "not_found", message: `the channel has no order ${orderCode}` });
      continue;
    }
    try {
      const result = await registerOrder(db, { organizationId, storeId, order, actor, cache });
      outcomes.push({ orderCode, outcome: result.outcome, status: result.status, held: result.held });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcomes.push({ orderCode, outcome: "failed", message: error.message });
    }
  }
  return outcomes;
}
