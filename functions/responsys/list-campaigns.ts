/** GET /rest/api/v1.3/campaigns?offset=&limit=&type= — one type (default email), limit default and max 200, with paging links. */
import * as z from 'zod/mini';

import { responsysEndpoint } from '#shared/dialects/responsys/dialect.ts';
import { campaignsView } from '#shared/dialects/responsys/views.ts';
import { pageCampaigns } from '#shared/domain/access-list-pages.ts';
import { CAMPAIGN_TYPES } from '#shared/domain/directory.ts';
import { boundedInteger } from '#shared/http/query-params.ts';
import { json } from '#shared/http/types.ts';

/** email, push, sms, mms or pushiocampaign, in any case. */
const type = z.pipe(
  z.pipe(
    z.string().check(z.describe('email (default), push, sms, mms or pushiocampaign')),
    z.transform((raw) => raw.trim().toUpperCase()),
  ),
  z.enum(CAMPAIGN_TYPES),
);

export const handler = responsysEndpoint({
  answerBoundedBy: 'limit',
  query: z.object({
    offset: boundedInteger(0, 1_000_000_000, 0),
    limit: boundedInteger(1, 200, 200),
    type: z._default(type, 'EMAIL'),
  }),
  async handle({ query, principal }) {
    // One more than the page says whether a `next` link is due.
    const found = await pageCampaigns(principal.tenantId, query.type, query.offset, query.limit + 1);
    return json(200, campaignsView(found.slice(0, query.limit), query, found.length > query.limit));
  },
});
