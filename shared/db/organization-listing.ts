/**
 * Reads of the organization listings and indexes: every one reads entries in proportion to its answer
 * (a page, the matches of one value), never the tenant's organization items. The tree and the scan
 * (allIdPages: filters no index narrows, in a tenant not yet migrated) are the reads that follow the tenant,
 * and they read only the small listing entries. Entries an unfinished
 * import run wrote ahead are checked against their organizations before they count (imported-entries.ts).
 */
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';

import type { Organization } from '#shared/domain/organization.ts';
import type { IndexedField, ListOrder, TreeEntry } from '#shared/domain/ports.ts';
import { compareCodePoints } from '#shared/text.ts';

import { db, tableName } from './client.ts';
import { ENTRY_CHECK_ATTRIBUTES, type StoredEntry, trustedEntries } from './imported-entries.ts';
import * as keys from './keys.ts';
import {
  earlierPartitionsHeld,
  indexValue,
  LISTING_SHARDS,
  listingPrefix,
  NO_DESCRIPTION_PREFIX,
  SPREAD_FIELDS,
  valuePartitions,
} from './organization-index.ts';
import { batchGet, queryPartition, queryPrefix, sortKeyPrefix } from './query.ts';
import { hasTenantMark, TENANT_MARKS } from './tenant-marks.ts';

type Entry = StoredEntry & { orgId: string };
const ownerOf = (entry: { orgId: string }) => entry.orgId;

/**
 * The entries of one partition (those whose sort key begins with `prefix`, or all of them) read in key order,
 * a page of `batch` entries at a time, each page `growth` times the one before (up to 1,000).
 */
class EntryCursor {
  private buffer: Entry[] = [];
  private next: Record<string, unknown> | undefined;
  private started = false;

  constructor(
    private readonly tenantId: string,
    private readonly pk: string,
    private readonly prefix: string | undefined,
    private readonly descending: boolean,
    private batch: number,
    private readonly growth = 1,
    /** Which entries of a page count: by default all but those an unfinished import wrote ahead for nothing. */
    private readonly counted: (entries: Entry[]) => Promise<Entry[]> = (entries) => trustedEntries(tenantId, entries, ownerOf),
  ) {}

  get exhausted() {
    return this.started && this.next === undefined;
  }

  /** The next entry without taking it, reading a page when the buffer is empty; undefined at the end. */
  async peek(): Promise<Entry | undefined> {
    while (this.buffer.length === 0 && !this.exhausted) {
      const projection = `${ENTRY_CHECK_ATTRIBUTES}, orgId`;
      const { input, keeps } =
        this.prefix === undefined
          ? {
              input: {
                KeyConditionExpression: 'PK = :pk',
                ExpressionAttributeValues: { ':pk': this.pk },
                ProjectionExpression: projection,
              },
              keeps: () => true,
            }
          : sortKeyPrefix(this.pk, this.prefix, projection);
      const page: QueryCommandOutput = await db().send(
        new QueryCommand({
          TableName: tableName(),
          ...input,
          ScanIndexForward: !this.descending,
          ConsistentRead: true,
          Limit: this.batch,
          ...(this.next ? { ExclusiveStartKey: this.next } : {}),
        }),
      );
      this.started = true;
      this.next = page.LastEvaluatedKey;
      this.batch = Math.min(1000, this.batch * this.growth);
      this.buffer = await this.counted((page.Items ?? []).filter(keeps) as Entry[]);
    }
    return this.buffer[0];
  }

  take(): Entry {
    return this.buffer.shift()!;
  }

  /** The entries of the next page (read now when none is buffered); empty at the end. */
  async takePage(): Promise<Entry[]> {
    await this.peek();
    const page = this.buffer;
    this.buffer = [];
    return page;
  }
}

/**
 * Ids at [offset, offset + limit) in `order`: a merge of the listing shards, each read in pages sized
 * so that about offset + limit entries are read in all (plus one page's slack per shard).
 */
