/**
 * GET /api/v002/utilisateur/get-by-id/{id}, get-by-mail/{eMail} and get-by-membre/{membreId}
 * ?apiKey=&projetId=[&userStatus=] — one user (an object) or a member's users (an array); full read only.
 */
import * as z from 'zod/mini';

import { apidaeEndpoint, requireFullRead } from '#shared/dialects/apidae/dialect.ts';
import { callbackSchema, USER_STATUSES } from '#shared/dialects/apidae/query.ts';
import { membersResponse, utilisateurView } from '#shared/dialects/apidae/views.ts';
import { userById, userByMail, usersOfMember } from '#shared/domain/member-users.ts';
import { notFound } from '#shared/errors.ts';

const integerId = (raw: string) => (/^\d{1,15}$/.test(raw) ? Number(raw) : undefined);

export const handler = apidaeEndpoint({
  // One of them, as the route says (each route names its own in the path).
  params: z.object({ id: z.optional(z.string()), eMail: z.optional(z.string()), membreId: z.optional(z.string()) }),
  query: z.object({ userStatus: z._default(z.enum(USER_STATUSES), 'ACTIFS'), callback: z.optional(callbackSchema) }),
  async handle({ params, query, principal }) {
    requireFullRead(principal.credential.access);
    const { tenantId } = principal;
    const status = query.userStatus;
    if (params.membreId !== undefined) {
      const intId = integerId(params.membreId);
      const users = intId === undefined ? undefined : await usersOfMember(tenantId, intId, status);
      if (!users) throw notFound(`Membre ${params.membreId} introuvable.`);
      return membersResponse(users.map(utilisateurView), query.callback, false);
    }
    const byId = async (raw: string) => {
      const id = integerId(raw);
      return id === undefined ? undefined : userById(tenantId, id, status);
    };
    const found = params.id !== undefined ? await byId(params.id) : await userByMail(tenantId, params.eMail ?? '', status);
    if (!found) throw notFound(`Utilisateur ${params.id ?? params.eMail} introuvable.`);
    return membersResponse(utilisateurView(found), query.callback, false);
  },
});
