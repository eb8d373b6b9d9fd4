// Domain errors: typed values with a code and a message an operator can act on.

export type ErrorKind = "invalid" | "not_found" | "conflict" | "locked" | "unauthorized" | "forbidden";

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what: string, field?: string) =>
  new DomainError("not_found", "not_found", `${what} was not found`, field);

export const invalid = (code: string, message: string, field?: string, details?: Record<string, unknown>) =>
  new DomainError("invalid", code, message, field, details);

export const conflict = (code: string, message: string, field?: string, details?: Record<string, unknown>) =>
  new DomainError("conflict", code, message, field, details);

export const locked = (code: string, message: string, field?: string) =>
  new DomainError("locked", code, message, field);