export async function listingPage(
  tenantId: string,
  order: ListOrder,
  descending: boolean,
  offset: number,
  limit: number,
): Promise<string[]> {
  const wanted = offset + limit;
  // Ids hash evenly over the shards: each holds about wanted / shards of the first `wanted`, give or take a few.
  const batch = Number.isFinite(wanted) ? Math.min(1000, Math.ceil((wanted / LISTING_SHARDS) * 1.1) + 8) : 1000;
  const cursors = Array.from(
    { length: LISTING_SHARDS },
    (_, shard) => new EntryCursor(tenantId, keys.listingShard(tenantId, shard), listingPrefix[order], descending, batch),
  );
  const direction = descending ? -1 : 1;
  const ids: string[] = [];
  let position = 0;
  const heads = await Promise.all(cursors.map((cursor) => cursor.peek()));
  while (position < wanted) {
    let best = -1;
    for (let i = 0; i < cursors.length; i++) {
      const head = heads[i];
      if (head && (best < 0 || direction * compareCodePoints(head.SK, heads[best]!.SK) < 0)) best = i;
    }
    if (best < 0) break;
    const entry = cursors[best]!.take();
    if (position >= offset) ids.push(entry.orgId);
    position += 1;
    heads[best] = await cursors[best]!.peek();
  }
  return ids;
}

/**
 * Every id of the tenant, a round of pages at a time: the next page of every shard's integer-id listing,
 * read together. Each entry is read once (a scan costs the tenant's small entries, not a page per
 * offset); the order across rounds is none in particular.
 */
export const allIdPages = (tenantId: string, pageSize: number) => idPagesOfListing(tenantId, listingPrefix.intId, pageSize);

/** Ids of the organizations without a description: their listing entries over every shard (the matches' small entries). */
export async function idsWithoutDescription(tenantId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of idPagesOfListing(tenantId, NO_DESCRIPTION_PREFIX, 1000)) ids.push(...page);
  return ids;
}

async function* idPagesOfListing(tenantId: string, prefix: string, pageSize: number): AsyncGenerator<string[]> {
  let open = Array.from(
    { length: LISTING_SHARDS },
    (_, shard) => new EntryCursor(tenantId, keys.listingShard(tenantId, shard), prefix, false, pageSize),
  );
  while (open.length > 0) {
    const ids = (await Promise.all(open.map((cursor) => cursor.takePage()))).flat().map(ownerOf);
    if (ids.length > 0) yield ids;
    open = open.filter((cursor) => !cursor.exhausted);
  }
}

/** Every organization as a tree entry: the integer-id listing of every shard (small entries, read in parallel). */
export async function treeEntries(tenantId: string): Promise<TreeEntry[]> {
  const shards = await Promise.all(
    Array.from({ length: LISTING_SHARDS }, (_, shard) =>
      queryPrefix<{ SK: string; orgId: string; name: string; parentId: string | null }>(
        keys.listingShard(tenantId, shard),
        listingPrefix.intId,
        { ProjectionExpression: 'SK, orgId, #name, parentId', ExpressionAttributeNames: { '#name': 'name' } },
      ),
    ),
  );
  return shards.flat().map((entry) => ({
    id: entry.orgId,
    intId: Number(entry.SK.slice(listingPrefix.intId.length)),
    name: entry.name,
    parentId: entry.parentId ?? null,
  }));
}

/** The tenant's organization count: the sum of its counter shards (one Query of one small partition). */
export async function countOrganizations(tenantId: string): Promise<number> {
  const shards = await queryPartition<{ organizations?: number }>(keys.counterPartition(tenantId));
  return shards.reduce((sum, shard) => sum + (shard.organizations ?? 0), 0);
}

/**
 * The partitions to read for one value, each with the check its entries need: the value's own (its shards for a
 * spread field), and, for a spread field of a tenant not yet migrated (tenant-marks.ts), the one partition of the
 * earlier layout. A write of this version leaves an earlier entry in place, so such an entry counts only while
 * its organization still has the value (read strongly consistent).
 */
