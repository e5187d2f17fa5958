/** Engagement (API Engagement /v0) wire rules: x-api-key / apikey auth, `{ok:false, code, message}` errors. */
import * as z from 'zod/mini';

import { principalForSecret } from '#shared/domain/authentication.ts';
import { AppError } from '#shared/errors.ts';
import { createEndpoint, type Dialect, type EndpointOptions } from '#shared/http/handler.ts';
import { header, type HttpResult, json } from '#shared/http/types.ts';

const fail = (status: number, code: string, message: unknown): HttpResult => json(status, { ok: false, code, message });

const validationCodes = { body: 'INVALID_BODY', path: 'INVALID_PARAMS', query: 'INVALID_QUERY', header: 'INVALID_BODY' } as const;

export const engagement: Dialect = {
  name: 'engagement',
  maxBodyBytes: 1024 * 1024,
  async authenticate(event) {
    const key = header(event, 'x-api-key') ?? header(event, 'apikey');
    if (!key) throw new AppError('unauthenticated', 'Unauthorized');
    const principal = await principalForSecret('engagement', key);
    if (!principal) throw new AppError('invalid_credentials', 'Unauthorized');
    return principal;
  },
  formatError(error) {
    switch (error?.kind) {
      case 'validation': {
        const issues = error.options.issues ?? [];
        const message =
          issues.length === 1 && issues[0]!.path.length === 0
            ? issues[0]!.message
            : issues.map((i) => ({ path: i.path, message: i.message }));
        return fail(400, validationCodes[error.options.location ?? 'body'], message);
      }
      case 'unauthenticated':
      case 'invalid_credentials':
        return fail(401, 'UNAUTHORIZED', 'Unauthorized');
      case 'forbidden':
        return fail(403, 'FORBIDDEN', 'Forbidden');
      case 'not_found':
        return fail(404, 'NOT_FOUND', error.message);
      case 'conflict':
        return fail(409, 'RESSOURCE_ALREADY_EXIST', error.message);
      case 'payload_too_large':
        return fail(413, 'PAYLOAD_TOO_LARGE', 'Request body exceeds 1 MB');
      case 'rate_limited':
        return fail(429, 'TOO_MANY_REQUESTS', 'Too many requests, please try again later');
      default:
        return fail(500, 'SERVER_ERROR', 'Internal server error');
    }
  },
};

export const engagementEndpoint = <P extends z.ZodMiniType, Q extends z.ZodMiniType, B extends z.ZodMiniType>(
  options: EndpointOptions<P, Q, B>,
) => createEndpoint(engagement, options);

/** Path identifiers: non-empty, at most 200 characters, no control characters. */
export const pathId = z.string().check(z.minLength(1), z.maxLength(200), z.regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'));
