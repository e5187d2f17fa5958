/**
 * Form bodies (urlencoded and multipart/form-data) through Middy's parsers, picked by content type. Kept
 * apart from the pipeline (handler.ts) so that only the functions that take forms bundle a multipart
 * parser.
 */
import type middy from '@middy/core';
import httpMultipartBodyParser from '@middy/http-multipart-body-parser';
import httpUrlencodeBodyParser from '@middy/http-urlencode-body-parser';

import type { HttpEvent, HttpResult, RequestContext } from './types.ts';
import { header } from './types.ts';

type Middleware = middy.MiddlewareObj<HttpEvent, HttpResult, Error, RequestContext>;

/**
 * A urlencoded or multipart body parsed into its fields. Multipart fields may be as long as the body
 * may be (busboy would otherwise cut them at 1 MB without a word); a malformed body is the parsers'
 * 422, which the pipeline answers as the dialect's 400.
 */
export function formParser(maxBodyBytes: number): Middleware {
  const urlencoded: Middleware = httpUrlencodeBodyParser({ disableContentTypeCheck: true });
  const multipart: Middleware = httpMultipartBodyParser({ disableContentTypeCheck: true, busboy: { limits: { fieldSize: maxBodyBytes } } });
  return {
    before: (request) =>
      header(request.event, 'content-type')?.toLowerCase().startsWith('multipart/form-data')
        ? multipart.before!(request)
        : urlencoded.before!(request),
  };
}
