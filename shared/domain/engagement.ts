/**
 * Engagement: which partners (the publishers that broadcast a caller's missions, its diffuseurs) may
 * broadcast an organization's missions. Settings are per (caller, client id) mapping, as an allow-list.
 */
import { sha256 } from '#shared/crypto.ts';
import { AppError, notFound } from '#shared/errors.ts';
import { containsFolded } from '#shared/text.ts';

import type { ClientMapping, Publisher } from './directory.ts';
import { newOrganization, type Organization, textProperty } from './organization.ts';
import { listingOrder, organizationsInOrder, scanListing, searchPage } from './organizations.ts';
import { ports } from './ports.ts';

export interface PartnerSetting {
  publisher: Publisher;
  excluded: boolean;
  /** The organization's 30-day click count from this partner (0 when none is known); only on reads. */
  clicks?: number;
}

const byName = (a: Publisher, b: Publisher) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/** The caller's partners: every publisher that broadcasts its missions, by name. */
export async function partnersOf(tenantId: string, publisherId: string): Promise<Publisher[]> {
  return (await ports().directory.listDiffuseurs(tenantId, publisherId)).sort(byName);
}

export async function partnerOf(tenantId: string, publisherId: string, partnerId: string): Promise<Publisher> {
  const publisher = (await ports().directory.isDiffuseur(tenantId, publisherId, partnerId))
    ? await ports().directory.getPublisher(tenantId, partnerId)
    : undefined;
  if (!publisher) throw notFound('Publisher not found');
  return publisher;
}

const settingsFor = (partners: Publisher[], allowed: string[]): PartnerSetting[] => {
  const allow = new Set(allowed);
  return partners.map((publisher) => ({ publisher, excluded: !allow.has(publisher.id) }));
};

/**
 * The organization a new client id creates: its id and label derive from (caller, client id), so two
 * first PUTs racing on the same client id name the same organization and only one can create it.
 * Label: `engagement-` + the first 20 hex characters of SHA-256(publisher id, NUL, client id).
 */
export function derivedIdentity(publisherId: string, clientId: string) {
  const digest = sha256(`${publisherId}\u0000${clientId}`);
  return { id: digest.slice(0, 24), label: `engagement-${digest.slice(0, 20)}` };
}

async function createMappedOrganization(
  tenantId: string,
  mapping: Omit<ClientMapping, 'organizationId'>,
  name: string,
): Promise<ClientMapping> {
  const { id, label } = derivedIdentity(mapping.publisherId, mapping.clientId);
  const organization = newOrganization({ id, intId: await ports().organizations.allocateIntIds(tenantId, 1), label, name });
  const created = { ...mapping, organizationId: id };
  await ports().organizations.save(tenantId, organization, undefined, { newMapping: created });
  return created;
}

/**
 * PUT: replaces the allow-list of (caller, client id), creating the directory organization on first
 * use. Ids that are not the caller's partners are dropped silently. Returns exactly what was stored.
 */
export async function setPartnerSettings(
  tenantId: string,
  publisherId: string,
  clientId: string,
  publisherIds: string[],
  organizationName: string | null | undefined,
): Promise<PartnerSetting[]> {
  const partners = await partnersOf(tenantId, publisherId);
  const partnerIds = new Set(partners.map((p) => p.id));
  const allowedPublisherIds = [...new Set(publisherIds)].filter((id) => partnerIds.has(id));
  for (let attempt = 1; attempt <= 5; attempt++) {
    const existing = await ports().directory.getMapping(tenantId, publisherId, clientId);
    // Deleting an organization deletes its mappings in the same transaction, so a mapping that is
    // still there (the update's condition) points at a live organization.
    if (existing) {
      if (await ports().directory.setAllowedPublishers(tenantId, { ...existing, allowedPublisherIds }))
        return settingsFor(partners, allowedPublisherIds);
      continue; // deleted in between: the next round creates a fresh organization
    }
    try {
      await createMappedOrganization(tenantId, { publisherId, clientId, allowedPublisherIds }, organizationName ?? clientId);
      return settingsFor(partners, allowedPublisherIds);
    } catch (error) {
      // Another first PUT won the race (same derived id/label, or the mapping): apply ours on top of it.
      if (!(error instanceof AppError && error.kind === 'conflict')) throw error;
    }
  }
  throw new AppError('conflict', 'The organization was changed concurrently, retry.');
}

export async function getPartnerSettings(tenantId: string, publisherId: string, clientId: string): Promise<PartnerSetting[]> {
  const mapping = await ports().directory.getMapping(tenantId, publisherId, clientId);
  if (!mapping) throw notFound('Publisher organization not found');
  const partners = await partnersOf(tenantId, publisherId);
  const counts = await ports().directory.getClicks(
    tenantId,
    mapping.organizationId,
    partners.map((p) => p.id),
  );
  const clicksOf = new Map(counts.map((c) => [c.partnerId, c.clicks]));
  return settingsFor(partners, mapping.allowedPublisherIds).map((s) => ({ ...s, clicks: clicksOf.get(s.publisher.id) ?? 0 }));
}

export interface OrganizationSearch {
  q?: string;
  rna?: string;
  siret?: string;
  limit: number;
  skip: number;
}

/**
 * Organizations by name (`q`: folded substring) and legal identifiers, by name. Unfiltered: the name
 * listing and the maintained count (reads follow skip + limit); filtered: the candidates of the most
 * selective filter (an identifier's index entries, else `q`'s search postings).
 */
export async function searchOrganizations(tenantId: string, search: OrganizationSearch): Promise<{ total: number; page: Organization[] }> {
  const keep = (org: Organization) =>
    (search.q === undefined || containsFolded(org.name, search.q)) &&
    (search.rna === undefined || textProperty(org, 'rna') === search.rna) &&
    (search.siret === undefined || textProperty(org, 'siret') === search.siret);
  let ids: string[] | undefined;
  if (search.rna !== undefined) ids = await ports().organizations.idsByMember(tenantId, 'rna', search.rna);
  else if (search.siret !== undefined) ids = await ports().organizations.idsByMember(tenantId, 'siret', search.siret);
  else if (search.q !== undefined) {
    // `q` alone: the postings count, sort and page it.
    const answer = await searchPage(tenantId, 'name', search.q, keep, listingOrder('name'), search.skip, search.limit);
    if (answer) return { total: answer.count, page: answer.page };
  } else {
    const total = await ports().organizations.count(tenantId);
    return {
      total,
      page: await organizationsInOrder(tenantId, await ports().organizations.page(tenantId, 'name', false, search.skip, search.limit)),
    };
  }
  // A `q` of one or two characters in a tenant whose gram vocabulary is not complete yet (not migrated): a scan of the listing.
  const matches = ids ? (await ports().organizations.getMany(tenantId, ids)).filter(keep) : await scanListing(tenantId, keep);
  matches.sort(listingOrder('name'));
  return { total: matches.length, page: matches.slice(search.skip, search.skip + search.limit) };
}
