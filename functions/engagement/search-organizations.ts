/** GET /v0/organization?q=&rna=&siret=&limit=&skip= — the tenant's organizations. */
import * as z from 'zod';
import { engagementEndpoint } from '../../shared/dialects/engagement/dialect.ts';
import { organizationSummaryView } from '../../shared/dialects/engagement/views.ts';
import { searchOrganizations } from '../../shared/domain/engagement.ts';
import { json } from '../../shared/http/types.ts';

const integer = z.string().regex(/^\d+$/, 'must be a non-negative integer').transform(Number);

export const handler = engagementEndpoint({
  query: z.object({
    q: z.string().max(200).optional(),
    rna: z.string().max(50).optional(),
    siret: z.string().max(50).optional(),
    limit: integer.pipe(z.number().max(100)).default(25),
    skip: integer.default(0),
  }),
  async handle({ query, principal }) {
    const { total, page } = await searchOrganizations(principal.tenantId, query);
    return json(200, { ok: true, data: page.map(organizationSummaryView), total });
  },
});
