/**
 * The items an organization owns besides its own: guards (label, integer id), listing entries, exact-value
 * index entries (member fields, name, rna/siret), its entry under its parent, and the tenant counter.
 * They are written in the same transaction as the organization, so every read of them is strongly
 * consistent; a write changes only the items whose content changed (a diff of two derived sets). The one
 * exception is a seed import's creations, which write the entries `writableAhead` marks before the
 * transaction (imported-entries.ts).
 */
import { createHash } from 'node:crypto';

import { indexedValues, isScalarProperty, propertyPair } from '#shared/domain/indexed-values.ts';
import type { Organization } from '#shared/domain/organization.ts';
import type { IndexedField } from '#shared/domain/ports.ts';

import { tableName } from './client.ts';
import * as keys from './keys.ts';
import { entity } from './keys.ts';
import type { TransactItem } from './query.ts';

/** Partitions the sorted listings are spread over (bulk writes of one tenant are not capped by one partition). */
export const LISTING_SHARDS = 16;
/** Items the organization count is spread over (concurrent creates rarely touch the same one). */
export const COUNTER_SHARDS = 64;

/** Listing entry prefixes, one per order. */
export const listingPrefix = { label: 'L#', name: 'N#', createdAt: 'C#', intId: 'I#' } as const;
/**
 * The listing of the organizations without a description (`E#<id>`), for the exact filter `description=`:
 * most organizations may have none, so its entries are spread over the listing shards, not in one index
 * partition every create would write to.
 */
export const NO_DESCRIPTION_PREFIX = 'E#';

/** Sort text is bounded so a key stays far below DynamoDB's 1 KB sort-key limit (names are ≤ 255 characters). */
const MAX_SORT_TEXT = 300;

export const listingShardOf = (orgId: string) => createHash('sha256').update(orgId).digest()[0]! % LISTING_SHARDS;

/**
 * Exact-value index fields whose values many organizations share (a type, a sector, a commune, a sponsor, a
 * property): each value's entries are spread over INDEX_SHARDS partitions by organization id, so creating many
 * organizations of one value is not capped by one partition's 1,000 WCU/s (4 partitions take about the
 * 2,000 creations a second the 16 listing shards do). A reader merges the shards by integer id. The other fields'
 * values name one or a few organizations (a name, an identifier, a user): one partition each, one Query.
 */
export const SPREAD_FIELDS: ReadonlySet<IndexedField> = new Set<IndexedField>([
  'parrain',
  'commune',
  'cp',
  'type',
  'secteur',
  'nomSecteur',
  'typeProjet',
  'statutProjet',
  'app',
  'property',
]);
export const INDEX_SHARDS = 4;
export const indexShardOf = (orgId: string) => listingShardOf(orgId) % INDEX_SHARDS;

/** The partitions holding the index entries of one value: its shards for a spread field, else its one partition. */
export const valuePartitions = (tenantId: string, field: IndexedField, value: string | number): string[] =>
  SPREAD_FIELDS.has(field)
    ? Array.from({ length: INDEX_SHARDS }, (_, shard) => keys.memberIndexShard(tenantId, field, indexValue(value), shard))
    : [keys.memberIndexPartition(tenantId, field, indexValue(value))];

/** Index values are part of a partition key: a long one is replaced by its hash (the reader checks the value). */
export function indexValue(value: string | number): string | number {
  const text = String(value);
  return text.length <= 200 ? value : `#sha256#${createHash('sha256').update(text).digest('hex')}`;
}

interface DerivedItem {
  key: { PK: string; SK: string };
  attributes: Record<string, unknown>;
  /**
   * May be written ahead of the organization's transaction (an import run's creations): its key names the
   * organization, so it can never overwrite another organization's entry (the label and integer-id
   * listings are keyed by a value two records can share), and follows from the record alone, so a re-run
   * of the same records writes the same key again (the creation date may be the import's clock).
   */
  writableAhead: boolean;
}

/** One item's key as a single string (set membership of derived keys). */
export const entryKey = (key: { PK: string; SK: string }) => `${key.PK}\u0000${key.SK}`;
const keyOf = (item: DerivedItem) => entryKey(item.key);

