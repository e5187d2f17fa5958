/** PUT /v0/myorganization/{organizationClientId} — replace which partners broadcast this organization. */
import * as z from 'zod/mini';

import { engagementEndpoint, pathId } from '#shared/dialects/engagement/dialect.ts';
import { partnerSettingsView } from '#shared/dialects/engagement/views.ts';
import { setPartnerSettings } from '#shared/domain/engagement.ts';
import { json } from '#shared/http/types.ts';

export const handler = engagementEndpoint({
  bodyFormat: 'json',
  params: z.object({ organizationClientId: pathId }),
  body: z.object({
    publisherIds: z.array(z.string().check(z.maxLength(200))).check(z.maxLength(10_000)),
    organizationName: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(500)))),
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
