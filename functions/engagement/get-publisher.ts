/** GET /v0/publisher/{id} — one of the caller's partners, else 404 "Publisher not found". */
import * as z from 'zod/mini';

import { engagementEndpoint, pathId } from '#shared/dialects/engagement/dialect.ts';
import { publisherView } from '#shared/dialects/engagement/views.ts';
import { partnerOf } from '#shared/domain/engagement.ts';
import { json } from '#shared/http/types.ts';

export const handler = engagementEndpoint({
  params: z.object({ id: pathId }),
  async handle({ params, principal }) {
    return json(200, { ok: true, data: publisherView(await partnerOf(principal.tenantId, principal.credential.principalId!, params.id)) });
  },
});
