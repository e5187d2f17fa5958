/** PUT /v0/myorganization/{organizationClientId} — replace which partners broadcast this organization. */
import * as z from 'zod';
import { engagementEndpoint, pathId } from '../../shared/dialects/engagement/dialect.ts';
import { partnerSettingsView } from '../../shared/dialects/engagement/views.ts';
import { setPartnerSettings } from '../../shared/domain/engagement.ts';
import { json } from '../../shared/http/types.ts';

export const handler = engagementEndpoint({
  bodyFormat: 'json',
  params: z.object({ organizationClientId: pathId }),
  body: z.object({
    publisherIds: z.array(z.string().max(200)).max(10_000),
    organizationName: z.string().min(1).max(500).nullable().optional(),
  }),
  async handle({ params, body, principal }) {
    const settings = await setPartnerSettings(
      principal.tenantId,
      principal.credential.principalId!,
      params.organizationClientId,
      body.publisherIds,
      body.organizationName,
    );
    return json(200, partnerSettingsView(settings));
  },
});
