/**
 * Member search (Apidae): every organization is a member. Filters are ANDed. When a filter on an
 * indexed field is present, only the members matching it are read (member index items, strongly
 * consistent); otherwise the tenant's organizations are read with one paged query.
 */
import { containsFolded } from '#shared/text.ts';

import type { MemberProject, Organization } from './organization.ts';
import { type MemberIndexField, ports } from './ports.ts';

export interface MemberFilter {
  nom?: string;
  idParrain?: number;
  communeCodePostal?: string;
  communeCode?: string;
  types?: string[];
  idProjet?: number;
  typeProjet?: string;
  statutProjet?: MemberProject['statut'];
  idSecteur?: number;
  nomSecteur?: string;
}

export function matches(org: Organization, filter: MemberFilter): boolean {
  const { member } = org;
  return (
    (filter.nom === undefined || containsFolded(org.name, filter.nom)) &&
    (filter.idParrain === undefined || member.sponsorIntId === filter.idParrain) &&
    (filter.communeCodePostal === undefined || member.communes.some((c) => c.codePostal === filter.communeCodePostal)) &&
    (filter.communeCode === undefined || member.communes.some((c) => c.code === filter.communeCode)) &&
    (filter.types === undefined || (member.type !== null && filter.types.includes(member.type.nom))) &&
    (filter.idProjet === undefined || member.projects.some((p) => p.id === filter.idProjet)) &&
    (filter.typeProjet === undefined || member.projects.some((p) => p.type === filter.typeProjet)) &&
    (filter.statutProjet === undefined || member.projects.some((p) => p.statut === filter.statutProjet)) &&
    (filter.idSecteur === undefined || member.secteur?.id === filter.idSecteur) &&
    (filter.nomSecteur === undefined || (member.secteur !== null && member.secteur.nom.toLowerCase() === filter.nomSecteur.toLowerCase()))
  );
}

/** The indexed filters, most selective first; the first one present drives the read. */
const indexed: [keyof MemberFilter, MemberIndexField][] = [
  ['idProjet', 'projet'],
  ['idParrain', 'parrain'],
  ['communeCode', 'commune'],
  ['communeCodePostal', 'cp'],
  ['idSecteur', 'secteur'],
  ['types', 'type'],
];

/** Which read serves a filter (also reported by the benchmark and docs/data-model.md). */
export function plan(filter: MemberFilter): { field: MemberIndexField; values: (string | number)[] } | undefined {
  for (const [name, field] of indexed) {
    const value = filter[name];
    if (value === undefined) continue;
    return { field, values: Array.isArray(value) ? value : [value as string | number] };
  }
  return undefined;
}

async function candidates(tenantId: string, filter: MemberFilter): Promise<Organization[]> {
  const chosen = plan(filter);
  if (!chosen) return ports().organizations.list(tenantId);
  const ids = new Set(
    (await Promise.all(chosen.values.map((value) => ports().organizations.idsByMember(tenantId, chosen.field, value)))).flat(),
  );
  return ports().organizations.getMany(tenantId, [...ids]);
}

/** Matching members, by integer id. */
export async function searchMembers(tenantId: string, filter: MemberFilter): Promise<Organization[]> {
  return (await candidates(tenantId, filter)).filter((org) => matches(org, filter)).sort((a, b) => a.intId - b.intId);
}

export async function getMember(tenantId: string, intId: number): Promise<Organization | undefined> {
  const id = await ports().organizations.idByIntId(tenantId, intId);
  return id === undefined ? undefined : ports().organizations.get(tenantId, id);
}