function partitionsOf(tenantId: string, field: IndexedField, value: string | number, migrated: boolean) {
  const current = valuePartitions(tenantId, field, value).map((pk) => ({ pk, counted: undefined }));
  if (!SPREAD_FIELDS.has(field) || migrated) return current;
  const earlier = keys.memberIndexPartition(tenantId, field, indexValue(value));
  return [...current, { pk: earlier, counted: (entries: Entry[]) => stillHeld(tenantId, entries) }];
}

/** Entries of the earlier layout whose organization still has the value (read strongly consistent: an import's marks aside). */
async function stillHeld(tenantId: string, entries: Entry[]): Promise<Entry[]> {
  if (entries.length === 0) return entries;
  const organizations = await batchGet<Organization>([...new Set(entries.map(ownerOf))].map((id) => keys.organization(tenantId, id)));
  const held = new Map(organizations.map((organization) => [organization.id, organization]));
  return entries.filter((entry) => {
    const organization = held.get(entry.orgId);
    return (
      organization !== undefined &&
      entry.SK === `${keys.paddedIntId(organization.intId)}#${organization.id}` &&
      earlierPartitionsHeld(tenantId, organization).has(entry.PK)
    );
  });
}

/** Ids whose `field` equals `value`, by integer id: only that value's index entries are read. */
export async function idsByIndexedValue(tenantId: string, field: IndexedField, value: string | number): Promise<string[]> {
  const pages: string[][] = [];
  for await (const page of idPagesByIndexedValues(tenantId, field, [value], 1000)) pages.push(page);
  return pages.flat();
}

/**
 * The ids whose `field` equals any of `values`, by integer id (an id under two values once), a page at a time
 * read only as they are consumed: the first page holds `firstPage` ids (what the caller's answer needs), later
 * ones 4 times the one before (up to 1,000). Each partition of each value (a spread field's shards) is read in
 * pages that grow the same way, the first its share of `firstPage` and a few more, so a reader that stops early
 * never pays for the matches past its answer; the partitions are merged in sort-key order (`<intId>#<orgId>`).
 */
export async function* idPagesByIndexedValues(
  tenantId: string,
  field: IndexedField,
  values: (string | number)[],
  firstPage: number,
): AsyncGenerator<string[]> {
  const first = Math.max(1, Math.min(1000, firstPage));
  const migrated = !SPREAD_FIELDS.has(field) || (await hasTenantMark(tenantId, TENANT_MARKS.indexes));
  const partitions = [...new Set(values)].flatMap((value) => partitionsOf(tenantId, field, value, migrated));
  // Entries hash evenly over a value's shards: each holds about its share of the first page, give or take a few.
  const share = partitions.length === 1 ? first : Math.min(1000, Math.ceil((first / partitions.length) * 1.1) + 8);
  const cursors = partitions.map(({ pk, counted }) => new EntryCursor(tenantId, pk, undefined, false, share, 4, counted));
  const heads: (Entry | undefined)[] = [];
  let last: string | undefined;
  for (let size = first; ; size = Math.min(1000, size * 4)) {
    const page: string[] = [];
    while (page.length < size) {
      // A head is read only when the answer needs the next entry, so a full page leaves the next entries unread.
      await Promise.all(cursors.map(async (cursor, i) => (heads[i] ??= await cursor.peek())));
      let best = -1;
      for (let i = 0; i < cursors.length; i++) {
        const head = heads[i];
        if (head && (best < 0 || compareCodePoints(head.SK, heads[best]!.SK) < 0)) best = i;
      }
      if (best < 0) break;
      const entry = cursors[best]!.take();
      heads[best] = undefined;
      if (entry.SK !== last) page.push(entry.orgId);
      last = entry.SK;
    }
    if (page.length > 0) yield page;
    if (page.length < size) return;
  }
}

export async function childIds(tenantId: string, parentId: string): Promise<string[]> {
  const entries = await queryPartition<StoredEntry>(keys.childPartition(tenantId, parentId), {
    ProjectionExpression: ENTRY_CHECK_ATTRIBUTES,
  });
  // A child entry is keyed by the child's id.
  return (await trustedEntries(tenantId, entries, (entry) => entry.SK)).map((entry) => entry.SK);
}
