/** GET /rest/api/v1.3/programs?offset=&limit= — limit default and max 200. */
import * as z from 'zod';
import { responsysEndpoint } from '../../shared/dialects/responsys/dialect.ts';
import { programView } from '../../shared/dialects/responsys/views.ts';
import { listAccessLists } from '../../shared/domain/access-lists.ts';
import { json } from '../../shared/http/types.ts';

const integer = z.string().regex(/^\d+$/, 'must be a non-negative integer').transform(Number);

export const handler = responsysEndpoint({
  query: z.object({
    offset: integer.default(0),
    limit: integer.pipe(z.number().min(1).max(200)).default(200),
  }),
  async handle({ query, principal }) {
    const programs = await listAccessLists(principal.tenantId, 'program', query.offset, query.limit);
    return json(200, { programs: programs.map(programView) });
  },
});
