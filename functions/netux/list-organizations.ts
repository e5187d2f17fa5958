/** GET /api/v2.0/organizations/ — filtered, sorted, paged list. */
import * as z from 'zod/mini';

import { netuxEndpoint } from '#shared/dialects/netux/dialect.ts';
import { organizationView } from '#shared/dialects/netux/views.ts';
import { appsFor, findAppId, findOrganizations } from '#shared/domain/organizations.ts';
import { notFound } from '#shared/errors.ts';
import { boundedInteger } from '#shared/http/query-params.ts';
import { baseUrl, json } from '#shared/http/types.ts';
import { illFormedPath } from '#shared/http/well-formed.ts';

const query = z.object({
  page: boundedInteger(1, 1_000_000_000, 1),
  page_size: boundedInteger(1, 1000, 50),
  search: z.optional(z.string()),
  // The get-all page's filters: id, label, name, description, properties (JSON), createdAt, app (an app key).
  id: z.optional(z.string()),
  label: z.optional(z.string()),
  name: z.optional(z.string()),
  description: z.optional(z.string()),
  createdAt: z.optional(z.string()),
  app: z.optional(z.string()),
  properties: z.optional(
    z.pipe(
      z.string(),
      z.transform((text, context) => {
        try {
          const value: unknown = JSON.parse(text);
          // A lone surrogate (a \ud800 escape) could not be part of an index key: refused like any bad value.
          if (illFormedPath(value) === undefined && value !== null && typeof value === 'object' && !Array.isArray(value))
            return value as Record<string, unknown>;
        } catch {
          // answered below
        }
        context.issues.push({ code: 'custom', input: text, message: 'Enter a JSON object, e.g. {"city":"Lyon"}.' });
        return z.NEVER;
      }),
    ),
  ),
  // `created_at` is how the vendor's Sorting page spells it; `createdAt` is the field's own name.
  sort_by: z._default(z.enum(['label', 'name', 'createdAt', 'created_at', '-label', '-name', '-createdAt', '-created_at']), 'createdAt'),
  fields: z.optional(
    z.pipe(
      z.string(),
      z.transform((list) =>
        list
          .split(',')
          .map((field) => field.trim())
          .filter(Boolean),
      ),
    ),
  ),
});

export const handler = netuxEndpoint({
  requires: 'read',
  query,
  answerBoundedBy: 'page_size',
  async handle({ query, principal, event }) {
    const { tenantId } = principal;
    const descending = query.sort_by.startsWith('-');
    const start = (query.page - 1) * query.page_size;
    const { count, page } = await findOrganizations(
      tenantId,
      {
        search: query.search,
        id: query.id,
        label: query.label,
        name: query.name,
        description: query.description,
        createdAt: query.createdAt,
        // An app key that names no app matches no organization.
        appId: query.app === undefined ? undefined : ((await findAppId(tenantId, query.app)) ?? '\u0000no such app'),
        properties: query.properties,
        sortBy: query.sort_by.replace('-', '').replace('created_at', 'createdAt') as 'label' | 'name' | 'createdAt',
        descending,
      },
      start,
      query.page_size,
    );
    if (query.page > 1 && start >= count) throw notFound();
    const apps = await appsFor(tenantId, page);

    const base = baseUrl(event);
    const pageUrl = (page: number) => {
      const params = new URLSearchParams((event.queryStringParameters as Record<string, string> | null) ?? {});
      params.set('page', String(page));
      return `${base}${event.path}?${params.toString()}`;
    };
    const results = page.map((org) => {
      const view = organizationView(org, apps, base);
      return query.fields ? Object.fromEntries(Object.entries(view).filter(([key]) => query.fields!.includes(key))) : view;
    });
    return json(200, {
      count,
      next: start + query.page_size < count ? pageUrl(query.page + 1) : null,
      previous: query.page > 1 ? pageUrl(query.page - 1) : null,
      results,
    });
  },
});
