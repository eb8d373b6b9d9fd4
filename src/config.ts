// Settings from the environment, validated once at start.
import { resolve } from "node:path";
import { z } from "zod";
import { parseInput } from "./domain/parse.ts";
import { loadMailConfig, type MailConfig } from "./mail/config.ts";

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  KURA_DATA_DIR: z.string().default("./data"),
  KURA_HOST: z.string().default("127.0.0.1"),
  KURA_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  KURA_ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** 32 bytes (base64url, base64 or hex) sealing store credentials; embedded mode generates one. */
  KURA_SECRET_KEY: z.string().min(32, "must encode 32 bytes").optional(),
  /** Sync engine tuning: a run without a heartbeat this long belonged to a dead worker. */
  KURA_RUN_STALE_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Sync engine tuning: a job active this long is retried (how soon a dead worker's job comes back). */
  KURA_JOB_EXPIRE_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Requests per minute one client (API key, cart token, session) may make to the API; 0 turns it off. */
  KURA_API_REQUESTS_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  KURA_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface Config {
  databaseUrl?: string;
  dataDir: string;
  host: string;
  port: number;
  adminToken?: string;
  secretKey?: string;
  runStaleSeconds: number;
  jobExpireSeconds: number;
  logLevel: string;
  /** Per client, on the merchant and cart API (src/api/rate-limit.ts). */
  apiRequestsPerMinute: number;
  /** The order-mail listener (KURA_SMTP_*, src/mail/config.ts). */
  mail: MailConfig;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = parseInput(envSchema, env);
  return {
    databaseUrl: parsed.DATABASE_URL,
    dataDir: resolve(parsed.KURA_DATA_DIR),
    host: parsed.KURA_HOST,
    port: parsed.KURA_PORT,
    adminToken: parsed.KURA_ADMIN_TOKEN,
    secretKey: parsed.KURA_SECRET_KEY,
    runStaleSeconds: parsed.KURA_RUN_STALE_SECONDS,
    jobExpireSeconds: parsed.KURA_JOB_EXPIRE_SECONDS,
    logLevel: parsed.KURA_LOG_LEVEL,
    apiRequestsPerMinute: parsed.KURA_API_REQUESTS_PER_MINUTE,
    mail: loadMailConfig(env),
  };
}
