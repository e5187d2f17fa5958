/** GET /v0/organization?q=&rna=&siret=&limit=&skip= — the tenant's organizations. */
import * as z from 'zod/mini';

import { engagementEndpoint } from '#shared/dialects/engagement/dialect.ts';
import { organizationSummaryView } from '#shared/dialects/engagement/views.ts';
import { searchOrganizations } from '#shared/domain/engagement.ts';
import { boundedInteger } from '#shared/http/query-params.ts';
import { json } from '#shared/http/types.ts';

export const handler = engagementEndpoint({
  answerBoundedBy: 'limit',
  query: z.object({
    q: z.optional(z.string().check(z.maxLength(200))),
    rna: z.optional(z.string().check(z.maxLength(50))),
    siret: z.optional(z.string().check(z.maxLength(50))),
    limit: boundedInteger(0, 100, 25),
    skip: boundedInteger(0, 1_000_000_000, 0),
  }),
  async handle({ query, principal }) {
    const { total, page } = await searchOrganizations(principal.tenantId, query);
    return json(200, { ok: true, data: page.map(organizationSummaryView), total });
  },
});
