// Settings from the environment, validated once at start.
import { resolve } from "node:path";
import { z } from "zod";
import { parseInput } from "./domain/parse.ts";

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  KURA_DATA_DIR: z.string().default("./data"),
  KURA_HOST: z.string().default("127.0.0.1"),
  KURA_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  KURA_ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  KURA_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface Config {
  databaseUrl?: string;
  dataDir: string;
  host: string;
  port: number;
  adminToken?: string;
  logLevel: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = parseInput(envSchema, env);
  return {
    databaseUrl: parsed.DATABASE_URL,
    dataDir: resolve(parsed.KURA_DATA_DIR),
    host: parsed.KURA_HOST,
    port: parsed.KURA_PORT,
    adminToken: parsed.KURA_ADMIN_TOKEN,
    logLevel: parsed.KURA_LOG_LEVEL,
  };
}
