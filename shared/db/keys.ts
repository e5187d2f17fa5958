/**
 * Key builders: the only place that knows how items are addressed in the single table.
 * Every partition key of tenant data starts with `T#<tenant>`, so every query is tenant-scoped by
 * construction. Organizations and their index items spread over many partitions (no hot partition):
 * one per organization, label, integer id, indexed member value and search trigram, and a few listing
 * shards. Credentials are keyed globally by their own lookup identifier.
 */
import { sha256 } from '#shared/crypto.ts';
import type { IndexedField } from '#shared/domain/ports.ts';

/** Search postings: `name` (every dialect's name search) and `other` (Netux also searches label and description). */
export type GramFamily = 'name' | 'other';

/** The `entity` attribute of each kind of item (what a Scan or a table snapshot tells apart). */
export const entity = {
  tenant: 'TENANT',
  organization: 'ORG',
  guard: 'GUARD',
  memberIndex: 'MIDX',
  listing: 'LIST',
  counter: 'COUNT',
  child: 'CHILD',
  gram: 'GRAM',
  tombstone: 'TOMBSTONE',
  app: 'APP',
  publisher: 'PUB',
  diffusion: 'DIFF',
  mapping: 'MAP',
  mappingRef: 'REF',
  clicks: 'CLICKS',
  program: 'PROG',
  campaign: 'CAMP',
  accessListing: 'ALIST',
  task: 'TASK',
  chunk: 'CHUNK',
  chunkItems: 'CHUNK_ITEMS',
  idempotencyKey: 'IDEM',
  credential: 'CRED',
} as const;

export const tenantPk = (tenantId: string) => `T#${tenantId}`;

/** Integer ids as fixed-width text, so key order is numeric order (ids have at most 15 digits). */
export const paddedIntId = (intId: number) => String(intId).padStart(15, '0');

const memberIndexPartition = (tenantId: string, field: IndexedField, value: string | number) =>
  `${tenantPk(tenantId)}#M#${field}#${encodeURIComponent(String(value))}`;

const gramPartition = (tenantId: string, family: GramFamily, gram: string) => `${tenantPk(tenantId)}#G#${family}#${gram}`;

/** The tenant, family and trigram of a posting's partition key (the admin backfill reads them from a Scan). */
export function parseGramPartition(pk: string): { tenantId: string; family: GramFamily; gram: string } | undefined {
  for (const family of ['name', 'other'] as const) {
    const marker = `#G#${family}#`;
    const at = pk.indexOf(marker);
    if (pk.startsWith(tenantPk('')) && at > 0)
      return { tenantId: pk.slice(tenantPk('').length, at), family, gram: pk.slice(at + marker.length) };
  }
  return undefined;
}

