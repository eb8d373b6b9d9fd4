// Validates input at a boundary: the first problem becomes a DomainError naming the field and the reason.
import type { z } from "zod";
import { DomainError } from "./errors.ts";

export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}

export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: fieldPath(issue.path),
    message: issue.message,
  }));
  const first = issues[0] ?? { field: "", message: "is invalid" };
  throw new DomainError(
    "invalid",
    "validation_failed",
    `${first.field || "body"} ${first.message}`,
    first.field,
    {
      issues,
    },
  );
}
