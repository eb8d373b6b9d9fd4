// Before a store's first import: the masters its channel's methods are mapped to must exist, or every
// order would only be held. The run stops with what is missing, so the store says it.
import { count, eq } from "drizzle-orm";
import { ChannelError } from "../../channels/errors.ts";
import { deliveryServices, paymentMethods } from "../../db/schema.ts";
import type { RunContext } from "./context.ts";

export async function requireMasters(context: RunContext): Promise<void> {
  const { db, store } = context;
  const [payments] = await db
    .select({ n: count() })
    .from(paymentMethods)
    .where(eq(paymentMethods.organizationId, store.organizationId));
  const [services] = await db
    .select({ n: count() })
    .from(deliveryServices)
    .where(eq(deliveryServices.organizationId, store.organizationId));
  const missing = [
    !payments?.n && "the payment method master (支払方法マスタ)",
    !services?.n && "the delivery service master (配送サービスマスタ)",
  ].filter(Boolean);
  if (missing.length === 0) return;
  throw new ChannelError({
    kind: "invalid",
    channel: store.channel,
    message: `the store's first order import needs ${missing.join(" and ")}: add them, map the channel's payment and delivery names to them, then import`,
  });
}
