/** Reading organizations: lookups by key and the filtered, sorted, paged listing shared by the dialects. */
import { notFound } from '#shared/errors.ts';
import { compareCodePoints, containsFolded, foldText } from '#shared/text.ts';

import type { App, Organization, OrganizationKey } from './organization.ts';
import { ports } from './ports.ts';

/** Longer than any id (24) or label (128): such a key names nothing, and must not reach a DynamoDB key. */
const MAX_KEY_LENGTH = 256;

export async function resolveOrganizationId(tenantId: string, key: OrganizationKey): Promise<string | undefined> {
  if (('id' in key ? key.id : key.label).length > MAX_KEY_LENGTH) return undefined;
  return 'id' in key ? key.id : ports().organizations.idByLabel(tenantId, key.label);
}

/** The organization a key names in this tenant, or `not_found` (other tenants' ids included). */
export async function getOrganization(tenantId: string, key: OrganizationKey): Promise<Organization> {
  const id = await resolveOrganizationId(tenantId, key);
  const organization = id === undefined ? undefined : await ports().organizations.get(tenantId, id);
  if (!organization) throw notFound();
  return organization;
}

export type SortKey = 'label' | 'name' | 'createdAt';

export interface OrganizationQuery {
  search?: string;
  id?: string;
  label?: string;
  name?: string;
  sortBy?: SortKey;
  descending?: boolean;
}

/** The order of the listings: the sort field by code point (as DynamoDB keeps keys), ties by id. */
export const listingOrder =
  (sortBy: SortKey | 'intId', descending = false) =>
  (a: Organization, b: Organization): number =>
    (descending ? -1 : 1) *
    (sortBy === 'intId' ? a.intId - b.intId : compareCodePoints(a[sortBy], b[sortBy]) || compareCodePoints(a.id, b.id));

/** Strongly consistent organizations of `ids`, in the order of `ids` (unknown ones skipped). */
export async function organizationsInOrder(tenantId: string, ids: string[]): Promise<Organization[]> {
  const byId = new Map((await ports().organizations.getMany(tenantId, ids)).map((org) => [org.id, org]));
  return ids.map((id) => byId.get(id)).filter((org): org is Organization => org !== undefined);
}

/**
 * The organizations an exact filter or a search can match, read from the most selective source the
 * query has (id, label, name index, then the search postings); undefined when nothing narrows it.
 */
async function candidates(tenantId: string, query: OrganizationQuery): Promise<Organization[] | undefined> {
  const store = ports().organizations;
  if (query.id !== undefined) return organizationsInOrder(tenantId, [query.id]);
  if (query.label !== undefined) {
    const id = await resolveOrganizationId(tenantId, { label: query.label });
    return id === undefined ? [] : organizationsInOrder(tenantId, [id]);
  }
  if (query.name !== undefined) return store.getMany(tenantId, await store.idsByMember(tenantId, 'name', query.name));
  if (query.search !== undefined) {
    const ids = await store.searchCandidates(tenantId, 'name-label-description', foldText(query.search));
    if (ids) return store.getMany(tenantId, ids);
  }
  return undefined;
}

const matchesQuery = (org: Organization, query: OrganizationQuery) =>
  (query.id === undefined || org.id === query.id) &&
  (query.label === undefined || org.label === query.label) &&
  (query.name === undefined || org.name === query.name) &&
  (query.search === undefined || [org.label, org.name, org.description].some((text) => containsFolded(text, query.search!)));

/**
 * One page of the organizations a query selects, and how many it selects. Unfiltered: the listing in
 * the sort order and the maintained count (reads follow offset + limit). Filtered: the candidates of
 * the most selective filter, checked against every filter and sorted (reads follow those candidates).
 */
export async function findOrganizations(
  tenantId: string,
  query: OrganizationQuery,
  offset: number,
  limit: number,
): Promise<{ count: number; page: Organization[] }> {
  const sortBy = query.sortBy ?? 'createdAt';
  const descending = query.descending ?? false;
  const found = await candidates(tenantId, query);
  if (found === undefined && query.search === undefined) {
    const count = await ports().organizations.count(tenantId);
    if (offset >= count) return { count, page: [] };
    const ids = await ports().organizations.page(tenantId, sortBy, descending, offset, limit);
    return { count, page: await organizationsInOrder(tenantId, ids) };
  }
  // A search shorter than a trigram has no postings to narrow it: the listing, checked page by page.
  const matches = found
    ? found.filter((org) => matchesQuery(org, query))
    : await scanListing(tenantId, sortBy, descending, (org) => matchesQuery(org, query));
  matches.sort(listingOrder(sortBy, descending));
  return { count: matches.length, page: matches.slice(offset, offset + limit) };
}

/** Every organization that passes `keep`, reading the listing in `order` a batch at a time (a needle of one or two characters). */
export async function scanListing(
  tenantId: string,
  order: SortKey | 'intId',
  descending: boolean,
  keep: (org: Organization) => boolean,
): Promise<Organization[]> {
  const kept: Organization[] = [];
  for (let offset = 0; ; offset += SCAN_BATCH) {
    const ids = await ports().organizations.page(tenantId, order, descending, offset, SCAN_BATCH);
    kept.push(...(await organizationsInOrder(tenantId, ids)).filter(keep));
    if (ids.length < SCAN_BATCH) return kept;
  }
}

const SCAN_BATCH = 500;

/** The apps the given organizations use (no read at all when none uses one). */
export async function appsFor(tenantId: string, organizations: Organization[]): Promise<Map<string, App>> {
  if (!organizations.some((org) => org.appId)) return new Map();
  return new Map((await ports().directory.listApps(tenantId)).map((app) => [app.id, app]));
}
