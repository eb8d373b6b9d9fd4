// Schemas shared by every route: ids in paths, the paging envelope, the error body.
import { z } from "zod";

export const idSchema = z.coerce
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .positive("must be at least 1")
  .max(Number.MAX_SAFE_INTEGER, "is too large");

export const merchantParams = z.object({ merchantId: idSchema });

/** Path parameters of a merchant route: `merchantId` plus the route's own. */
export const paramsWith = <T extends z.ZodRawShape>(shape: T) => merchantParams.extend(shape);

export const pagingQuery = z.object({
  page: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").default(1),
  limit: z.coerce
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(100, "must be at most 100")
    .default(20),
});
export type Paging = z.infer<typeof pagingQuery>;

/** The list envelope (LOGILESS style). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    current_page: z.number().int(),
    limit: z.number().int(),
    total_count: z.number().int(),
  });

export const page = <T>(paging: Paging, result: { rows: T[]; total: number }) => ({
  data: result.rows,
  current_page: paging.page,
  limit: paging.limit,
  total_count: result.total,
});

export const errorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      field: z.string().optional(),
    }),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    rows: z.array(z.object({ row: z.number().int(), column: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Error" });
export type ErrorBody = z.infer<typeof errorBody>;

/** Error answers every API route may give; merged into each route's response schemas for the docs. */
export const errorResponses = {
  400: errorBody,
  401: errorBody,
  404: errorBody,
  409: errorBody,
  422: errorBody,
  423: errorBody,
  429: errorBody,
  500: errorBody,
  503: errorBody,
};

/** A calendar date as YYYY-MM-DD that exists. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, "is not a calendar date");

export const bearerSecurity = [{ apiKey: [] }];
