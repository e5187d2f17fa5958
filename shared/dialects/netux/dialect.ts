/** Netux (Ubidots v2.0) wire rules: X-Auth-Token / ?token= auth, scopes, `{code, message, detail}` errors. */
import * as z from 'zod/mini';

import { principalForSecret } from '#shared/domain/authentication.ts';
import type { NetuxScope } from '#shared/domain/credential.ts';
import type { ItemProblem } from '#shared/domain/task.ts';
import { AppError, type Issue } from '#shared/errors.ts';
import { createEndpoint, type Dialect, type EndpointOptions } from '#shared/http/handler.ts';
import { header, type HttpResult, json } from '#shared/http/types.ts';

const MISSING_CREDENTIALS = 'Authentication credentials were not provided.';

export const BULK_HEADER_MISSING = 'Header `X-BULK-OPERATION` should be provided for bulk operation.';

const envelope = (status: number, code: number, message: string, detail: unknown = message) => json(status, { code, message, detail });

/** Validation issues → Netux `detail`: `{field: [msg]}`, per item `{index: {field: [msg]}}`, or `non_field_errors`. */
export function netuxDetail(issues: Issue[]): Record<string, unknown> {
  // Field names can come from the client: null-prototype objects keep `constructor` an ordinary key.
  const detail: Record<string, unknown> = Object.create(null);
  const add = (target: Record<string, unknown>, path: (string | number)[], message: string) => {
    const field = path.length === 0 ? 'non_field_errors' : String(path[0]);
    target[field] = [...((target[field] as string[] | undefined) ?? []), message];
  };
  for (const issue of issues) {
    const [first, ...rest] = issue.path;
    if (typeof first === 'number') {
      const item = (detail[String(first)] ??= Object.create(null)) as Record<string, unknown>;
      add(item, rest, issue.message);
    } else {
      add(detail, issue.path, issue.message);
    }
  }
  return detail;
}

/**
 * Netux's code, message and detail for a refusal: the one wording of a request's error body and of a
 * bulk item's failure in the task report.
 */
export function codeAndDetail(
  kind: ItemProblem['kind'],
  message: string,
  { issues = [], detail }: { issues?: Issue[]; detail?: unknown },
): [code: number, message: string, detail: unknown] {
  switch (kind) {
    case 'not_found':
      return [404001, 'Not found.', 'Not found.'];
    case 'conflict':
      return [400001, 'Validation Error.', { [(detail as { field?: string } | undefined)?.field ?? 'non_field_errors']: [message] }];
    case 'validation':
      return [400001, 'Validation Error.', (detail as object | undefined) ?? netuxDetail(issues)];
    default:
      return [500001, 'Internal server error.', message];
  }
}

export const netux: Dialect = {
  name: 'netux',
  maxBodyBytes: 5 * 1024 * 1024,
  async authenticate(event) {
    const token = header(event, 'x-auth-token') ?? event.queryStringParameters?.token;
    if (!token) throw new AppError('unauthenticated', MISSING_CREDENTIALS);
    const principal = await principalForSecret('netux', token);
    if (!principal) throw new AppError('invalid_credentials', 'Invalid token.');
    return principal;
  },
  authorize: (principal, scope) => principal.credential.scopes?.includes(scope as NetuxScope) ?? false,
  formatError(error): HttpResult {
    switch (error?.kind) {
      case 'unauthenticated':
        return envelope(401, 401001, MISSING_CREDENTIALS);
      case 'invalid_credentials':
        return envelope(401, 401001, 'Invalid token.');
      case 'forbidden':
        return envelope(403, 403001, 'You do not have permission to perform this action.');
      case 'not_found':
      case 'conflict':
        return envelope(error.kind === 'not_found' ? 404 : 400, ...codeAndDetail(error.kind, error.message, error.options));
      case 'validation':
        if (error.options.location === 'header') return json(400, { detail: BULK_HEADER_MISSING });
        // A path key that cannot be decoded matches nothing: 404, as for any other unknown key.
        if (error.options.location === 'path') return envelope(404, 404001, 'Not found.');
        return envelope(400, ...codeAndDetail(error.kind, error.message, error.options));
      case 'payload_too_large':
        return envelope(413, 413001, 'Request entity too large.', error.message);
      case 'rate_limited':
        return envelope(
          429,
          429001,
          'Request was throttled.',
          `Request was throttled. Expected available in ${error.options.retryAfterSeconds ?? 1} seconds.`,
        );
      default:
        return envelope(500, 500001, 'Internal server error.');
    }
  },
};

export const netuxEndpoint = <P extends z.ZodMiniType, Q extends z.ZodMiniType, B extends z.ZodMiniType>(
  options: EndpointOptions<P, Q, B>,
) => createEndpoint(netux, options);

/** Path key: an id or `~label`; anything that matches nothing is a 404, never a 400. */
export const organizationKeyParams = z.object({ key: z.string() });
