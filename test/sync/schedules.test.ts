import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/connection.ts";
import { storeFunctions } from "../../src/db/schema.ts";
import { SecretBox } from "../../src/lib/secrets.ts";
import { setStoreCredentials } from "../../src/operations/credentials.ts";
import { useTestDatabase } from "../support/database.ts";
import { givenMerchant } from "../support/fixtures.ts";

let db: Db;
useTestDatabase((env) => ({ db } = env));

const nextRuns = async (storeId: number) =>
  Object.fromEntries(
    (await db.select().from(storeFunctions).where(eq(storeFunctions.storeId, storeId))).map((f) => [
      f.function,
      f.nextRunAt,
    ]),
  );

describe("store schedules", () => {
  it("start when the store first gets its credentials, not before", async () => {
    const m = await givenMerchant(db);
    expect(Object.values(await nextRuns(m.storeId)).every((at) => at === null)).toBe(true);

    await setStoreCredentials(db, new SecretBox(randomBytes(32)), m.orgId, m.storeId, {
      values: { apiKey: "k" },
    });

    const runs = await nextRuns(m.storeId);
    expect(runs["orders.import"]).toBeInstanceOf(Date);
    expect(runs["stock.resync"]).toBeInstanceOf(Date);
    expect(runs["stock.push"]).toBeNull(); // pushed by events only
  });
});
