/**
 * Percent-decoding with one rule for paths, query strings and urlencoded forms, the rule of a gateway
 * that hands Lambda a JSON event (which can only carry well-formed text): bytes that are not UTF-8, and
 * a `%` not followed by two hex digits, become U+FFFD, which the pipeline then refuses with the
 * dialect's 4xx (well-formed.ts). decodeURIComponent throws on both (that was a 502); URLSearchParams
 * and node:querystring keep a stray `%` as it is, so `name=100%` would have been stored as typed.
 */
import type middy from '@middy/core';

import type { HttpEvent, HttpResult, RequestContext } from './types.ts';

export function decodeUrlComponent(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    const bytes: number[] = [];
    for (let i = 0; i < raw.length; i++) {
      const hex = raw[i] === '%' ? raw.slice(i + 1, i + 3) : '';
      if (/^[0-9a-f]{2}$/i.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...(raw[i] === '%' ? [0xef, 0xbf, 0xbd] : Buffer.from(raw[i]!)));
      }
    }
    return new TextDecoder().decode(new Uint8Array(bytes)); // not fatal: invalid sequences become U+FFFD
  }
}

/** A query string's or form's pairs in order: split on `&` and the first `=`, `+` read as a space. */
export function urlencodedPairs(text: string): [string, string][] {
  return text
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const at = pair.indexOf('=');
      const [key, value] = at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
      return [decodeUrlComponent(key.replaceAll('+', ' ')), decodeUrlComponent(value.replaceAll('+', ' '))];
    });
}

/** A urlencoded form's fields: a repeated name as an array in order (null prototype: names come from the client). */
export function urlencodedFields(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of urlencodedPairs(text)) {
    const previous = fields[name];
    fields[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return fields;
}

/** The request body as text (API Gateway base64-encodes bodies it holds as binary). */
export const bodyText = (event: HttpEvent) =>
  event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');

/** Parses a urlencoded body into its fields, whatever the content type says (the endpoint takes only forms). */
export const urlencodedBodyParser = (): middy.MiddlewareObj<HttpEvent, HttpResult, Error, RequestContext> => ({
  before: (request) => {
    (request.event as { body: unknown }).body = urlencodedFields(bodyText(request.event));
  },
});
