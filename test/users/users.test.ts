import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization } from "../../src/operations/masters.ts";
import {
  authenticateUser,
  closeSession,
  createUser,
  findSessionUser,
  openSession,
} from "../../src/operations/users.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let database: TestDatabase;
let organizationId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  ({
    organization: { id: organizationId },
  } = await createOrganization(database.database.db, { name: "ユーザー確認店" }));
});
afterAll(() => database[Symbol.asyncDispose]());

describe("users and sessions", () => {
  it("signs in with the e-mail in any case and the right password, and not with a wrong one", async () => {
    await createUser(database.database.db, organizationId, {
      email: "Tanaka@Example.jp",
      name: "田中",
      password: "correct horse battery",
      role: "operator",
    });

    const user = await authenticateUser(database.database.db, "tanaka@example.JP", "correct horse battery");
    expect(user).toMatchObject({ email: "tanaka@example.jp", role: "operator", organizationId });
    expect(await authenticateUser(database.database.db, "tanaka@example.jp", "wrong password!")).toBeNull();
    expect(
      await authenticateUser(database.database.db, "nobody@example.jp", "correct horse battery"),
    ).toBeNull();
  });

  it("refuses a short password and a taken e-mail, naming the field", async () => {
    await expect(
      createUser(database.database.db, organizationId, {
        email: "a@example.jp",
        name: "A",
        password: "short",
        role: "admin",
      }),
    ).rejects.toMatchObject({ field: "password" });
    await createUser(database.database.db, organizationId, {
      email: "b@example.jp",
      name: "B",
      password: "long enough password",
      role: "admin",
    });
    await expect(
      createUser(database.database.db, organizationId, {
        email: "B@example.jp",
        name: "B2",
        password: "long enough password",
        role: "admin",
      }),
    ).rejects.toMatchObject({ code: "email_taken", field: "email" });
  });

  it("finds a session's user by its token until the session is closed", async () => {
    const user = await createUser(database.database.db, organizationId, {
      email: "c@example.jp",
      name: "C",
      password: "long enough password",
      role: "admin",
    });
    const { token } = await openSession(database.database.db, user.id);

    expect(await findSessionUser(database.database.db, token)).toMatchObject({ id: user.id });
    expect(await findSessionUser(database.database.db, `${token}x`)).toBeNull();
    await closeSession(database.database.db, token);
    expect(await findSessionUser(database.database.db, token)).toBeNull();
  });
});
