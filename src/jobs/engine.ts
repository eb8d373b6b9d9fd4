// The sync engine: pg-boss queues per function on Kura's own database, one job per store × function at
// a time (stately policy keyed by store), schedules as a safety net, outbox events turned into jobs within
// a fraction of a second, runs recorded with counts and the channel's own errors.
import { asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { fromPglite, PgBoss } from "pg-boss";
import type { Logger } from "pino";
import { isChannelError } from "../channels/errors.ts";
import { connectorFactories } from "../channels/registry.ts";
import type { Connector, RefreshedCredentials } from "../channels/types.ts";
import type { Database, Db } from "../db/connection.ts";
import { correspondenceComponents, correspondences, outboxEvents, stores } from "../db/schema.ts";
import { analyzeGrownTables } from "../db/statistics.ts";
import { needsOwnVacuum, vacuumTables } from "../db/vacuum.ts";
import type { SyncFunction } from "../domain/statuses.ts";
import type { SecretBox } from "../lib/secrets.ts";
import { openStoreSecrets, setStoreCredentials, storeSecretsExpiry } from "../operations/credentials.ts";
import { beginRun, finishRun, heartbeat, type RunTrigger } from "./run-history.ts";
import { defaultRetryPolicy, type RetryPolicy, RunJournal } from "./run-journal.ts";
import type { Runner, StoreRow } from "./runners/context.ts";
import { accessTokenExpiry, checkCredentials } from "./runners/credentials-check.ts";
import { importOrders } from "./runners/orders-import.ts";
import { importProducts } from "./runners/products-import.ts";
import { notifyShipments } from "./runners/shipments-notify.ts";
import { pushChangedStock, resyncAllStock } from "./runners/stock-sync.ts";
import {
  answerManualRequests,
  claimDueRuns,
  ensureAllStoreFunctions,
  getStoreFunction,
  requestManualRun,
  saveCursor,
} from "./store-functions.ts";

const runners: Record<SyncFunction, Runner> = {
  "orders.import": importOrders,
  "shipments.notify": notifyShipments,
  "stock.push": pushChangedStock,
  "stock.resync": resyncAllStock,
  "credentials.check": checkCredentials,
  "products.import": importProducts,
};

const queueName = (fn: SyncFunction) => `kura-${fn.replace(".", "-")}`;

export interface JobData {
  organizationId: number;
  storeId: number;
  trigger: RunTrigger;
}

export interface EngineOptions {
  database: Database;
  secretBox: SecretBox;
  log: Logger;
  /** How often the scheduler and the outbox dispatcher look for work. */
  tickMs?: number;
  /** Bursts of events within this window become one push. */
  debounceMs?: number;
  /** A running run without a heartbeat for this long belonged to a dead worker. */
  staleAfterMs?: number;
  retryPolicy?: RetryPolicy;
  /** Job-level retries after a run failed transiently (the run itself already retried its calls). */
  jobRetry?: { limit: number; delaySeconds: number };
  connectorTimeoutMs?: number;
  /**
   * A job still active after this long is failed and retried by pg-boss (a worker that died holds its
   * job until then). A slow run that outlives it is safe: the retry finds the run still beating and
   * leaves it alone.
   */
  jobExpireSeconds?: number;
  /** How often pg-boss looks for expired jobs. */
  superviseIntervalSeconds?: number;
  /** How often a worker looks for tables grown enough to need fresh planner statistics, or a vacuum. */
  statisticsIntervalMs?: number;
  /** Process jobs (a worker), or only enqueue them (an API process). */
  work?: boolean;
}

export interface SyncEngine {
  /** Runs a store function as soon as possible (the "run now" button). Null when one is already queued. */
  trigger(storeId: number, fn: SyncFunction, trigger?: RunTrigger): Promise<string | null>;
  stop(): Promise<void>;
}

export async function startSyncEngine(options: EngineOptions): Promise<SyncEngine> {
  const { database, log } = options;
  const db = database.db;
  const tickMs = options.tickMs ?? 200;
  const debounceMs = options.debounceMs ?? 300;
  const staleAfterMs = options.staleAfterMs ?? 60_000;
  const jobRetry = options.jobRetry ?? { limit: 5, delaySeconds: 15 };

  // Expired jobs are failed (and so retried) by the monitor pass, which pg-boss runs every 60 s by default
  // whatever the supervise interval: run it as often, so a dead worker's job comes back in
  // KURA_JOB_EXPIRE_SECONDS plus the supervise interval and the retry delay, not a minute later.
  const superviseIntervalSeconds = options.superviseIntervalSeconds ?? 30;
  const supervision = { superviseIntervalSeconds, monitorIntervalSeconds: superviseIntervalSeconds };
  const boss =
    database.kind === "pglite"
      ? new PgBoss({ db: fromPglite(database.pglite), backend: "pglite", ...supervision })
      : new PgBoss({ connectionString: database.url, max: 4, ...supervision });
  boss.on("error", (error) => log.error({ err: error }, "job queue error"));
  await boss.start();
  for (const fn of Object.keys(runners) as SyncFunction[]) {
    await boss.createQueue(queueName(fn), {
      policy: "stately",
      retryLimit: jobRetry.limit,
      retryDelay: jobRetry.delaySeconds,
      retryBackoff: true,
      expireInSeconds: options.jobExpireSeconds ?? 300,
    });
  }
  await ensureAllStoreFunctions(db);

  const send = async (data: JobData, fn: SyncFunction, delayMs = 0) =>
    boss.send(queueName(fn), data, {
      singletonKey: String(data.storeId),
      ...(delayMs > 0 ? { startAfter: new Date(Date.now() + delayMs) } : {}),
    });

  if (options.work !== false) {
    for (const fn of Object.keys(runners) as SyncFunction[]) {
      await boss.work<JobData>(queueName(fn), { pollingIntervalSeconds: 0.5 }, async ([job]) => {
        if (!job) return;
        const followUp = await runStoreFunction(options, job.data, fn, job.retryCount + 1, staleAfterMs);
        if (followUp !== null) await send({ ...job.data, trigger: "event" }, fn, followUp);
      });
    }
  }

  let stopping = false;
  let ticking: Promise<void> = Promise.resolve();
  const tick = async () => {
    for (const due of await claimDueRuns(db, new Date())) {
      await send({ organizationId: due.organizationId, storeId: due.storeId, trigger: "schedule" }, due.fn);
    }
    await dispatchOutbox(db, send, debounceMs);
  };
  const timer =
    options.work !== false
      ? setInterval(() => {
          if (stopping) return;
          ticking = ticking.then(tick).catch((error) => log.error({ err: error }, "sync tick failed"));
        }, tickMs)
      : undefined;
  // The planner's statistics of the tables the runs grow (an import into an empty database doubles its
  // tables many times over): see db/statistics.ts. Where no autovacuum runs (PGlite, or a server with it
  // off), dead rows and old transaction ids too: see db/vacuum.ts.
  const vacuuming = options.work !== false && (await needsOwnVacuum(options.database));
  let analyzing: Promise<unknown> = Promise.resolve();
  const statistics =
    options.work !== false
      ? setInterval(() => {
          if (stopping) return;
          analyzing = analyzing
            .then(async () => {
              const tables = await analyzeGrownTables(db);
              if (tables.length > 0) log.debug({ tables }, "analyzed grown tables");
              const vacuumed = vacuuming && !stopping ? await vacuumTables(db) : [];
              if (vacuumed.length > 0) log.debug({ tables: vacuumed }, "vacuumed tables");
            })
            .catch((error) => log.error({ err: error }, "table upkeep failed"));
        }, options.statisticsIntervalMs ?? 5_000)
      : undefined;

  return {
    async trigger(storeId, fn, trigger = "manual") {
      const [store] = await db.select().from(stores).where(eq(stores.id, storeId));
      if (!store) throw new Error(`store ${storeId} does not exist`);
      if (trigger === "manual") await requestManualRun(db, storeId, fn);
      return send({ organizationId: store.organizationId, storeId, trigger }, fn);
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      if (statistics) clearInterval(statistics);
      await ticking;
      await analyzing;
      await boss.stop({ graceful: true, timeout: 5000, close: true });
    },
  };
}

/** How soon an operator's "run now" that met a run in progress looks again whether that run has ended. */
const manualRequestRecheckMs = 1_000;

/** Runs one store function: begins a run (unless one is running), calls its runner, records the outcome. */
export async function runStoreFunction(
  options: EngineOptions,
  data: JobData,
  fn: SyncFunction,
  attempt: number,
  staleAfterMs: number,
): Promise<number | null> {
  const db = options.database.db;
  let followUp: number | null = null;
  const key = { organizationId: data.organizationId, storeId: data.storeId, fn };
  const [store] = await db.select().from(stores).where(eq(stores.id, data.storeId));
  if (!store) return null;
  const storeFunction = await getStoreFunction(db, store.id, fn);
  // An operator's "run now" may have met a job already queued for another reason: the request, kept on the
  // store function, makes this run the manual one.
  const requestedAt = storeFunction?.runRequestedAt ?? null;
  const trigger: RunTrigger = requestedAt ? "manual" : data.trigger;
  if (storeFunction?.paused && trigger !== "manual") return null; // paused: only an operator's "run now" runs
  const runId = await beginRun(db, key, trigger, { attempt, staleAfterMs });
  // Another worker runs it right now. Its result covers an automatic request; an operator's runs after it.
  if (runId === null) return requestedAt ? manualRequestRecheckMs : null;
  if (requestedAt) await answerManualRequests(db, store.id, fn, requestedAt);

  const journal = new RunJournal(options.retryPolicy ?? defaultRetryPolicy);
  // A heartbeat independent of page checkpoints: one slow channel call (with its retries and
  // Retry-After waits) must not make a live run look dead to another worker.
  const beat = setInterval(
    () => void heartbeat(db, runId, journal.counts, journal.errors).catch(() => {}),
    Math.max(250, Math.floor(staleAfterMs / 4)),
  );
  try {
    const connector = await connectorFor(options, store);
    await runners[fn]({
      db,
      store,
      connector,
      journal,
      runId,
      cursor: storeFunction?.cursor ?? null,
      checkpoint: async (cursor) => {
        await saveCursor(db, store.id, fn, cursor);
        await heartbeat(db, runId, journal.counts, journal.errors);
      },
      now: () => new Date(),
      followUpAfter: (delayMs) => {
        followUp = Math.min(followUp ?? delayMs, delayMs);
      },
    });
    await finishRun(db, key, runId, { outcome: "succeeded", counts: journal.counts, errors: journal.errors });
    return followUp;
  } catch (error) {
    const permanent = isChannelError(error) ? !error.retryable : error instanceof ConfigurationError;
    const reason = describe(error);
    journal.error({ message: reason, kind: isChannelError(error) ? error.kind : "internal" });
    await finishRun(db, key, runId, {
      outcome: "failed",
      counts: journal.counts,
      errors: journal.errors,
      failingReason: permanent ? reason : undefined,
    });
    options.log.warn({ storeId: store.id, fn, runId, err: error }, "store function failed");
    if (!permanent) throw error; // pg-boss retries the job with back-off
    return null;
  } finally {
    clearInterval(beat);
  }
}

export class ConfigurationError extends Error {}

/** OAuth2 access tokens are renewed when they expire within this, so no run starts with one about to lapse. */
const renewWithinMs = 5 * 60_000;

async function connectorFor(options: EngineOptions, store: StoreRow): Promise<Connector> {
  const factory = connectorFactories[store.channel];
  if (!factory) throw new ConfigurationError(`channel "${store.channel}" has no connector`);
  const db = options.database.db;
  const endpoint = typeof store.settings.endpoint === "string" ? store.settings.endpoint : undefined;
  const secretsExpireAt = await storeSecretsExpiry(db, store.id);
  const build = (secrets: Record<string, string>): Connector => {
    try {
      return factory({
        endpoint,
        secrets,
        secretsExpireAt,
        options: store.settings,
        timeoutMs: options.connectorTimeoutMs,
        // Only where debug logs are written: each exchange is a redacted copy of the request and answer.
        onExchange: options.log.isLevelEnabled("debug")
          ? (exchange) => options.log.debug({ storeId: store.id, exchange }, "channel call")
          : undefined,
        // The store's account on the channel; the endpoint too, so two databases in one process (tests,
        // benches) whose stores share an id but not a channel do not share a pacer.
        pacingAccount: `store ${store.id} at ${endpoint ?? store.channel}`,
      });
    } catch (error) {
      if (isChannelError(error)) throw error;
      throw new ConfigurationError(error instanceof Error ? error.message : String(error));
    }
  };
  const connector = build(await openStoreSecrets(db, options.secretBox, store.id));
  if (connector.capabilities.credentials.refresh !== "automatic") return connector;
  const renew = (withinMs?: number) => renewStoreCredentials(options, store, build, withinMs);
  const current = expiresWithin(await accessTokenExpiry(db, store.id), renewWithinMs)
    ? build((await renew(renewWithinMs)).secrets)
    : connector;
  current.refreshCredentials = () => renew(); // credentials.check renews under the same lock, and saves
  return current;
}

const renewLockSpace = 7302452; // pg_advisory_xact_lock(space, store id); 7302451 is the migrations'

/**
 * Renews a store's OAuth2 tokens and saves them, one worker at a time per store: the channel rotates the
 * refresh token, so a second worker renewing with the same one would be refused. The lock is held across
 * the channel call; with `withinMs`, a worker that waited finds the tokens fresh and keeps them. Answers
 * the store's credentials as they now are.
 */
async function renewStoreCredentials(
  options: EngineOptions,
  store: StoreRow,
  build: (secrets: Record<string, string>) => Connector,
  withinMs?: number,
): Promise<RefreshedCredentials> {
  const { secretBox } = options;
  // Not inTransaction: a retry after the channel rotated the refresh token would present the used one.
  return options.database.db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db;
    await tx.execute(sql`select pg_advisory_xact_lock(${renewLockSpace}, ${store.id})`);
    const stored = await openStoreSecrets(tx, secretBox, store.id);
    const expiresAt = await accessTokenExpiry(tx, store.id);
    if (withinMs !== undefined && !expiresWithin(expiresAt, withinMs)) return { secrets: stored, expiresAt };
    const renewed = await build(stored).refreshCredentials?.();
    if (!renewed) throw new ConfigurationError(`the ${store.channel} connector cannot renew credentials`);
    const { secrets, expiresAt: renewedExpiresAt } = renewed;
    await setStoreCredentials(tx, secretBox, store.organizationId, store.id, {
      values: secrets,
      expiresAt: renewedExpiresAt ?? undefined,
    });
    return { secrets: { ...stored, ...secrets }, expiresAt: renewedExpiresAt };
  });
}

