/** GET /rest/api/v1.3/attributes/campaigns/{campaignName} — the organizations that can access the campaign, in the order last set. */
import { getAccessEndpoint } from '#shared/dialects/responsys/access.ts';

export const handler = getAccessEndpoint('campaign');
