/** GET /v0/myorganization/{organizationClientId} — the caller's partners and which are excluded. */
import * as z from 'zod/mini';

import { engagementEndpoint, pathId } from '#shared/dialects/engagement/dialect.ts';
import { partnerSettingsView } from '#shared/dialects/engagement/views.ts';
import { getPartnerSettings } from '#shared/domain/engagement.ts';
import { json } from '#shared/http/types.ts';

export const handler = engagementEndpoint({
  params: z.object({ organizationClientId: pathId }),
  async handle({ params, principal }) {
    return json(
      200,
      partnerSettingsView(await getPartnerSettings(principal.tenantId, principal.credential.principalId!, params.organizationClientId)),
    );
  },
});
