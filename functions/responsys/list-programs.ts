/** GET /rest/api/v1.3/programs?offset=&limit= — limit default and max 200. */
import * as z from 'zod/mini';

import { responsysEndpoint } from '#shared/dialects/responsys/dialect.ts';
import { programView } from '#shared/dialects/responsys/views.ts';
import { listAccessLists } from '#shared/domain/access-lists.ts';
import { boundedInteger } from '#shared/http/query-params.ts';
import { json } from '#shared/http/types.ts';

export const handler = responsysEndpoint({
  answerBoundedBy: 'limit',
  query: z.object({
    offset: boundedInteger(0, 1_000_000_000, 0),
    limit: boundedInteger(1, 200, 200),
  }),
  async handle({ query, principal }) {
    const programs = await listAccessLists(principal.tenantId, 'program', query.offset, query.limit);
    return json(200, { programs: programs.map(programView) });
  },
});
