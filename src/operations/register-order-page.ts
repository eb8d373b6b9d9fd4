// Registers a page of orders from one store's import (受注取込) at once. The page is sorted first: an order
// Kura already has with the same content is answered "unchanged" from one read; the new orders are created
// together in one transaction, one statement per table (create-orders.ts); everything else (a channel's
// update or cancellation, a code twice in the page) goes through registerOrder one by one, as before.
// Each order's outcome is the same as if the page had been registered order by order.
import { and, eq, inArray } from "drizzle-orm";
import { type Db, inTransaction, pgErrorCode } from "../db/connection.ts";
import { cachedRead, ReadCache } from "../db/repositories/read-cache.ts";
import { getStore } from "../db/repositories/scope.ts";
import { orders } from "../db/schema.ts";
import { DomainError } from "../domain/errors.ts";
import { type OrderInput, orderInputSchema } from "../domain/order-input.ts";
import { parseInput } from "../domain/parse.ts";
import { createOrders, type OrderPlan, planOrders } from "./create-orders.ts";
import { hashOrder, type RegisterOrderResult, registerOrder } from "./register-order.ts";

export interface RegisterPageCommand {
  organizationId: number;
  storeId: number;
  /** The orders as the channel gave them, in the channel's order; each is validated here. */
  orders: unknown[];
  actor: string;
  cache?: ReadCache;
}

/** Per order of the page, in its place: the result, or the DomainError that refused it. */
export type PageOutcome = { ok: true; result: RegisterOrderResult } | { ok: false; error: DomainError };

interface Parsed {
  index: number;
  input: OrderInput;
  payloadHash: string;
}

export async function registerOrderPage(db: Db, command: RegisterPageCommand): Promise<PageOutcome[]> {
  return commitPage(db, await preparePage(db, command));
}

/** A page read, sorted and planned, before anything of it is written. */
export interface PreparedPage {
  command: RegisterPageCommand & { cache: ReadCache };
  store: Awaited<ReturnType<typeof getStore>>;
  outcomes: Array<PageOutcome | undefined>;
  /** The new orders, planned; created together by commitPage. */
  fresh: Array<{ index: number; plan: OrderPlan }>;
  /** Places of the orders registered one by one. */
  oneByOne: number[];
}

/**
 * Validates the page, answers what is unchanged and plans the new orders: reads only, so an import may
 * prepare its next page while this one commits. What another transaction changes meanwhile is met when
 * the page commits (a code created meanwhile fails the batch's insert, and the page goes one by one).
 */
export async function preparePage(db: Db, command: RegisterPageCommand): Promise<PreparedPage> {
  const cache = command.cache ?? new ReadCache();
  const { organizationId, storeId } = command;
  const store = await cachedRead(cache, `store:${organizationId}:${storeId}`, () =>
    getStore(db, organizationId, storeId),
  );
  const outcomes: Array<PageOutcome | undefined> = new Array(command.orders.length);
  const parsed: Parsed[] = [];
  for (const [index, order] of command.orders.entries()) {
    try {
      const input = parseInput(orderInputSchema, order);
      parsed.push({ index, input, payloadHash: hashOrder(input) });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcomes[index] = { ok: false, error };
    }
  }

  const known = await knownOrders(
    db,
    store.id,
    parsed.map((p) => p.input.orderCode),
  );
  const fresh: Parsed[] = [];
  const oneByOne: number[] = [];
  const seen = new Set<string>();
  for (const p of parsed) {
    const code = p.input.orderCode;
    const existing = known.get(code);
    const twice = seen.has(code);
    seen.add(code);
    if (!twice && !existing && !p.input.cancelledOnChannel) fresh.push(p);
    else if (!twice && existing && isUnchanged(existing, p)) {
      const held = existing.holdReasons.length > 0;
      const result = { orderId: existing.id, outcome: "unchanged" as const, status: existing.status, held };
      outcomes[p.index] = { ok: true, result };
    } else oneByOne.push(p.index);
  }
  const plans = fresh.length > 0 ? await planOrders(db, store, fresh, cache) : [];
  return {
    command: { ...command, cache },
    store,
    outcomes,
    fresh: fresh.map((p, i) => ({ index: p.index, plan: plans[i] as OrderPlan })),
    oneByOne,
  };
}

/** Creates the page's new orders in one transaction, then registers the rest one by one. */
export async function commitPage(db: Db, page: PreparedPage): Promise<PageOutcome[]> {
  const { command, store, outcomes, fresh } = page;
  const oneByOne = [...page.oneByOne];
  if (fresh.length > 0) {
    try {
      const plans = fresh.map((f) => f.plan);
      const results = await inTransaction(db, (tx) => createOrders(tx, store, plans, command.actor));
      for (const [i, f] of fresh.entries()) {
        const result = results[i];
        if (result) outcomes[f.index] = { ok: true, result };
      }
    } catch (error) {
      // Another registration of one of these codes won a race: one by one, each sees what is there now.
      if (!(error instanceof DomainError) && pgErrorCode(error) !== "23505") throw error;
      oneByOne.push(...fresh.map((f) => f.index));
    }
  }

  for (const index of oneByOne.sort((a, b) => a - b)) {
    try {
      const result = await registerOrder(db, {
        organizationId: command.organizationId,
        storeId: command.storeId,
        order: command.orders[index],
        actor: command.actor,
        cache: command.cache,
      });
      outcomes[index] = { ok: true, result };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcomes[index] = { ok: false, error };
    }
  }
  return outcomes as PageOutcome[];
}

/** What registerOrder would answer without a change: the same content, neither side cancelled. */
const isUnchanged = (existing: KnownOrder, p: Parsed) =>
  !p.input.cancelledOnChannel && !existing.cancelledAt && existing.payloadHash === p.payloadHash;

type KnownOrder = Awaited<ReturnType<typeof knownOrders>> extends Map<string, infer T> ? T : never;

async function knownOrders(db: Db, storeId: number, codes: string[]) {
  const rows = await db
    .select({
      id: orders.id,
      orderCode: orders.orderCode,
      payloadHash: orders.payloadHash,
      cancelledAt: orders.cancelledAt,
      status: orders.status,
      holdReasons: orders.holdReasons,
    })
    .from(orders)
    .where(
      and(
        eq(orders.storeId, storeId),
        inArray(orders.orderCode, codes.length > 0 ? [...new Set(codes)] : [""]),
      ),
    );
  return new Map(rows.map((row) => [row.orderCode, row]));
}
