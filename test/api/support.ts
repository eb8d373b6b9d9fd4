// Starts the real API on a loopback port and calls it over HTTP, as a client would.
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll } from "vitest";
import { buildServer, type ServerOptions } from "../../src/api/server.ts";
import type { Database, Db } from "../../src/db/connection.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { givenMerchant } from "../support/fixtures.ts";

/** Answers are JSON the tests read by shape; typing each one would only restate the assertions. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Json = any;

export interface Answer<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (CSV bytes); `body` is sent as JSON. */
  raw?: Uint8Array | string;
  headers?: Record<string, string>;
}

export interface Api {
  url: string;
  app: FastifyInstance;
  call<T = Json>(method: string, path: string, options?: CallOptions): Promise<Answer<T>>;
  /** The raw bytes of an answer (CSV exports). */
  bytes(path: string, token: string): Promise<{ status: number; headers: Headers; bytes: Buffer }>;
  close(): Promise<void>;
}

export async function startApi(database: Database, options: Partial<ServerOptions> = {}): Promise<Api> {
  const app = await buildServer({ db: database.db, databaseKind: database.kind, ...options });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: RequestInit["body"];
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) {
      headers["content-type"] ??= "application/json";
      body = JSON.stringify(options.body);
    }
    const response = await fetch(url + path, { method, headers, body });
    const text = await response.text();
    const isJson = response.headers.get("content-type")?.includes("json") ?? false;
    return {
      status: response.status,
      headers: response.headers,
      body: isJson && text ? JSON.parse(text) : text,
    };
  }

  async function bytes(path: string, token: string) {
    const response = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: response.status,
      headers: response.headers,
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  }

  return { url, app, call, bytes, close: () => app.close() };
}

/** Calls on behalf of one merchant: paths are relative to /api/v1/merchant/:merchantId. */
export function merchantClient(api: Api, merchant: { orgId: number; token: string }) {
  const base = `/api/v1/merchant/${merchant.orgId}`;
  const call = <T = Json>(method: string, path: string, options: CallOptions = {}) =>
    api.call<T>(method, base + path, { token: merchant.token, ...options });
  return {
    base,
    get: <T = Json>(path: string) => call<T>("GET", path),
    post: <T = Json>(path: string, body?: unknown) => call<T>("POST", path, { body: body ?? {} }),
    put: <T = Json>(path: string, body: unknown) => call<T>("PUT", path, { body }),
    patch: <T = Json>(path: string, body: unknown) => call<T>("PATCH", path, { body }),
    delete: <T = Json>(path: string) => call<T>("DELETE", path),
    call,
    bytes: (path: string) => api.bytes(base + path, merchant.token),
  };
}
export type MerchantClient = ReturnType<typeof merchantClient>;

/** A new merchant (givenMerchant) with its own API client. */
export async function givenMerchantClient(db: Db, api: Api) {
  const m = await givenMerchant(db);
  return { ...m, client: merchantClient(api, m) };
}

/** A test file's database and API, started before its tests and stopped after them. */
export function useApi(
  onReady: (env: { db: Db; api: Api; database: Database }) => void,
  options: Partial<ServerOptions> = {},
): void {
  let testDb: TestDatabase | undefined;
  let api: Api | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    api = await startApi(testDb.database, options);
    onReady({ db: testDb.database.db, api, database: testDb.database });
  });
  afterAll(async () => {
    await api?.close();
    await testDb?.[Symbol.asyncDispose]();
  });
}
