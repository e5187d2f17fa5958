/** GET /rest/api/v1.3/campaigns/{campaignName} — one campaign with its links, or 404 CAMPAIGN_NOT_FOUND. */
import { listParams } from '#shared/dialects/responsys/access.ts';
import { responsysEndpoint } from '#shared/dialects/responsys/dialect.ts';
import { campaignView } from '#shared/dialects/responsys/views.ts';
import { getCampaign } from '#shared/domain/access-list-pages.ts';
import { json } from '#shared/http/types.ts';

export const handler = responsysEndpoint({
  params: listParams.campaign,
  async handle({ params, principal }) {
    return json(200, campaignView(await getCampaign(principal.tenantId, params.campaignName)));
  },
});
