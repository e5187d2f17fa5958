/**
 * Ill-formed Unicode is refused where client text enters, with the dialect's own 4xx (see
 * docs/data-model.md, "Client text"). A lone surrogate arrives as a `\uD800` escape in JSON (bodies, the
 * Apidae query); undecodable path bytes arrive as U+FFFD, what API Gateway and the local gateway put in
 * their place. Neither can be stored or keyed faithfully: DynamoDB fails on a lone surrogate inside a
 * key or a map key (a 500), `encodeURIComponent` throws on one, and a client's UTF-8 decoder cannot
 * read one back.
 */
import { AppError, type InputLocation } from '#shared/errors.ts';

export const ILL_FORMED_TEXT = 'Must be well-formed Unicode: a lone surrogate (\\uD800 to \\uDFFF) is not a character.';
export const ILL_FORMED_PATH = 'Must be valid percent-encoded UTF-8.';

/** Path segments kept for the error (each dialect names at most the field, or the item and its field). */
const REPORTED_DEPTH = 3;

/**
 * Where the first ill-formed string or object key of a parsed value is (the key itself is not
 * echoed back), or undefined. Iterative: parsed JSON may nest deeper than the call stack.
 */
export function illFormedPath(value: unknown, rejects: (text: string) => boolean = (text) => !text.isWellFormed()) {
  const pending: [unknown, (string | number)[]][] = [[value, []]];
  while (pending.length > 0) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'string') {
      if (rejects(current)) return path;
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => pending.push([item, path.length < REPORTED_DEPTH ? [...path, i] : path]));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        if (rejects(key)) return path;
        pending.push([item, path.length < REPORTED_DEPTH ? [...path, key] : path]);
      }
    }
  }
  return undefined;
}

/** Throws the validation error every dialect formats, when a value holds ill-formed text. */
export function refuseIllFormed(value: unknown, location: InputLocation): void {
  // Path parameters: U+FFFD is what undecodable bytes became, so it is refused there too.
  const path = location === 'path' ? illFormedPath(value, (text) => !text.isWellFormed() || text.includes('\uFFFD')) : illFormedPath(value);
  if (path) {
    throw new AppError('validation', 'Validation Error.', {
      location,
      issues: [{ path, message: location === 'path' ? ILL_FORMED_PATH : ILL_FORMED_TEXT }],
    });
  }
}
