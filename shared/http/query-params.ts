/** Query-string values arrive as strings: the shared shapes that turn them into typed values. */
import * as z from 'zod/mini';

/** A non-negative integer written in digits (at most 9, so it stays a safe number). */
export const queryInteger = z.pipe(z.string().check(z.regex(/^\d{1,9}$/, 'must be a non-negative integer')), z.transform(Number));

/** A non-negative integer within bounds, with a default when absent. */
export const boundedInteger = (min: number, max: number, fallback: number) =>
  z._default(z.pipe(queryInteger, z.number().check(z.minimum(min), z.maximum(max))), fallback);
