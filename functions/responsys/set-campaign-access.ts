/** POST /rest/api/v1.3/attributes/campaigns/{campaignName} — replace the organizations that can access the campaign. */
import { setAccessEndpoint } from '#shared/dialects/responsys/access.ts';

export const handler = setAccessEndpoint('campaign');
