// Checks of request values that the channels word alike; each simulator answers a failed one in its own words.

/** A non-empty list of at most `max` entries (a batch call's body), whose entries `T` describes unchecked. */
export function isBatch<T>(value: unknown, max: number): value is T[] {
  return Array.isArray(value) && value.length >= 1 && value.length <= max;
}

/** A page number from 1 and a page size from 1 to `maxPageSize`, both whole. */
export function isPage(page: number, pageSize: number, maxPageSize: number): boolean {
  return (
    Number.isInteger(page) &&
    page >= 1 &&
    Number.isInteger(pageSize) &&
    pageSize >= 1 &&
    pageSize <= maxPageSize
  );
}

/** A stock count: a whole number from 0. */
export function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}
