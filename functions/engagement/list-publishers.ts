/** GET /v0/publisher — the caller's partners (the publishers that broadcast its missions). */
import { engagementEndpoint } from '#shared/dialects/engagement/dialect.ts';
import { publisherView } from '#shared/dialects/engagement/views.ts';
import { partnersOf } from '#shared/domain/engagement.ts';
import { json } from '#shared/http/types.ts';

export const handler = engagementEndpoint({
  async handle({ principal }) {
    const partners = await partnersOf(principal.tenantId, principal.credential.principalId!);
    return json(200, { ok: true, data: partners.map(publisherView), total: partners.length });
  },
});
