/** GET (JSONP) and POST (form) /api/v002/membre/get-membres — member search with filters and blocks. */
import * as z from 'zod/mini';

import { apidaeEndpoint } from '#shared/dialects/apidae/dialect.ts';
import { callbackSchema, parseSearchQuery } from '#shared/dialects/apidae/query.ts';
import { membersResponse, memberView } from '#shared/dialects/apidae/views.ts';
import { searchMembers } from '#shared/domain/members.ts';

export const handler = apidaeEndpoint({
  query: z.object({ callback: z.optional(callbackSchema) }),
  answerBoundedBy: 'count',
  async handle({ query: params, principal, event }) {
    const query = parseSearchQuery(event);
    const { userStatus = 'ACTIFS', ...filter } = query.filter ?? {};
    const paged = query.first !== undefined || query.count !== undefined;
    const page = await searchMembers(principal.tenantId, filter, query.first ?? 0, query.count ?? Infinity);
    const options = { responseFields: query.responseFields ?? [], userStatus, access: principal.credential.access ?? 'limited' };
    return membersResponse(
      page.map((org) => memberView(org, options)),
      params.callback,
      paged,
    );
  },
});
