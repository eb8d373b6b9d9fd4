// Every error leaves the API as `{ error: { code, message, field? } }` with the status its kind implies.
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { isDatabaseUnavailable, pgErrorCode } from "../db/connection.ts";
import { DomainError, type ErrorKind } from "../domain/errors.ts";
import { fieldPath } from "../domain/parse.ts";
import type { ErrorBody } from "./schemas.ts";

const statusByKind: Record<ErrorKind, number> = {
  invalid: 422,
  not_found: 404,
  conflict: 409,
  locked: 423,
  unauthorized: 401,
  forbidden: 403,
};

/** A malformed request is 400 wherever it is caught (route schema or operation); a broken rule is 422. */
export function statusOf(error: DomainError): number {
  return error.code === "validation_failed" ? 400 : statusByKind[error.kind];
}

export const unauthorized = (message: string) => new DomainError("unauthorized", "unauthorized", message);

export function domainErrorBody(error: DomainError): ErrorBody {
  const body: ErrorBody = {
    error: { code: error.code, message: error.message, field: error.field || undefined },
  };
  const details = error.details ?? {};
  if (Array.isArray(details.issues)) body.issues = details.issues as ErrorBody["issues"];
  if (Array.isArray(details.rows)) body.rows = details.rows as ErrorBody["rows"];
  return body;
}

/** `/lines/0/quantity` → `lines[0].quantity`. */
function fieldOfInstancePath(instancePath: string): string {
  const parts = instancePath.split("/").filter((part) => part !== "");
  return fieldPath(parts.map((part) => (/^\d+$/.test(part) ? Number(part) : part)));
}

function validationBody(error: { validation: { instancePath: string; message?: string }[] }): ErrorBody {
  const issues = error.validation.map((issue) => ({
    field: fieldOfInstancePath(issue.instancePath),
    message: issue.message ?? "is invalid",
  }));
  const first = issues[0] ?? { field: "", message: "is invalid" };
  return {
    error: {
      code: "validation_failed",
      message: `${first.field || "body"} ${first.message}`,
      field: first.field || undefined,
    },
    issues,
  };
}

const codeByStatus: Record<number, string> = {
  400: "bad_request",
  404: "not_found",
  405: "method_not_allowed",
  406: "not_acceptable",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "too_many_requests",
};

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof DomainError) {
    if (error.kind === "unauthorized" && !reply.hasHeader("www-authenticate"))
      reply.header("www-authenticate", "Bearer");
    return reply.status(statusOf(error)).send(domainErrorBody(error));
  }
  if (hasZodFastifySchemaValidationErrors(error)) return reply.status(400).send(validationBody(error));
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, "database unavailable");
    return reply
      .status(503)
      .header("retry-after", "5")
      .send({
        error: { code: "database_unavailable", message: "the database is not available; try again shortly" },
      });
  }
  if (pgErrorCode(error) === "23505") {
    return reply
      .status(409)
      .send({ error: { code: "already_exists", message: "the record already exists" } });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500 && !isResponseSerializationError(error)) {
    const code = error.code === "FST_ERR_CTP_INVALID_JSON_BODY" ? "invalid_json" : codeByStatus[status];
    return reply.status(status).send({ error: { code: code ?? "bad_request", message: error.message } });
  }
  request.log.error({ err: error }, "unexpected error");
  return reply
    .status(500)
    .send({ error: { code: "internal_error", message: "an unexpected error occurred" } });
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply) {
  return reply
    .status(404)
    .send({ error: { code: "not_found", message: `${request.method} ${request.url} is not a route` } });
}
