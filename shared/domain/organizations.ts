/** Reading organizations: lookups by key and the filtered, sorted, paged listing shared by the dialects. */
import { isDeepStrictEqual } from 'node:util';

import { notFound } from '#shared/errors.ts';
import { compareCodePoints, containsFolded, foldText } from '#shared/text.ts';

import { isScalarProperty, PROPERTY_OVERFLOW, propertyPair } from './indexed-values.ts';
import type { App, Organization, OrganizationKey, SortKeys } from './organization.ts';
import { type IndexedField, ports, type SearchCandidate, type SearchScope } from './ports.ts';

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

/** The Netux list's filters (every one its get-all page documents), ANDed; exact unless said otherwise. */
export interface OrganizationQuery {
  /** Folded substring of label, name or description. */
  search?: string;
  id?: string;
  label?: string;
  name?: string;
  description?: string;
  createdAt?: string;
  /** An app id (the caller resolved the app key). */
  appId?: string;
  /** Each given top-level property equals the organization's (JSON equality). */
  properties?: Record<string, unknown>;
  sortBy?: SortKey;
  descending?: boolean;
}

/** The order of the listings: the sort field by code point (as DynamoDB keeps keys), ties by id. */
export const listingOrder =
  (sortBy: SortKey | 'intId', descending = false) =>
  (a: SortKeys, b: SortKeys): number =>
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
  const byIndex = async (field: IndexedField, value: string) =>
    ports().organizations.getMany(tenantId, await ports().organizations.idsByMember(tenantId, field, value));
  if (query.id !== undefined) return organizationsInOrder(tenantId, [query.id]);
  if (query.label !== undefined) {
    const id = await resolveOrganizationId(tenantId, { label: query.label });
    return id === undefined ? [] : organizationsInOrder(tenantId, [id]);
  }
  if (query.name !== undefined) return byIndex('name', query.name);
  if (query.createdAt !== undefined) return byIndex('createdAt', query.createdAt);
  if (query.description) return byIndex('description', query.description);
  // Indexes a later version added (no description, non-scalar properties): only where every organization has them.
  const complete = () => ports().organizations.indexesComplete(tenantId);
  if (query.description === '' && (await complete()))
    return ports().organizations.getMany(tenantId, await ports().organizations.idsWithoutDescription(tenantId));
  const properties = Object.entries(query.properties ?? {});
  const property =
    properties.find(([, value]) => isScalarProperty(value)) ?? (properties.length > 0 && (await complete()) ? properties[0] : undefined);
  if (property) {
    // Organizations with too many properties to index each one are read too, and checked.
    const [pair, overflow] = await Promise.all([byIndex('property', propertyPair(...property)), byIndex('property', PROPERTY_OVERFLOW)]);
    return [...pair, ...overflow];
  }
  if (query.appId) return byIndex('app', query.appId);
  if (query.search !== undefined) {
    const found = await ports().organizations.searchCandidates(tenantId, 'name-label-description', foldText(query.search));
    if (found) return readCandidates(tenantId, found);
  }
  return undefined;
}

/** Every candidate organization a search found, read (the index's verdicts aside). */
const readCandidates = (tenantId: string, found: SearchCandidate[]) =>
  ports().organizations.getMany(
    tenantId,
    found.map((candidate) => candidate.id),
  );

/**
 * A page of what a substring search alone selects, and how many it selects, from the index: the
 * candidates it knows match are counted and sorted by the keys it holds, only those it cannot tell are
 * read and checked, and then only the page's organizations are read. Should one of them not be what the
 * index said (a write in between), every candidate is read and checked instead, as `matches` decides.
 * Undefined when the index cannot narrow the needle (shorter than a trigram, in a tenant not yet migrated).
 */
export async function searchPage(
  tenantId: string,
  scope: SearchScope,
  needle: string,
  matches: (org: Organization) => boolean,
  order: (a: SortKeys, b: SortKeys) => number,
  offset: number,
  limit: number,
): Promise<{ count: number; page: Organization[] } | undefined> {
  const found = await ports().organizations.searchCandidates(tenantId, scope, foldText(needle));
  if (!found) return undefined;
  const known: { keys: SortKeys; org?: Organization }[] = found.flatMap((c) =>
    c.matches === true && c.sortKeys ? [{ keys: c.sortKeys }] : [],
  );
  const unsure = found.filter((c) => c.matches === undefined || (c.matches === true && !c.sortKeys)).map((c) => c.id);
  if (unsure.length > 0) {
    for (const org of await ports().organizations.getMany(tenantId, unsure)) if (matches(org)) known.push({ keys: org, org });
  }
  known.sort((a, b) => order(a.keys, b.keys));
  const wanted = known.slice(offset, offset + limit);
  const read = new Map(
    (
      await ports().organizations.getMany(
        tenantId,
        wanted.filter((m) => !m.org).map((m) => m.keys.id),
      )
    ).map((org) => [org.id, org]),
  );
  const page = wanted.map((m) => m.org ?? read.get(m.keys.id));
  const asIndexed = page.every((org, i) => org !== undefined && matches(org) && order(org, wanted[i]!.keys) === 0);
  if (asIndexed) return { count: known.length, page: page as Organization[] };
  const all = (await readCandidates(tenantId, found)).filter(matches).sort(order);
  return { count: all.length, page: all.slice(offset, offset + limit) };
}