export const keys = {
  tenant: (tenantId: string) => ({ PK: tenantPk(tenantId), SK: 'TENANT' }),
  /** Each organization in a partition of its own, with its Engagement mapping references beside it. */
  organization: (tenantId: string, id: string) => ({ PK: `${tenantPk(tenantId)}#O#${id}`, SK: 'ORG' }),
  /** Uniqueness guards and strongly consistent lookups: one item (and partition) per label and per integer id. */
  label: (tenantId: string, label: string) => ({ PK: `${tenantPk(tenantId)}#L#${label}`, SK: 'GUARD' }),
  intId: (tenantId: string, intId: number) => ({ PK: `${tenantPk(tenantId)}#I#${intId}`, SK: 'GUARD' }),
  /** Marks a bulk delete as applied, so a retried chunk does not report the item as missing. */
  appliedDelete: (tenantId: string, opId: string) => ({ PK: `${tenantPk(tenantId)}#OPDONE#${opId}`, SK: 'OPDONE' }),
  /**
   * Member index items: one partition per (field, value), sorted by integer id, written in the same
   * transaction as the organization (strongly consistent; a page reads only its own entries). Values
   * are URI-encoded so a `#` inside a value cannot widen a key.
   */
  memberIndex: (tenantId: string, field: IndexedField, value: string | number, intId: number, orgId: string) => ({
    PK: memberIndexPartition(tenantId, field, value),
    SK: `${paddedIntId(intId)}#${orgId}`,
  }),
  memberIndexPartition: (tenantId: string, field: IndexedField, value: string | number) => memberIndexPartition(tenantId, field, value),
  /** The sorted listings of a tenant, spread over LISTING_SHARDS partitions by organization id. */
  listingShard: (tenantId: string, shard: number) => `${tenantPk(tenantId)}#LIST#${String(shard).padStart(2, '0')}`,
  /** Organizations count, in COUNTER_SHARDS items of one partition (one Query reads them all). */
  counter: (tenantId: string, shard: number) => ({ PK: `${tenantPk(tenantId)}#COUNT`, SK: String(shard).padStart(2, '0') }),
  counterPartition: (tenantId: string) => `${tenantPk(tenantId)}#COUNT`,
  /** Children of a parent (the delete rule names them), in the parent's own partition family. */
  child: (tenantId: string, parentId: string, childId: string) => ({ PK: `${tenantPk(tenantId)}#C#${parentId}`, SK: childId }),
  childPartition: (tenantId: string, parentId: string) => `${tenantPk(tenantId)}#C#${parentId}`,
  /** Substring-search postings: one partition per (family, trigram), one item per organization. */
  gram: (tenantId: string, family: GramFamily, gram: string, orgId: string) => ({ PK: gramPartition(tenantId, family, gram), SK: orgId }),
  gramPartition: (tenantId: string, family: GramFamily, gram: string) => gramPartition(tenantId, family, gram),
  /** Pre-2026-12 layout (everything in `T#<tenant>`): read only by `admin migrate data-model`. */
  legacyOrganizationPrefix: 'ORG#',
  legacyGuardPrefixes: ['LABEL#', 'INTID#', 'MIDX#', 'ORGMAP#', 'OPDONE#'],
  mappingRef: (tenantId: string, orgId: string, publisherId: string, clientId: string) => ({
    PK: keys.organization(tenantId, orgId).PK,
    SK: `MAP#${publisherId}#${clientId}`,
  }),
  mappingRefPrefix: 'MAP#',
  app: (tenantId: string, id: string) => ({ PK: tenantPk(tenantId), SK: `APP#${id}` }),
  appPrefix: 'APP#',
  publisher: (tenantId: string, id: string) => ({ PK: tenantPk(tenantId), SK: `PUB#${id}` }),
  /** `diffuseur` broadcasts the missions of `annonceur`. */
  diffusion: (tenantId: string, annonceurId: string, diffuseurId: string) => ({
    PK: tenantPk(tenantId),
    SK: `DIFF#${annonceurId}#${diffuseurId}`,
  }),
  diffusionPrefix: (annonceurId: string) => `DIFF#${annonceurId}#`,
  /** Engagement mapping (publisher, client id) → organization, with its allow-list. */
  clientMapping: (tenantId: string, publisherId: string, clientId: string) => ({
    PK: tenantPk(tenantId),
    SK: `MAP#${publisherId}#${clientId}`,
  }),
  /** An organization's 30-day click count from one partner (Engagement `clicks`), beside the organization. */
  clicks: (tenantId: string, orgId: string, partnerId: string) => ({
    PK: keys.organization(tenantId, orgId).PK,
    SK: `CLICKS#${partnerId}`,
  }),
  clicksPrefix: 'CLICKS#',
  program: (tenantId: string, name: string) => ({ PK: tenantPk(tenantId), SK: `PROG#${name}` }),
  programPrefix: 'PROG#',
  campaign: (tenantId: string, name: string) => ({ PK: tenantPk(tenantId), SK: `CAMP#${name}` }),
  campaignPrefix: 'CAMP#',
  /**
   * Listing entries of programs and campaigns (`ALIST#<kind>#<facet>#<id>#<name hash>`, facet `all`,
   * `status=…` or `type=…`): the list without its access set, in id order, so a page reads only entries.
   */
  accessListing: (tenantId: string, kind: string, facet: string, id: number, name: string) => ({
    PK: tenantPk(tenantId),
    SK: `ALIST#${kind}#${facet}#${String(id).padStart(16, '0')}#${sha256(name).slice(0, 16)}`,
  }),
  accessListingPrefix: (kind: string, facet: string) => `ALIST#${kind}#${facet}#`,
  task: (tenantId: string, taskId: string) => ({ PK: tenantPk(tenantId), SK: `TASK#${taskId}` }),
  taskChunk: (tenantId: string, taskId: string, chunk: number) => ({
    PK: tenantPk(tenantId),
    SK: `TASK#${taskId}#CHUNK#${String(chunk).padStart(5, '0')}`,
  }),
  /** A chunk's items, apart from its (small, often rewritten) outcome record. */
  taskChunkItems: (tenantId: string, taskId: string, chunk: number) => ({
    PK: tenantPk(tenantId),
    SK: `TASK#${taskId}#ITEMS#${String(chunk).padStart(5, '0')}`,
  }),
  openTaskPartition: 'TASKS#OPEN',
  openTask: (tenantId: string, taskId: string, createdAt: string) => ({
    GSI1PK: 'TASKS#OPEN',
    GSI1SK: `${createdAt}#${tenantId}#${taskId}`,
  }),
  taskChunkPrefix: (taskId: string) => `TASK#${taskId}#CHUNK#`,
  idempotencyKey: (tenantId: string, key: string) => ({ PK: tenantPk(tenantId), SK: `IDEM#${key}` }),
  credential: (kind: string, lookupId: string) => ({ PK: `CRED#${kind}#${lookupId}`, SK: 'CRED' }),
  /** GSI1 keys that list a tenant's credentials (admin only; Responsys tokens sort under their user's id). */
  credentialListing: (tenantId: string, kind: string, credentialId: string, lookupId: string) => ({
    GSI1PK: `${tenantPk(tenantId)}#CREDS`,
    GSI1SK: `${kind}#${credentialId}#${lookupId}`,
  }),
  credentialListingPartition: (tenantId: string) => `${tenantPk(tenantId)}#CREDS`,
  /** GSI1 keys that list tenants (admin only). */
  tenantListing: (tenantId: string) => ({ GSI1PK: 'TENANTS', GSI1SK: tenantId }),
  tenantListingPartition: 'TENANTS',
  publisherPrefix: 'PUB#',
  clientMappingPrefix: (publisherId: string) => `MAP#${publisherId}#`,
  rateWindow: (credentialKey: string, windowStart: number) => ({ PK: `RL#${credentialKey}#${windowStart}`, SK: 'RL' }),
  /**
   * Responsys login attempts of one window, per user name (as its SHA-256: any client text, bounded) and
   * per client address. Under `RL#` with the other counters: counting a refused attempt is their point.
   */
  loginAttemptsOfUser: (userNameHash: string, windowStart: number) => ({ PK: `RL#login-user#${userNameHash}#${windowStart}`, SK: 'RL' }),
  loginAttemptsOfAddress: (address: string, windowStart: number) => ({ PK: `RL#login-address#${address}#${windowStart}`, SK: 'RL' }),
};
