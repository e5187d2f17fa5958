/** What an error looks like in each dialect: the property every fuzzed rejection must satisfy. */
import type { DialectName } from '#functions/routes.ts';
import type { Reply } from '#test/support/server.ts';

export function isDialectError(dialect: DialectName, reply: Reply): boolean {
  const body = reply.body as Record<string, unknown> | undefined;
  const contentType = reply.headers.get('content-type') ?? '';
  switch (dialect) {
    case 'netux':
      return (
        typeof body === 'object' &&
        body !== null &&
        ((typeof body.code === 'number' && typeof body.message === 'string' && 'detail' in body) ||
          (Object.keys(body).length === 1 && typeof body.detail === 'string'))
      );
    case 'engagement':
      return typeof body === 'object' && body !== null && body.ok === false && typeof body.code === 'string' && 'message' in body;
    case 'apidae':
      return contentType.startsWith('text/plain') && reply.text.length > 0;
    case 'responsys':
      return (
        typeof body === 'object' &&
        body !== null &&
        body.type === '' &&
        typeof body.title === 'string' &&
        typeof body.errorCode === 'string' &&
        /^[A-Z_]+$/.test(body.errorCode) &&
        typeof body.detail === 'string' &&
        Array.isArray(body.errorDetails)
      );
  }
}
