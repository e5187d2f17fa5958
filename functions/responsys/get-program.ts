/** GET /rest/api/v1.3/programs/{programName} — one program, or 404 PROGRAM_NOT_FOUND. */
import * as z from 'zod/mini';

import { responsysEndpoint } from '#shared/dialects/responsys/dialect.ts';
import { programView } from '#shared/dialects/responsys/views.ts';
import { getAccessList } from '#shared/domain/access-lists.ts';
import { json } from '#shared/http/types.ts';

export const handler = responsysEndpoint({
  params: z.object({ programName: z.string().check(z.minLength(1), z.maxLength(200)) }),
  async handle({ params, principal }) {
    return json(200, programView(await getAccessList(principal.tenantId, 'program', params.programName)));
  },
});
