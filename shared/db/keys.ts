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
  gramWord: 'GRAMWORD',
  importRuns: 'IMPORTS',
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

export const memberIndexPartition = (tenantId: string, field: IndexedField, value: string | number) =>
  `${tenantPk(tenantId)}#M#${field}#${encodeURIComponent(String(value))}`;

export const gramPartition = (tenantId: string, family: GramFamily, gram: string) => `${tenantPk(tenantId)}#G#${family}#${gram}`;

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

/*
 * The key builders, one export each: callers read them as `import * as keys from './keys.ts'` (`keys.organization(…)`),
 * so a Lambda bundle carries only the builders its code calls, not all of them (an object naming them all would be
 * kept whole).
 */
export const tenant = (tenantId: string) => ({ PK: tenantPk(tenantId), SK: 'TENANT' });
/** Each organization in a partition of its own, with its Engagement mapping references beside it. */
export const organization = (tenantId: string, id: string) => ({ PK: `${tenantPk(tenantId)}#O#${id}`, SK: 'ORG' });
/** The tenant of an organization item's partition key (a Scan reads it), or undefined for another key. */
export function tenantOfOrganization(pk: string, id: string): string | undefined {
  const suffix = `#O#${id}`;
  return pk.startsWith(tenantPk('')) && pk.endsWith(suffix) ? pk.slice(tenantPk('').length, -suffix.length) : undefined;
}
/** Uniqueness guards and strongly consistent lookups: one item (and partition) per label and per integer id. */
export const label = (tenantId: string, label: string) => ({ PK: `${tenantPk(tenantId)}#L#${label}`, SK: 'GUARD' });
export const intId = (tenantId: string, intId: number) => ({ PK: `${tenantPk(tenantId)}#I#${intId}`, SK: 'GUARD' });
/** Marks a bulk delete as applied, so a retried chunk does not report the item as missing. */
export const appliedDelete = (tenantId: string, opId: string) => ({ PK: `${tenantPk(tenantId)}#OPDONE#${opId}`, SK: 'OPDONE' });
/**
 * One of the partitions a value of a spread field is split over (organization-index.ts: a value many organizations
 * share): the value's partition and `#<shard>`. A value is URI-encoded, so no value's partition ends that way.
 */
export const memberIndexShard = (tenantId: string, field: IndexedField, value: string | number, shard: number) =>
  `${memberIndexPartition(tenantId, field, value)}#${shard}`;
/**
 * Member index items: one partition per (field, value), or per shard of it (`shard`: a spread field), sorted by
 * integer id, written in the same transaction as the organization (strongly consistent; a page reads only its
 * own entries). Values are URI-encoded so a `#` inside a value cannot widen a key.
 */
export const memberIndex = (
  tenantId: string,
  field: IndexedField,
  value: string | number,
  intId: number,
  orgId: string,
  shard?: number,
) => ({
  PK: shard === undefined ? memberIndexPartition(tenantId, field, value) : memberIndexShard(tenantId, field, value, shard),
  SK: `${paddedIntId(intId)}#${orgId}`,
});
/** The sorted listings of a tenant, spread over LISTING_SHARDS partitions by organization id. */
export const listingShard = (tenantId: string, shard: number) => `${tenantPk(tenantId)}#LIST#${String(shard).padStart(2, '0')}`;
/** Organizations count, in COUNTER_SHARDS items of one partition (one Query reads them all). */
export const counter = (tenantId: string, shard: number) => ({ PK: `${tenantPk(tenantId)}#COUNT`, SK: String(shard).padStart(2, '0') });
export const counterPartition = (tenantId: string) => `${tenantPk(tenantId)}#COUNT`;
/** Children of a parent (the delete rule names them), in the parent's own partition family. */
export const child = (tenantId: string, parentId: string, childId: string) => ({ PK: `${tenantPk(tenantId)}#C#${parentId}`, SK: childId });
export const childPartition = (tenantId: string, parentId: string) => `${tenantPk(tenantId)}#C#${parentId}`;
/** Substring-search postings: one partition per (family, trigram), one item per organization. */
export const gram = (tenantId: string, family: GramFamily, gram: string, orgId: string) => ({
  PK: gramPartition(tenantId, family, gram),
  SK: orgId,
});
/**
 * The gram vocabulary: each gram a tenant's postings use, once per rotation (`<r>#<gram rotated r code points
 * left>`), in a partition per (family, first code point of the rotation), so the grams holding a needle of one
 * or two code points are a few prefix queries of one partition.
 */
export const gramWordPartition = (tenantId: string, family: GramFamily, firstPoint: string) =>
  `${tenantPk(tenantId)}#W#${family}#${firstPoint}`;
