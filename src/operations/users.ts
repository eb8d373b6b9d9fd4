// Users of an organization and their sign-in sessions (web admin, OAuth2 consent page).
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { type Db, pgErrorCode } from "../db/connection.ts";
import { organizations, userSessions, users } from "../db/schema.ts";
import { conflict, notFound } from "../domain/errors.ts";
import { parseInput } from "../domain/parse.ts";
import { type UserRole, userRoles } from "../domain/statuses.ts";
import { decoyPasswordHash, hashPassword, verifyPassword } from "../lib/password.ts";

export const userInput = z.object({
  email: z.email("must be an e-mail address").transform((email) => email.toLowerCase()),
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
  password: z.string().min(10, "must be at least 10 characters").max(200, "must be at most 200 characters"),
  role: z.enum(userRoles),
});
export type UserInput = z.input<typeof userInput>;

export interface SignedInUser {
  id: number;
  organizationId: number;
  email: string;
  name: string;
  role: UserRole;
}

const sessionLifetimeMs = 12 * 60 * 60_000;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

const publicColumns = {
  id: users.id,
  organizationId: users.organizationId,
  email: users.email,
  name: users.name,
  role: users.role,
};

export async function createUser(db: Db, organizationId: number, raw: UserInput): Promise<SignedInUser> {
  const input = parseInput(userInput, raw);
  const [organization] = await db.select().from(organizations).where(eq(organizations.id, organizationId));
  if (!organization) throw notFound(`organization ${organizationId}`, "organizationId");
  try {
    const [user] = await db
      .insert(users)
      .values({ organizationId, ...input, passwordHash: await hashPassword(input.password) })
      .returning(publicColumns);
    if (!user) throw new Error("user insert returned nothing");
    return user;
  } catch (error) {
    if (pgErrorCode(error) === "23505") {
      throw conflict("email_taken", `a user with e-mail ${input.email} already exists`, "email");
    }
    throw error;
  }
}

export async function listUsers(db: Db, organizationId: number): Promise<SignedInUser[]> {
  return db
    .select(publicColumns)
    .from(users)
    .where(and(eq(users.organizationId, organizationId), isNull(users.disabledAt)))
    .orderBy(users.id);
}

/** The user with this e-mail and password, or null; an unknown e-mail costs as much time as a wrong password. */
export async function authenticateUser(
  db: Db,
  email: string,
  password: string,
): Promise<SignedInUser | null> {
  const [user] = await db
    .select({ ...publicColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.email, email.trim().toLowerCase()), isNull(users.disabledAt)));
  const matches = await verifyPassword(password, user?.passwordHash ?? decoyPasswordHash);
  if (!user || !matches) return null;
  const { passwordHash: _, ...signedIn } = user;
  return signedIn;
}

/** Opens a session; the answer's token goes into the browser's cookie and nowhere else. */
export async function openSession(db: Db, userId: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + sessionLifetimeMs);
  await db.insert(userSessions).values({ userId, tokenHash: hashToken(token), expiresAt });
  return { token, expiresAt };
}

/** The user of a live session, or null (unknown, expired, or the user disabled). */
export async function findSessionUser(db: Db, token: string): Promise<SignedInUser | null> {
  const [row] = await db
    .select(publicColumns)
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(
      and(
        eq(userSessions.tokenHash, hashToken(token)),
        gt(userSessions.expiresAt, sql`now()`),
        isNull(users.disabledAt),
      ),
    );
  return row ?? null;
}

export async function closeSession(db: Db, token: string): Promise<void> {
  await db.delete(userSessions).where(eq(userSessions.tokenHash, hashToken(token)));
}
