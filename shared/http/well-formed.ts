/**
 * Ill-formed Unicode is refused where client text enters, with the dialect's own 4xx (see
 * docs/data-model.md, "Client text"). A lone surrogate arrives as a `\uD800` escape in JSON (bodies, the
 * Apidae query); undecodable bytes in a path, a query string or a form arrive as U+FFFD, what API
 * Gateway and the local gateway put in their place. Neither can be stored or keyed faithfully: DynamoDB
 * fails on a lone surrogate inside a key or a map key (a 500), `encodeURIComponent` throws on one, a
 * client's UTF-8 decoder cannot read one back, and a replaced byte is another text than the client sent.
 */
import { AppError, type InputLocation } from '#shared/errors.ts';

export const ILL_FORMED_TEXT = 'Must be well-formed Unicode: a lone surrogate (\\uD800 to \\uDFFF) is not a character.';
export const ILL_FORMED_ENCODING = 'Must be valid percent-encoded UTF-8.';
export const ILL_FORMED_BYTES = 'Must be valid UTF-8.';

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

/**
 * Whether text decoded from percent-encoded or raw bytes (a path, a query string, a form) held bytes
 * that are not UTF-8: the decoder put U+FFFD in their place. U+FFFD itself, even well encoded
 * (`%EF%BF%BD`), cannot be told apart and is refused with them.
 */
const holdsUndecodableBytes = (text: string) => !text.isWellFormed() || text.includes('\uFFFD');

/**
 * Throws the validation error every dialect formats, when a value holds ill-formed text.
 * `decodedFromBytes`: the value was decoded from bytes (path, query string, form, a JSON body that held
 * replaced bytes), so U+FFFD is refused too, with `message`.
 */
export function refuseIllFormed(value: unknown, location: InputLocation, decodedFromBytes = false, message = ILL_FORMED_ENCODING): void {
  const path = decodedFromBytes ? illFormedPath(value, holdsUndecodableBytes) : illFormedPath(value);
  if (path) {
    throw new AppError('validation', 'Validation Error.', {
      location,
      // A query parameter is named alone: the index of a repeated name's value is the event's structure, not the client's.
      issues: [{ path: location === 'query' ? path.slice(0, 1) : path, message: decodedFromBytes ? message : ILL_FORMED_TEXT }],
    });
  }
}
