/**
 * Member search (Apidae): every organization is a member. Filters are ANDed. Every filter but `nom` has
 * an index (member index items, strongly consistent); `nom` is served by the search postings.
 */
import { containsFolded } from '#shared/text.ts';

import type { MemberProject, Organization, SortKeys } from './organization.ts';
import { organizationsInOrder, scanListing, searchPage } from './organizations.ts';
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
  ['nomSecteur', 'nomSecteur'],
  ['types', 'type'],
  ['typeProjet', 'typeProjet'],
  ['statutProjet', 'statutProjet'],
];

/** Which read serves a filter (also reported by the benchmark and docs/data-model.md). */
export function plan(filter: MemberFilter): { field: MemberIndexField; values: (string | number)[] } | undefined {
  for (const [name, field] of indexed) {
    const value = filter[name];
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value as string | number];
    return { field, values: field === 'nomSecteur' ? values.map((v) => String(v).toLowerCase()) : values };
  }
  return undefined;
}

const PAGE_READ = 100;

/**
 * Matching members by integer id, from `first`, at most `count` (all of them without `count`).
 * - No filter: the integer-id listing, reading only the page.
 * - An indexed filter drives (one value, or the several values of `types`): its index entries, already by
 *   integer id (those of several values merged), read a page at a time as the answer needs them, then
 *   organizations a batch at a time until the page is full (the filter alone skips `first` in the entries
 *   and reads only the page's organizations).
 * - Only `nom`: the search postings of its rarest trigram count, sort and page it.
 */
export async function searchMembers(tenantId: string, filter: MemberFilter, first = 0, count = Infinity): Promise<Organization[]> {
  const chosen = plan(filter);
  if (chosen) {
    // The index is exact: with no other filter, every entry matches, so `first` skips entries, not members.
    const indexOnly = Object.values(filter).filter((value) => value !== undefined).length === 1;
    const found: Organization[] = [];
    let skipped = 0;
    // Entries are read only as the page needs them and members a batch at a time; more only when other
    // filters refuse some: the cost follows the page, not the matches.
    const pages = ports().organizations.idPagesByMember(tenantId, chosen.field, chosen.values, first + Math.min(count, PAGE_READ));
    for await (let ids of pages) {
      if (indexOnly && skipped < first) {
        const skip = Math.min(first - skipped, ids.length);
        skipped += skip;
        ids = ids.slice(skip);
      }
      for (let at = 0, want = 0; at < ids.length && found.length < count; at += want) {
        want = Math.min(PAGE_READ, Math.max(1, first + count - skipped - found.length));
        for (const org of (await organizationsInOrder(tenantId, ids.slice(at, at + want))).filter((o) => matches(o, filter))) {
          if (skipped < first) skipped += 1;
          else if (found.length < count) found.push(org);
        }
      }
      if (found.length >= count) break;
    }
    return found;
  }
  if (filter.nom === undefined)
    return organizationsInOrder(tenantId, await ports().organizations.page(tenantId, 'intId', false, first, count));
  // `nom` alone (every other filter has an index): the postings count, sort and page it.
  const answer = await searchPage(tenantId, 'name', filter.nom, (org) => matches(org, filter), byIntId, first, count);
  if (answer) return answer.page;
  // `nom` of one or two characters in a tenant whose gram vocabulary is not complete yet (not migrated): a scan of the listing.
  return (await scanListing(tenantId, (org) => matches(org, filter))).sort(byIntId).slice(first, first + count);
}

const byIntId = (a: SortKeys, b: SortKeys) => a.intId - b.intId;

export async function getMember(tenantId: string, intId: number): Promise<Organization | undefined> {
  const id = await ports().organizations.idByIntId(tenantId, intId);
  return id === undefined ? undefined : ports().organizations.get(tenantId, id);
}