/** Every derived item of an organization except guards and the counter (those are written conditionally or added). */
function derivedItems(tenantId: string, organization: Organization): DerivedItem[] {
  const { id, intId } = organization;
  const shard = keys.listingShard(tenantId, listingShardOf(id));
  const sortText = (text: string) => text.slice(0, MAX_SORT_TEXT);
  const items: DerivedItem[] = [
    {
      key: { PK: shard, SK: `${listingPrefix.label}${organization.label}` },
      attributes: { entity: entity.listing, orgId: id },
      writableAhead: false,
    },
    {
      key: { PK: shard, SK: `${listingPrefix.name}${sortText(organization.name)}\u0000${id}` },
      attributes: { entity: entity.listing, orgId: id },
      writableAhead: true,
    },
    {
      key: { PK: shard, SK: `${listingPrefix.createdAt}${organization.createdAt}\u0000${id}` },
      attributes: { entity: entity.listing, orgId: id },
      writableAhead: false,
    },
    {
      // The tree's entry carries what the tree shows, so the whole tree reads only listing entries.
      key: { PK: shard, SK: `${listingPrefix.intId}${String(intId).padStart(15, '0')}` },
      attributes: { entity: entity.listing, orgId: id, name: organization.name, parentId: organization.parentId },
      writableAhead: false,
    },
  ];
  if (organization.description === '') {
    items.push({
      key: { PK: shard, SK: `${NO_DESCRIPTION_PREFIX}${id}` },
      attributes: { entity: entity.listing, orgId: id },
      writableAhead: true,
    });
  }
  const seen = new Set<string>();
  for (const [field, value] of indexedValues(organization)) {
    const key = keys.memberIndex(tenantId, field, indexValue(value), intId, id, SPREAD_FIELDS.has(field) ? indexShardOf(id) : undefined);
    if (seen.has(key.PK)) continue;
    seen.add(key.PK);
    items.push({ key, attributes: { entity: entity.memberIndex, orgId: id }, writableAhead: field !== 'createdAt' });
  }
  if (organization.parentId) {
    items.push({ key: keys.child(tenantId, organization.parentId, id), attributes: { entity: entity.child }, writableAhead: true });
  }
  return items;
}

/**
 * The exact-value index entries and the no-description listing entry of an organization (not the ordered
 * listings nor the child entry), as stored items: what `migrate listings` puts where missing.
 */
export const checkedEntries = (tenantId: string, organization: Organization) =>
  derivedItems(tenantId, organization)
    .filter((item) => item.attributes.entity === entity.memberIndex || item.key.SK.startsWith(NO_DESCRIPTION_PREFIX))
    .map((item) => ({ ...item.key, ...item.attributes }));

/**
 * The partitions of the earlier layout (one per spread value, no shard) that hold an entry of the organization's
 * current values: its spread values', and one per scalar property (the earlier layout counted only scalars
 * towards the 16 properties indexed one by one).
 */
export function earlierPartitionsHeld(tenantId: string, organization: Organization): Set<string> {
  const held = new Set<string>();
  for (const [field, value] of indexedValues(organization))
    if (SPREAD_FIELDS.has(field)) held.add(keys.memberIndexPartition(tenantId, field, indexValue(value)));
  for (const [key, value] of Object.entries(organization.properties))
    if (isScalarProperty(value)) held.add(keys.memberIndexPartition(tenantId, 'property', indexValue(propertyPair(key, value))));
  return held;
}

/** The keys (`entryKey`) of every derived item of an organization: what a check of an entry of an unfinished import run compares. */
export const derivedKeys = (tenantId: string, organization: Organization) => new Set(derivedItems(tenantId, organization).map(keyOf));

/** A new organization's derived items, as stored items: those an import writes ahead of its transaction, or the others. */
export const creationItems = (tenantId: string, organization: Organization, ahead: boolean) =>
  derivedItems(tenantId, organization)
    .filter((item) => item.writableAhead === ahead)
    .map((item) => ({ ...item.key, ...item.attributes }));

/** The puts and deletes that take the derived items of `previous` to those of `next` (either may be absent). */
export function derivedChanges(tenantId: string, next: Organization | undefined, previous: Organization | undefined): TransactItem[] {
  const before = new Map((previous ? derivedItems(tenantId, previous) : []).map((item) => [keyOf(item), item]));
  const after = new Map((next ? derivedItems(tenantId, next) : []).map((item) => [keyOf(item), item]));
  const writes: TransactItem[] = [];
  for (const [key, item] of after) {
    const old = before.get(key);
    if (old && JSON.stringify(old.attributes) === JSON.stringify(item.attributes)) continue;
    writes.push({ Put: { TableName: tableName(), Item: { ...item.key, ...item.attributes } } });
  }
  for (const [key, item] of before) if (!after.has(key)) writes.push({ Delete: { TableName: tableName(), Key: item.key } });
  return writes;
}

/** Adds `delta` to one shard of the tenant's organization count (any shard: only the sum means something). */
export const countChange = (tenantId: string, delta: number): TransactItem => ({
  Update: {
    TableName: tableName(),
    Key: keys.counter(tenantId, Math.floor(Math.random() * COUNTER_SHARDS)),
    UpdateExpression: 'SET entity = :entity ADD organizations :delta',
    ExpressionAttributeValues: { ':delta': delta, ':entity': entity.counter },
  },
});
