/** The Apidae `query` parameter: URL-encoded JSON in the query string (GET) or a form field (POST). */
import * as z from 'zod/mini';

import { AppError, validationError } from '#shared/errors.ts';
import { requiredFieldMessage, zodIssues } from '#shared/http/handler.ts';
import type { HttpEvent } from '#shared/http/types.ts';
import { bodyText, urlencodedFields } from '#shared/http/urlencoded.ts';
import { refuseIllFormed } from '#shared/http/well-formed.ts';

export const RESPONSE_FIELDS = ['UTILISATEURS', 'OBJETS_GERES', 'PROJETS', 'RELATIONS', 'TRADUCTIONS', 'COMMUNES', 'TAGS'] as const;
export type ResponseField = (typeof RESPONSE_FIELDS)[number];
export const USER_STATUSES = ['ACTIFS', 'INACTIFS', 'TOUS'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

const parsed = new WeakMap<HttpEvent, unknown>();
const TYPOGRAPHIC_QUOTES = /[\u201C\u201D\u201E\u2033\u00AB\u00BB\u2018\u2019]/;

function formField(event: HttpEvent, name: string): string | undefined {
  if (typeof event.body !== 'string') return undefined;
  const value = urlencodedFields(bodyText(event))[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The parsed `query` JSON of get-membres (cached per event: authentication and the handler both read it). */
export function readSearchQuery(event: HttpEvent): unknown {
  if (parsed.has(event)) return parsed.get(event);
  const raw = event.httpMethod === 'POST' ? formField(event, 'query') : event.queryStringParameters?.query;
  if (raw === undefined || raw === '') {
    throw new AppError('validation', 'Paramètre query manquant : la requête doit porter query=<JSON>.', { location: 'query' });
  }
  // Undecodable bytes in the query string or form became U+FFFD: refused before they are read as JSON.
  refuseIllFormed(raw, 'query', true);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    const hint = TYPOGRAPHIC_QUOTES.test(raw) ? ' (des guillemets typographiques remplacent des guillemets droits ")' : '';
    throw new AppError('validation', `Le paramètre query n'est pas du JSON valide${hint} : ${(error as Error).message}`, {
      location: 'query',
    });
  }
  // A `\uD800` escape parses to a lone surrogate, which would reach the member index keys.
  refuseIllFormed(value, 'query');
  parsed.set(event, value);
  return value;
}

const text = z.string().check(z.maxLength(200));

export const memberFilterSchema = z.object({
  nom: z.optional(text),
  idParrain: z.optional(z.int()),
  communeCodePostal: z.optional(text),
  communeCode: z.optional(text),
  types: z.optional(z.array(text).check(z.maxLength(100))),
  idProjet: z.optional(z.int()),
  typeProjet: z.optional(text),
  statutProjet: z.optional(z.enum(['DEMONSTRATION', 'DEVELOPPEMENT', 'NON_DETERMINE', 'PRODUCTION'])),
  idSecteur: z.optional(z.int()),
  nomSecteur: z.optional(text),
  userStatus: z.optional(z.enum(USER_STATUSES)),
});

export const searchQuerySchema = z.object({
  projetId: z.int(),
  apiKey: z.string(),
  responseFields: z.optional(z.array(z.enum(RESPONSE_FIELDS))),
  filter: z.optional(memberFilterSchema),
  // Extension: paging, as Apidae's own search services do.
  first: z.optional(z.int().check(z.minimum(0))),
  count: z.optional(z.int().check(z.minimum(1))),
});

export function parseSearchQuery(event: HttpEvent): z.output<typeof searchQuerySchema> {
  const result = searchQuerySchema.safeParse(readSearchQuery(event), { error: requiredFieldMessage });
  if (!result.success) throw validationError('query', zodIssues(result.error), 'Paramètre query invalide.');
  return result.data;
}

/** `responseFields` in get-by-id's query string: a JSON array, or a comma-separated list. */
const responseFieldsSchema = z.array(z.enum(RESPONSE_FIELDS));

export function parseResponseFieldsParam(raw: string | undefined): ResponseField[] {
  if (raw === undefined || raw === '') return [];
  let list: unknown;
  try {
    list = raw.trim().startsWith('[') ? JSON.parse(raw) : raw.split(',').map((s) => s.trim());
  } catch (error) {
    throw new AppError('validation', `responseFields n'est pas du JSON valide : ${(error as Error).message}`, { location: 'query' });
  }
  const result = responseFieldsSchema.safeParse(list);
  if (!result.success)
    throw new AppError('validation', 'responseFields invalide.', {
      location: 'query',
      issues: zodIssues(result.error).map((i) => ({ ...i, path: ['responseFields', ...i.path] })),
    });
  return result.data;
}

/** JSONP callback names: a plain JavaScript identifier path such as `cb` or `jQuery123.cb`. */
export const callbackSchema = z
  .string()
  .check(
    z.maxLength(128),
    z.regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, 'callback must be a JavaScript identifier path such as cb or jQuery123.cb'),
  );
