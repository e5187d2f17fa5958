/** GET /api/v2.0/tasks/{taskId}/results/?status=&page=&page_size= (extension) — a bulk task's item outcomes, page by page. */
import * as z from 'zod/mini';

import { netuxEndpoint } from '#shared/dialects/netux/dialect.ts';
import { itemResultView } from '#shared/dialects/netux/views.ts';
import { taskResults } from '#shared/domain/bulk-tasks.ts';
import { notFound } from '#shared/errors.ts';
import { boundedInteger } from '#shared/http/query-params.ts';
import { baseUrl, json } from '#shared/http/types.ts';

export const taskResultsQuery = z.object({
  status: z.optional(z.enum(['succeeded', 'failed', 'pending'])),
  page: boundedInteger(1, 1_000_000_000, 1),
  page_size: boundedInteger(1, 1000, 100),
});

export const handler = netuxEndpoint({
  requires: 'read',
  params: z.object({ taskId: z.string() }),
  query: taskResultsQuery,
  async handle({ params, query, principal, event }) {
    const offset = (query.page - 1) * query.page_size;
    const page = /^[0-9a-f]{20}$/.test(params.taskId)
      ? await taskResults(principal.tenantId, params.taskId, { status: query.status, offset, limit: query.page_size })
      : undefined;
    // An unknown task, or a page past the last (as the organization list answers it).
    if (!page || (query.page > 1 && offset >= page.count)) throw notFound();
    const pageUrl = (n: number) => {
      const search = new URLSearchParams((event.queryStringParameters as Record<string, string> | null) ?? {});
      search.set('page', String(n));
      return `${baseUrl(event)}${event.path}?${search.toString()}`;
    };
    return json(200, {
      count: page.count,
      next: offset + query.page_size < page.count ? pageUrl(query.page + 1) : null,
      previous: query.page > 1 ? pageUrl(query.page - 1) : null,
      results: page.results.map(itemResultView),
    });
  },
});
