/** GET /rest/api/v1.3/programs?offset=&limit=&status= — limit default and max 200; status: a comma list of states. */
import * as z from 'zod/mini';

import { responsysEndpoint } from '#shared/dialects/responsys/dialect.ts';
import { programView } from '#shared/dialects/responsys/views.ts';
import { pagePrograms } from '#shared/domain/access-list-pages.ts';
import { PROGRAM_STATUSES } from '#shared/domain/directory.ts';
import { boundedInteger } from '#shared/http/query-params.ts';
import { json } from '#shared/http/types.ts';

/** `NOT_RUNNING,RUNNING`: any of these states (spaces and case forgiven; empty means every state). */
const statuses = z.pipe(
  z.pipe(
    z.string().check(z.describe('Comma-separated states: NOT_RUNNING, RUNNING, RUNNING_WITH_ERRORS')),
    z.transform((raw) =>
      raw
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    ),
  ),
  z.array(z.enum(PROGRAM_STATUSES)),
);

export const handler = responsysEndpoint({
  answerBoundedBy: 'limit',
  query: z.object({
    offset: boundedInteger(0, 1_000_000_000, 0),
    limit: boundedInteger(1, 200, 200),
    status: z.optional(statuses),
  }),
  async handle({ query, principal }) {
    const selected = query.status?.length ? query.status : undefined;
    const programs = await pagePrograms(principal.tenantId, selected, query.offset, query.limit);
    return json(200, { programs: programs.map(programView) });
  },
});
