/**
 * Apidae (API v002, membres) wire rules: credentials inside the `query` JSON (or, for get-by-id, the
 * query string), plain-text errors, JSONP on request.
 */
import type * as z from 'zod/mini';

import { principalForProject } from '#shared/domain/authentication.ts';
import { AppError } from '#shared/errors.ts';
import { createEndpoint, type Dialect, type EndpointOptions, RESPONSE_TOO_LARGE } from '#shared/http/handler.ts';
import { type HttpEvent, text } from '#shared/http/types.ts';

import { readSearchQuery } from './query.ts';

const FORBIDDEN = 'Accès interdit';

/** The utilisateur services show people's names and addresses: a project with limited read gets 403, as for a bad key. */
export function requireFullRead(access: 'full' | 'limited' | undefined): void {
  if (access !== 'full') throw new AppError('forbidden', FORBIDDEN);
}

/** Where the caller's project credentials are: in get-membres' JSON query, or in the query string of the other services. */
function credentialsOf(event: HttpEvent): { projetId: unknown; apiKey: unknown } {
  if (!event.resource.includes('get-membres')) {
    return { projetId: event.queryStringParameters?.projetId, apiKey: event.queryStringParameters?.apiKey };
  }
  const query = readSearchQuery(event);
  return typeof query === 'object' && query !== null
    ? (query as { projetId: unknown; apiKey: unknown })
    : { projetId: undefined, apiKey: undefined };
}

export const apidae: Dialect = {
  name: 'apidae',
  maxBodyBytes: 1024 * 1024,
  async authenticate(event) {
    const { projetId, apiKey } = credentialsOf(event);
    const project =
      typeof projetId === 'number' || (typeof projetId === 'string' && /^\d{1,15}$/.test(projetId)) ? String(projetId) : undefined;
    if (!project || typeof apiKey !== 'string') throw new AppError('forbidden', FORBIDDEN);
    const principal = await principalForProject(project, apiKey);
    if (!principal) throw new AppError('forbidden', FORBIDDEN);
    return principal;
  },
  formatError(error) {
    switch (error?.kind) {
      case 'validation': {
        if (error.message === RESPONSE_TOO_LARGE) return text(400, 'La réponse dépasserait 6 Mo : paginez avec first et count dans query.');
        const where = error.options.location === 'path' ? 'chemin' : 'query';
        const details = (error.options.issues ?? []).map((i) => `${[where, ...i.path].join('.')}: ${i.message}`);
        return text(400, [error.message, ...details].join('\n'));
      }
      case 'unauthenticated':
      case 'invalid_credentials':
      case 'forbidden':
        return text(403, FORBIDDEN);
      case 'not_found':
        return text(404, error.message);
      case 'payload_too_large':
        return text(413, 'Requête trop volumineuse (1 Mo au plus).');
      case 'rate_limited':
        return text(429, `Trop de requêtes : réessayez dans ${error.options.retryAfterSeconds ?? 1} secondes.`);
      default:
        return text(500, 'Erreur de traitement.');
    }
  },
};

export const apidaeEndpoint = <P extends z.ZodMiniType, Q extends z.ZodMiniType, B extends z.ZodMiniType>(
  options: EndpointOptions<P, Q, B>,
) => createEndpoint(apidae, options);
