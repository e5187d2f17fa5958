/** GET /rest/api/v1.3/programs/{programName} — one program with its list and links, or 404 PROGRAM_NOT_FOUND. */
import { listParams } from '#shared/dialects/responsys/access.ts';
import { responsysEndpoint } from '#shared/dialects/responsys/dialect.ts';
import { programDetailView } from '#shared/dialects/responsys/views.ts';
import { getProgram } from '#shared/domain/access-list-pages.ts';
import { json } from '#shared/http/types.ts';

export const handler = responsysEndpoint({
  params: listParams.program,
  async handle({ params, principal }) {
    return json(200, programDetailView(await getProgram(principal.tenantId, params.programName)));
  },
});
