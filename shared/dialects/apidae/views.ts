/** Apidae member objects, their optional blocks, permission levels, JSONP and the 5 MB rule. */
import type { MemberUserRecord } from '#shared/domain/member-users.ts';
import type { Organization } from '#shared/domain/organization.ts';
import { AppError } from '#shared/errors.ts';
import { type HttpResult, text } from '#shared/http/types.ts';

import type { ResponseField, UserStatus } from './query.ts';

export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

const blocks: Record<ResponseField, (org: Organization, userStatus: UserStatus) => [string, unknown]> = {
  UTILISATEURS: (org, status) => [
    'utilisateurs',
    org.member.users
      .filter((u) => status === 'TOUS' || (status === 'ACTIFS' ? u.active : !u.active))
      .map((u) => ({ id: u.id, prenom: u.prenom, nom: u.nom, eMail: u.eMail })),
  ],
  OBJETS_GERES: (org) => ['objetsGeres', org.member.objetsGeres],
  PROJETS: (org) => ['projets', org.member.projects.map((p) => ({ id: p.id, nom: p.nom, type: p.type, statut: p.statut }))],
  RELATIONS: (org) => ['relations', org.member.relations],
  TRADUCTIONS: (org) => ['traductions', org.member.traductions],
  COMMUNES: (org) => ['communes', org.member.communes.map((c) => ({ code: c.code, codePostal: c.codePostal, nom: c.nom }))],
  TAGS: (org) => ['tags', org.member.tags],
};

export interface ViewOptions {
  responseFields: ResponseField[];
  userStatus: UserStatus;
  /** Limited-read projects see only the base fields, whatever they ask. */
  access: 'full' | 'limited';
}

export function memberView(org: Organization, options: ViewOptions) {
  const { member } = org;
  const base = {
    id: org.intId,
    nom: org.name,
    type: member.type ? { id: member.type.id, nom: member.type.nom } : null,
    secteur: member.secteur ? { id: member.secteur.id, nom: member.secteur.nom, description: member.secteur.description } : null,
    urlLogo: member.urlLogo,
    niveauDiffusion: member.niveauDiffusion,
    devise: member.devise,
    descriptifCommercial: member.descriptifCommercial,
  };
  if (options.access === 'limited') return base;
  return { ...base, ...Object.fromEntries(options.responseFields.map((field) => blocks[field](org, options.userStatus))) };
}

/**
 * A user as the utilisateur services answer one: Apidae's user representation (`firstName`,
 * `lastName`, `contact.eMail`, `membre`, `permissions`), with the fields this product stores.
 */
export const utilisateurView = ({ user, member }: MemberUserRecord) => ({
  id: user.id,
  firstName: user.prenom,
  lastName: user.nom,
  contact: { eMail: user.eMail },
  membre: {
    id: member.intId,
    nom: member.name,
    type: member.member.type ? { id: member.member.type.id, nom: member.member.type.nom } : null,
  },
  permissions: user.permissions ?? [],
});

/** JSON, or JSONP when a callback is given; never over 5 MB (an explicit 400 instead of a cut). */
export function membersResponse(answer: unknown, callback: string | undefined, paged: boolean): HttpResult {
  const body = JSON.stringify(answer);
  if (Buffer.byteLength(body) > MAX_RESPONSE_BYTES) {
    throw new AppError(
      'validation',
      paged
        ? 'La réponse dépasserait 5 Mo : réduisez count.'
        : 'La réponse dépasserait 5 Mo : paginez avec first et count dans query (par exemple "first":0,"count":500).',
      { location: 'query' },
    );
  }
  // The size check needs the serialized body: answer that string rather than serializing twice.
  // JSON allows U+2028 and U+2029 raw inside strings; JavaScript before ES2019 ends a line there, so
  // JSONP escapes them (what JSON.stringify leaves as they are).
  return callback
    ? text(200, `${callback}(${body.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')})`, 'application/javascript; charset=utf-8')
    : text(200, body, 'application/json; charset=utf-8');
}