/** Unknown expiry counts as soon: renewing once costs less than a run refused halfway. */
const expiresWithin = (expiresAt: Date | null, withinMs: number) =>
  !expiresAt || expiresAt.getTime() - Date.now() <= withinMs;

function describe(error: unknown): string {
  if (isChannelError(error)) {
    return error.channelMessage
      ? `${error.message} (the channel said: ${error.channelMessage})`
      : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns outbox events into jobs: a stock change pushes to every store selling the product, a shipment
 * notifies its store. Events are marked done after their jobs are queued, so a crash in between sends
 * them again (harmless: jobs are coalesced per store and idempotent) rather than losing them.
 */
export async function dispatchOutbox(
  db: Db,
  send: (data: JobData, fn: SyncFunction, delayMs?: number) => Promise<unknown>,
  debounceMs: number,
): Promise<number> {
  const events = await db
    .select()
    .from(outboxEvents)
    .where(isNull(outboxEvents.processedAt))
    .orderBy(asc(outboxEvents.id))
    .limit(500);
  if (events.length === 0) return 0;

  const jobs = new Map<string, { data: JobData; fn: SyncFunction }>();
  const changedProducts = new Set<number>();
  for (const event of events) {
    const payload = event.payload as Record<string, unknown>;
    if (event.type === "stock.changed") {
      for (const id of (payload.productIds as number[]) ?? []) changedProducts.add(id);
    } else if (event.type === "shipment.shipped" || event.type === "function.triggered") {
      const fn = (event.type === "shipment.shipped" ? "shipments.notify" : payload.fn) as SyncFunction;
      const storeId = payload.storeId as number;
      jobs.set(`${storeId}:${fn}`, {
        data: {
          organizationId: event.organizationId,
          storeId,
          trigger: event.type === "shipment.shipped" ? "event" : "manual",
        },
        fn,
      });
    }
  }
  if (changedProducts.size > 0) {
    const selling = await db
      .selectDistinct({ storeId: correspondences.storeId, organizationId: correspondences.organizationId })
      .from(correspondences)
      .innerJoin(correspondenceComponents, eq(correspondenceComponents.correspondenceId, correspondences.id))
      .where(inArray(correspondenceComponents.productId, [...changedProducts]));
    for (const s of selling) {
      jobs.set(`${s.storeId}:stock.push`, {
        data: { organizationId: s.organizationId, storeId: s.storeId, trigger: "event" },
        fn: "stock.push",
      });
    }
  }
  for (const job of jobs.values()) await send(job.data, job.fn, debounceMs);
  await db
    .update(outboxEvents)
    .set({ processedAt: sql`now()` })
    .where(
      inArray(
        outboxEvents.id,
        events.map((e) => e.id),
      ),
    );
  return events.length;
}
