/** GET /api/v002/membre/get-by-id/{id}?apiKey=&projetId=&responseFields=&userStatus= — one member, in an array. */
import * as z from 'zod/mini';

import { apidaeEndpoint } from '#shared/dialects/apidae/dialect.ts';
import { callbackSchema, parseResponseFieldsParam, USER_STATUSES } from '#shared/dialects/apidae/query.ts';
import { membersResponse, memberView } from '#shared/dialects/apidae/views.ts';
import { getMember } from '#shared/domain/members.ts';
import { notFound } from '#shared/errors.ts';

export const handler = apidaeEndpoint({
  params: z.object({ id: z.string() }),
  query: z.object({
    responseFields: z.optional(z.string()),
    userStatus: z._default(z.enum(USER_STATUSES), 'ACTIFS'),
    callback: z.optional(callbackSchema),
  }),
  async handle({ params, query, principal }) {
    const responseFields = parseResponseFieldsParam(query.responseFields);
    const member = /^\d{1,15}$/.test(params.id) ? await getMember(principal.tenantId, Number(params.id)) : undefined;
    if (!member) throw notFound(`Membre ${params.id} introuvable.`);
    const view = memberView(member, { responseFields, userStatus: query.userStatus, access: principal.credential.access ?? 'limited' });
    return membersResponse([view], query.callback, false);
  },
});
