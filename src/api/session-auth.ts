// The web admin's sign-in: a session cookie instead of an API key. The cookie is HttpOnly and SameSite=Strict,
// and every write made with it must also carry the admin's own header or a JSON body — a form another site
// posts can do neither — so a session cannot be used across sites (CSRF).
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "../db/connection.ts";
import { DomainError } from "../domain/errors.ts";
import { findSessionUser, type SignedInUser } from "../operations/users.ts";

export const sessionCookie = "kura_session";
/** The header the admin sends with every request; any value will do, a cross-site form cannot set it. */
export const adminHeader = "x-kura-admin";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in user when the request came with a session cookie (not with an API key). */
    user?: SignedInUser;
  }
}

const forbidden = (code: string, message: string) => new DomainError("forbidden", code, message);

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

export function sessionToken(request: FastifyRequest): string | null {
  return request.cookies?.[sessionCookie] || null;
}

/** The user of the request's session cookie, or null; a cross-site write is refused (403). */
export async function sessionUser(db: Db, request: FastifyRequest): Promise<SignedInUser | null> {
  const token = sessionToken(request);
  if (!token) return null;
  const user = await findSessionUser(db, token);
  if (!user) return null;
  if (!safeMethods.has(request.method) && !isSameSiteWrite(request)) {
    throw forbidden(
      "csrf_header_missing",
      `a change made with a session must send the ${adminHeader} header or a JSON body`,
    );
  }
  return user;
}

function isSameSiteWrite(request: FastifyRequest): boolean {
  if (request.headers[adminHeader]) return true;
  return /^application\/json\b/i.test(request.headers["content-type"] ?? "");
}

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date, secure: boolean) {
  reply.setCookie(sessionCookie, token, {
    path: "/",
    httpOnly: true,
    sameSite: "strict",
    secure,
    expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(sessionCookie, { path: "/", httpOnly: true, sameSite: "strict" });
}

/** Admin-only operations (users, API keys, apps): an operator's session is refused; API keys may. */
export function requireAdmin(request: FastifyRequest): void {
  if (request.user && request.user.role !== "admin") {
    throw forbidden("admin_only", "only an admin of the organization may do this");
  }
}
