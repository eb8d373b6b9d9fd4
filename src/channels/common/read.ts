// Reading a channel's answers with zod: a success answer we cannot read is the channel's bug or an API
// change, so it is an `invalid` ChannelError naming the field (not worth retrying).
import type { z } from "zod";
import type { OrderInputRaw } from "../../domain/order-input.ts";
import { ChannelError } from "../errors.ts";

export function readAnswer<T extends z.ZodType>(
  channel: string,
  schema: T,
  body: unknown,
  what: string,
): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ChannelError({
    kind: "invalid",
    channel,
    message: `${channel}: ${what} answered in an unexpected shape (${issue?.path.join(".") || "body"}: ${issue?.message})`,
  });
}

/** One wire order read and mapped; `orderNo` names it in the error when it cannot be read. */
export function readOrder<T extends z.ZodType, R = OrderInputRaw>(
  channel: string,
  schema: T,
  raw: unknown,
  map: (wire: z.infer<T>, raw: unknown) => R,
  orderNo: (raw: unknown) => unknown,
): R {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return map(parsed.data, raw);
  const issue = parsed.error.issues[0];
  throw new ChannelError({
    kind: "invalid",
    channel,
    message: `${channel}: order ${String(orderNo(raw) ?? "?")} arrived in an unexpected shape (${issue?.path.join(".")}: ${issue?.message})`,
  });
}

/** Each wire order of a page read and mapped (see readOrder); its field `orderNoField` names it in an error. */
export function readOrders<T extends z.ZodType>(
  channel: string,
  schema: T,
  raws: unknown[],
  map: (wire: z.infer<T>, raw: unknown) => OrderInputRaw,
  orderNoField: string,
): OrderInputRaw[] {
  return raws.map((raw) => readOrder(channel, schema, raw, map, fieldOf(orderNoField)));
}

/** The field `name` of a wire record that may not be one (undefined then). */
export const fieldOf =
  (name: string) =>
  (raw: unknown): unknown =>
    (raw as Record<string, unknown> | null | undefined)?.[name];

/** The store's settings read with `schema`; one it refuses is an `invalid` ChannelError naming the setting. */
export function readSettings<T extends z.ZodType>(
  channel: string,
  schema: T,
  options: Record<string, unknown> | undefined,
): z.infer<T> {
  const parsed = schema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") || "settings";
  throw new ChannelError({
    kind: "invalid",
    channel,
    message: `${channel}: store setting "${field}" ${issue?.message ?? "is invalid"}`,
  });
}

/** The connector refuses a store whose settings or secrets lack something, naming it. */
export function missing(channel: string, what: string): ChannelError {
  return new ChannelError({ kind: "auth", channel, message: `${channel}: the store needs ${what}` });
}
