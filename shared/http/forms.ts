/**
 * Form bodies, picked by content type: urlencoded through ours (urlencoded.ts: the gateway's decoding
 * rule, so a stray `%` is refused like an undecodable byte), multipart/form-data through
 * the runtime's own (undici's `Response.formData()`, part of Node: nothing bundled, where a multipart
 * library would add ~26 KB to each function that takes forms). Kept apart from the pipeline
 * (handler.ts) so that only those functions carry it.
 */
import type middy from '@middy/core';

import { validationError } from '#shared/errors.ts';

import type { HttpEvent, HttpResult, RequestContext } from './types.ts';
import { header } from './types.ts';
import { urlencodedBodyParser } from './urlencoded.ts';

type Middleware = middy.MiddlewareObj<HttpEvent, HttpResult, Error, RequestContext>;

/** What a form's file part becomes: named, never read (the dialects store no files). */
interface FormFile {
  filename: string;
  mimetype: string;
}

const malformed = () => validationError('body', [{ path: [], message: 'Malformed request body.' }], 'Malformed request body.');

/**
 * A multipart body's fields: text as strings, files as `FormFile`, a repeated name as an array in
 * order. A body that is not well-formed multipart (no boundary, unterminated, …) is a bad body.
 */
async function multipartFields(event: HttpEvent, maxBodyBytes: number): Promise<Record<string, unknown>> {
  const bytes = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  // The pipeline already refused larger bodies; checked again because the parser holds the whole form.
  if (bytes.length > maxBodyBytes) throw malformed();
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': header(event, 'content-type') ?? '' } }).formData();
  } catch {
    throw malformed();
  }
  const fields: Record<string, unknown> = Object.create(null);
  for (const [name, part] of form) {
    const value: string | FormFile = typeof part === 'string' ? part : { filename: part.name, mimetype: part.type };
    const previous = fields[name];
    fields[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return fields;
}

/** A urlencoded or multipart body parsed into its fields; a malformed body is the dialect's 400. */
export function formParser(maxBodyBytes: number): Middleware {
  const urlencoded = urlencodedBodyParser();
  return {
    before: async (request) => {
      if (!header(request.event, 'content-type')?.toLowerCase().startsWith('multipart/form-data')) return urlencoded.before!(request);
      (request.event as { body: unknown }).body = await multipartFields(request.event, maxBodyBytes);
    },
  };
}