const matchesQuery = (org: Organization, query: OrganizationQuery) =>
  (query.id === undefined || org.id === query.id) &&
  (query.label === undefined || org.label === query.label) &&
  (query.name === undefined || org.name === query.name) &&
  (query.description === undefined || org.description === query.description) &&
  (query.createdAt === undefined || org.createdAt === query.createdAt) &&
  (query.appId === undefined || org.appId === query.appId) &&
  Object.entries(query.properties ?? {}).every(
    ([key, value]) => Object.hasOwn(org.properties, key) && isDeepStrictEqual(org.properties[key], value),
  ) &&
  (query.search === undefined || [org.label, org.name, org.description].some((text) => containsFolded(text, query.search!)));

/** True when a query has a search and no other filter: the search index answers it. */
const onlySearch = (query: OrganizationQuery) =>
  query.search !== undefined &&
  Object.entries(query).every(([key, value]) => ['search', 'sortBy', 'descending'].includes(key) || value === undefined);

/** True when a query has no filter: the listing and the count answer it. */
const unfiltered = (query: OrganizationQuery) =>
  Object.entries(query).every(([key, value]) => ['sortBy', 'descending'].includes(key) || value === undefined);

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
  // `properties={}` asks nothing of an organization: the unfiltered listing answers it.
  if (query.properties && Object.keys(query.properties).length === 0) query = { ...query, properties: undefined };
  if (unfiltered(query)) {
    const count = await ports().organizations.count(tenantId);
    if (offset >= count) return { count, page: [] };
    const ids = await ports().organizations.page(tenantId, sortBy, descending, offset, limit);
    return { count, page: await organizationsInOrder(tenantId, ids) };
  }
  if (onlySearch(query)) {
    const answer = await searchPage(
      tenantId,
      'name-label-description',
      query.search!,
      (org) => matchesQuery(org, query),
      listingOrder(sortBy, descending),
      offset,
      limit,
    );
    if (answer) return answer;
  }
  // Filters no index narrows (only in a tenant not yet migrated: an empty `description`, non-scalar properties, a
  // search shorter than a trigram): a scan of the listing (scanListing).
  const found = await candidates(tenantId, query);
  const matches = found ? found.filter((org) => matchesQuery(org, query)) : await scanListing(tenantId, (org) => matchesQuery(org, query));
  matches.sort(listingOrder(sortBy, descending));
  return { count: matches.length, page: matches.slice(offset, offset + limit) };
}

/**
 * Every organization that passes `keep`, in no set order (the callers sort): the listing read once, a
 * round of pages at a time, and those pages' organizations (filters no index narrows).
 */
export async function scanListing(tenantId: string, keep: (org: Organization) => boolean, pageSize = SCAN_PAGE): Promise<Organization[]> {
  const kept: Organization[] = [];
  for await (const ids of ports().organizations.allIdPages(tenantId, pageSize))
    kept.push(...(await ports().organizations.getMany(tenantId, ids)).filter(keep));
  return kept;
}

/** Entries per listing shard and round of a scan: 16 shards, so about 1,600 organizations read at a time. */
const SCAN_PAGE = 100;

/** The id of the app an app key (an id or `~label`) names in this tenant, or undefined. */
export async function findAppId(tenantId: string, key: string): Promise<string | undefined> {
  const apps = await ports().directory.listApps(tenantId);
  return (key.startsWith('~') ? apps.find((a) => a.label === key.slice(1)) : apps.find((a) => a.id === key))?.id;
}

/** The apps the given organizations use (no read at all when none uses one). */
export async function appsFor(tenantId: string, organizations: Organization[]): Promise<Map<string, App>> {
  if (!organizations.some((org) => org.appId)) return new Map();
  return new Map((await ports().directory.listApps(tenantId)).map((app) => [app.id, app]));
}
