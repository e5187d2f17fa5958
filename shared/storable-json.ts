/**
 * Free-form JSON that clients store (Netux `properties`) must also be a valid DynamoDB attribute
 * value, or the write fails inside DynamoDB (a 500) instead of being refused up front (a 400).
 * Refused here: empty map keys and more than 32 levels of nesting (DynamoDB), numbers smaller than
 * 1E-130 in magnitude (DynamoDB), and numbers beyond ±(2^53 − 1): the SDK's marshaller refuses those,
 * as they would not come back exactly (JSON itself allows up to ±1.8E+308).
 */

/** Nesting levels left for the value itself: its attribute (and the map holding it) take two of DynamoDB's 32. */
const MAX_DEPTH = 30;
const MAX_MAGNITUDE = Number.MAX_SAFE_INTEGER;
const MIN_MAGNITUDE = 1e-130;

/** Why DynamoDB would refuse this value, or undefined when it can be stored as it is. */
export function unstorableJsonReason(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'number') {
    const magnitude = Math.abs(value);
    return value !== 0 && (magnitude > MAX_MAGNITUDE || magnitude < MIN_MAGNITUDE)
      ? 'Numbers must be 0 or between 1E-130 and 9007199254740991 in magnitude.'
      : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return `Values may be nested at most ${MAX_DEPTH} levels deep.`;
  const entries = Array.isArray(value) ? value.map((item) => ['0', item] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    if (key === '') return 'Keys may not be empty.';
    const reason = unstorableJsonReason(item, depth + 1);
    if (reason) return reason;
  }
  return undefined;
}
