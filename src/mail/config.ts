// The mail listener's settings (KURA_SMTP_*), validated with the rest of the configuration at start.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseInput } from "../domain/parse.ts";

const mailEnvSchema = z.object({
  /** `off` disables the listener (e.g. on API processes beside one that listens). */
  KURA_SMTP: z.enum(["on", "off"]).default("on"),
  KURA_SMTP_HOST: z.string().default("127.0.0.1"),
  KURA_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  KURA_SMTP_USER: z.string().min(1).optional(),
  KURA_SMTP_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  /** Comma-separated IP addresses allowed to connect; empty: any. */
  KURA_SMTP_ALLOWED_HOSTS: z.string().default(""),
  KURA_SMTP_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  KURA_SMTP_TLS_KEY_FILE: z.string().optional(),
  KURA_SMTP_TLS_CERT_FILE: z.string().optional(),
});

export interface MailConfig {
  enabled: boolean;
  host: string;
  port: number;
  auth?: { user: string; password: string };
  allowedHosts: string[];
  maxBytes: number;
  tls?: { key: Buffer; cert: Buffer };
}

export function loadMailConfig(env: NodeJS.ProcessEnv): MailConfig {
  const parsed = parseInput(mailEnvSchema, env);
  if (Boolean(parsed.KURA_SMTP_USER) !== Boolean(parsed.KURA_SMTP_PASSWORD)) {
    throw new Error("KURA_SMTP_USER and KURA_SMTP_PASSWORD go together: set both, or neither");
  }
  if (Boolean(parsed.KURA_SMTP_TLS_KEY_FILE) !== Boolean(parsed.KURA_SMTP_TLS_CERT_FILE)) {
    throw new Error("KURA_SMTP_TLS_KEY_FILE and KURA_SMTP_TLS_CERT_FILE go together: set both, or neither");
  }
  return {
    enabled: parsed.KURA_SMTP === "on",
    host: parsed.KURA_SMTP_HOST,
    port: parsed.KURA_SMTP_PORT,
    auth:
      parsed.KURA_SMTP_USER && parsed.KURA_SMTP_PASSWORD
        ? { user: parsed.KURA_SMTP_USER, password: parsed.KURA_SMTP_PASSWORD }
        : undefined,
    allowedHosts: parsed.KURA_SMTP_ALLOWED_HOSTS.split(",")
      .map((h) => h.trim())
      .filter(Boolean),
    maxBytes: parsed.KURA_SMTP_MAX_BYTES,
    tls:
      parsed.KURA_SMTP_TLS_KEY_FILE && parsed.KURA_SMTP_TLS_CERT_FILE
        ? {
            key: readFileSync(parsed.KURA_SMTP_TLS_KEY_FILE),
            cert: readFileSync(parsed.KURA_SMTP_TLS_CERT_FILE),
          }
        : undefined,
  };
}