export const gramWord = (tenantId: string, family: GramFamily, rotation: number, rotated: string) => ({
  PK: gramWordPartition(tenantId, family, String.fromCodePoint(rotated.codePointAt(0)!)),
  SK: `${rotation}#${rotated}`,
});
/** A tenant's import runs (whose search postings are not yet trusted): one item, read only by searches that meet their postings. */
export const importRuns = (tenantId: string) => ({ PK: `${tenantPk(tenantId)}#IMPORTS`, SK: 'IMPORTS' });
/** Pre-2026-12 layout (everything in `T#<tenant>`): read only by `admin migrate data-model`. */
export const legacyOrganizationPrefix = 'ORG#';
export const legacyGuardPrefixes = ['LABEL#', 'INTID#', 'MIDX#', 'ORGMAP#', 'OPDONE#'];
export const mappingRef = (tenantId: string, orgId: string, publisherId: string, clientId: string) => ({
  PK: organization(tenantId, orgId).PK,
  SK: `MAP#${publisherId}#${clientId}`,
});
export const mappingRefPrefix = 'MAP#';
export const app = (tenantId: string, id: string) => ({ PK: tenantPk(tenantId), SK: `APP#${id}` });
export const appPrefix = 'APP#';
export const publisher = (tenantId: string, id: string) => ({ PK: tenantPk(tenantId), SK: `PUB#${id}` });
/** `diffuseur` broadcasts the missions of `annonceur`. */
export const diffusion = (tenantId: string, annonceurId: string, diffuseurId: string) => ({
  PK: tenantPk(tenantId),
  SK: `DIFF#${annonceurId}#${diffuseurId}`,
});
export const diffusionPrefix = (annonceurId: string) => `DIFF#${annonceurId}#`;
/** Engagement mapping (publisher, client id) → organization, with its allow-list. */
export const clientMapping = (tenantId: string, publisherId: string, clientId: string) => ({
  PK: tenantPk(tenantId),
  SK: `MAP#${publisherId}#${clientId}`,
});
/** An organization's 30-day click count from one partner (Engagement `clicks`), beside the organization. */
export const clicks = (tenantId: string, orgId: string, partnerId: string) => ({
  PK: organization(tenantId, orgId).PK,
  SK: `CLICKS#${partnerId}`,
});
export const clicksPrefix = 'CLICKS#';
export const program = (tenantId: string, name: string) => ({ PK: tenantPk(tenantId), SK: `PROG#${name}` });
export const programPrefix = 'PROG#';
export const campaign = (tenantId: string, name: string) => ({ PK: tenantPk(tenantId), SK: `CAMP#${name}` });
export const campaignPrefix = 'CAMP#';
/**
 * Listing entries of programs and campaigns (`ALIST#<kind>#<facet>#<id>#<name hash>`, facet `all`,
 * `status=…` or `type=…`): the list without its access set, in id order, so a page reads only entries.
 */
export const accessListing = (tenantId: string, kind: string, facet: string, id: number, name: string) => ({
  PK: tenantPk(tenantId),
  SK: `ALIST#${kind}#${facet}#${String(id).padStart(16, '0')}#${sha256(name).slice(0, 16)}`,
});
export const accessListingPrefix = (kind: string, facet: string) => `ALIST#${kind}#${facet}#`;
export const task = (tenantId: string, taskId: string) => ({ PK: tenantPk(tenantId), SK: `TASK#${taskId}` });
export const taskChunk = (tenantId: string, taskId: string, chunk: number) => ({
  PK: tenantPk(tenantId),
  SK: `TASK#${taskId}#CHUNK#${String(chunk).padStart(5, '0')}`,
});
/** A chunk's items, apart from its (small, often rewritten) outcome record. */
export const taskChunkItems = (tenantId: string, taskId: string, chunk: number) => ({
  PK: tenantPk(tenantId),
  SK: `TASK#${taskId}#ITEMS#${String(chunk).padStart(5, '0')}`,
});
export const openTaskPartition = 'TASKS#OPEN';
export const openTask = (tenantId: string, taskId: string, createdAt: string) => ({
  GSI1PK: 'TASKS#OPEN',
  GSI1SK: `${createdAt}#${tenantId}#${taskId}`,
});
export const taskChunkPrefix = (taskId: string) => `TASK#${taskId}#CHUNK#`;
export const idempotencyKey = (tenantId: string, key: string) => ({ PK: tenantPk(tenantId), SK: `IDEM#${key}` });
export const credential = (kind: string, lookupId: string) => ({ PK: `CRED#${kind}#${lookupId}`, SK: 'CRED' });
/** GSI1 keys that list a tenant's credentials (admin only; Responsys tokens sort under their user's id). */
export const credentialListing = (tenantId: string, kind: string, credentialId: string, lookupId: string) => ({
  GSI1PK: `${tenantPk(tenantId)}#CREDS`,
  GSI1SK: `${kind}#${credentialId}#${lookupId}`,
});
export const credentialListingPartition = (tenantId: string) => `${tenantPk(tenantId)}#CREDS`;
/** GSI1 keys that list tenants (admin only). */
export const tenantListing = (tenantId: string) => ({ GSI1PK: 'TENANTS', GSI1SK: tenantId });
export const tenantListingPartition = 'TENANTS';
export const publisherPrefix = 'PUB#';
export const clientMappingPrefix = (publisherId: string) => `MAP#${publisherId}#`;
export const rateWindow = (credentialKey: string, windowStart: number) => ({ PK: `RL#${credentialKey}#${windowStart}`, SK: 'RL' });
/**
 * Responsys login attempts of one window, per user name (as its SHA-256: any client text, bounded) and
 * per client address. Under `RL#` with the other counters: counting a refused attempt is their point.
 */
export const loginAttemptsOfUser = (userNameHash: string, windowStart: number) => ({
  PK: `RL#login-user#${userNameHash}#${windowStart}`,
  SK: 'RL',
});
export const loginAttemptsOfAddress = (address: string, windowStart: number) => ({
  PK: `RL#login-address#${address}#${windowStart}`,
  SK: 'RL',
});
