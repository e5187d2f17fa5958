/** Responsys (Oracle Responsys REST v1.3) wire rules: raw token in Authorization, `{type,title,errorCode,detail,errorDetails}` errors. */
import type * as z from 'zod/mini';

import type { AccessListProblem } from '#shared/domain/access-lists.ts';
import { principalForSecret } from '#shared/domain/authentication.ts';
import { AppError } from '#shared/errors.ts';
import { createEndpoint, type Dialect, type EndpointOptions, RESPONSE_TOO_LARGE } from '#shared/http/handler.ts';
import { header, type HttpResult, json } from '#shared/http/types.ts';

export const fail = (status: number, errorCode: string, title: string, detail: string): HttpResult =>
  json(status, { type: '', title, errorCode, detail, errorDetails: [] });

const INVALID_TOKEN = 'Not a valid authentication token';

export const responsys: Dialect = {
  name: 'responsys',
  maxBodyBytes: 1024 * 1024,
  async authenticate(event) {
    const token = header(event, 'authorization');
    const principal = token ? await principalForSecret('responsys-token', token) : undefined;
    if (!principal) throw new AppError('unauthenticated', INVALID_TOKEN);
    return principal;
  },
  formatError(error) {
    const about = error?.options.detail as AccessListProblem | undefined;
    switch (error?.kind) {
      case 'unauthenticated':
        return fail(401, 'INVALID_AUTH_TOKEN', 'Unauthorized', INVALID_TOKEN);
      case 'invalid_credentials':
        return error.message === INVALID_TOKEN
          ? fail(401, 'INVALID_AUTH_TOKEN', 'Unauthorized', INVALID_TOKEN)
          : fail(401, 'INVALID_CREDENTIALS', 'Invalid credentials', error.message);
      case 'validation': {
        if (about?.problem === 'organization-name') {
          const reason = about.matches === 0 ? 'Invalid attribute value' : 'Ambiguous attribute value';
          return fail(
            400,
            'SET_OBJECT_ATTRIBUTE_EXCEPTION',
            'Set Object Attribute Exception',
            `Unable to set Access Attributes for the ${about.kind}. ${reason}: ${about.value}`,
          );
        }
        const problems = (error.options.issues ?? [])
          .map((i) => `${i.path.join('.') || (error.options.location ?? 'body')}: ${i.message}`)
          .join('; ');
        if (error.message === RESPONSE_TOO_LARGE)
          return fail(400, 'RESPONSE_TOO_LARGE', 'Response too large', error.options.issues?.[0]?.message ?? error.message);
        return error.options.location === 'body' || error.options.location === 'header'
          ? fail(400, 'INVALID_REQUEST_BODY', 'Invalid request body', problems || error.message)
          : fail(400, 'INVALID_PARAMETER', 'Invalid parameter', problems || error.message);
      }
      case 'not_found':
        if (about?.problem === 'list-not-found') {
          const noun = about.kind === 'program' ? 'Program' : 'Campaign';
          return fail(404, `${about.kind.toUpperCase()}_NOT_FOUND`, `${noun} not found`, `${noun} with the name ${about.name} not found`);
        }
        return fail(404, 'NOT_FOUND', 'Not found', error.message);
      case 'forbidden':
        return fail(403, 'FORBIDDEN', 'Forbidden', error.message);
      case 'conflict':
        return fail(409, 'CONFLICT', 'Conflict', error.message);
      case 'payload_too_large':
        return fail(413, 'REQUEST_TOO_LARGE', 'Request too large', error.message);
      case 'rate_limited':
        return fail(
          429,
          'API_LIMIT_EXCEEDED',
          'API limit exceeded',
          `Throttling limit exceeded. Retry after ${error.options.retryAfterSeconds ?? 1} seconds.`,
        );
      default:
        return fail(500, 'INTERNAL_SERVER_ERROR', 'Internal server error', 'An unexpected error occurred.');
    }
  },
};

export const responsysEndpoint = <P extends z.ZodMiniType, Q extends z.ZodMiniType, B extends z.ZodMiniType>(
  options: EndpointOptions<P, Q, B>,
) => createEndpoint(responsys, options);
