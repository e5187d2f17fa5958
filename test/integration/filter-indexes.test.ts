/**
 * The Netux filters the earlier layout scanned, on DynamoDB Local: `description=` (no description) reads the
 * no-description listing, a non-scalar `properties` value its own index entries, `properties={}` the unfiltered
 * listing. Each answer is exact against a read of every organization, at once after a write, and never reads
 * the integer-id listing (the scan); a tenant written before these entries is scanned until `migrate listings`
 * gives its organizations the entries and marks it.
 */
import { isDeepStrictEqual } from 'node:util';

import { BatchWriteCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import { db, tableName } from '#shared/db/client.ts';
import { putTenant } from '#shared/db/directory.ts';
import { backfillIndexEntries } from '#shared/db/index-backfill.ts';
import * as keys from '#shared/db/keys.ts';
import { indexValue, NO_DESCRIPTION_PREFIX } from '#shared/db/organization-index.ts';
import { deleteOrganization, getOrganization, saveOrganization } from '#shared/db/organizations.ts';
import { TENANT_MARKS } from '#shared/db/tenant-marks.ts';
import { isScalarProperty, PROPERTY_OVERFLOW, propertyPair } from '#shared/domain/indexed-values.ts';
import { newOrganization, type Organization } from '#shared/domain/organization.ts';
import { findOrganizations, listingOrder, type OrganizationQuery } from '#shared/domain/organizations.ts';
import { observeCalls, stopObserving } from '#test/support/db-calls.ts';
import { createTable, snapshotTable } from '#test/support/table.ts';

beforeAll(createTable);
vi.setConfig({ testTimeout: 120_000 });

/** 16 scalar properties and an object: past the index's 16 now, not in the earlier layout's count (scalars only). */
const BORDERLINE = 11;
const scalars = (count: number) => Array.from({ length: count }, (_, k) => [`p${k}`, k] as const);

/** Properties of four kinds: objects (keys in either order), arrays, null, scalars; two organizations past the index's 16. */
function properties(i: number): Record<string, unknown> {
  if (i === 7) return Object.fromEntries([['geo', { lat: 1, lon: 2 }], ...scalars(20)]);
  if (i === BORDERLINE) return Object.fromEntries([['geo', { lon: 2, lat: 1 }], ...scalars(16)]);
  switch (i % 4) {
    case 0:
      return { tags: ['a', 'b'], geo: { lat: 1, lon: 2 } };
    case 1:
      return { geo: { lon: 2, lat: 1 }, city: 'Lyon' };
    case 2:
      return { tags: null };
    default:
      return { city: 'Lyon', tags: [] };
  }
}

function organization(tenantId: string, i: number): Organization {
  return {
    ...newOrganization({ id: `${tenantId.slice(0, 4).padEnd(4, 'x')}${String(i).padStart(16, '0')}`, intId: 1000 + i, label: `l${i}` }),
    name: `Organisation ${i % 5}`,
    description: i % 3 === 0 ? '' : `Description ${i}`,
    properties: properties(i),
  };
}

async function createTenant(tenantId: string, count: number): Promise<Organization[]> {
  await putTenant({ id: tenantId, name: tenantId });
  const all = Array.from({ length: count }, (_, i) => organization(tenantId, i));
  await mapWithConcurrency(all, 8, (org) => saveOrganization(tenantId, org, undefined));
  return all;
}

/** Integer-id listing entries read (the scan) since the last reset. */
let scanned = 0;
const COUNTER = 'count-scan-reads';
function countScanReads() {
  scanned = 0;
  observeCalls(COUNTER, (_, output) => (scanned += (output.Items ?? []).filter((item) => String(item.SK).startsWith('I#')).length));
}
afterEach(() => stopObserving(COUNTER));

const QUERIES: OrganizationQuery[] = [
  { description: '' },
  { properties: { geo: { lat: 1, lon: 2 } } },
  { properties: { geo: { lon: 2, lat: 1 } }, sortBy: 'label', descending: true },
  { properties: { tags: null } },
  { properties: { tags: ['a', 'b'] } },
  { properties: { tags: ['b', 'a'] } },
  { properties: { tags: [] }, description: '' },
  { properties: {} },
];

/** What reading every organization and checking it gives, as the list would page it. */
function expected(all: Organization[], query: OrganizationQuery) {
  const matches = all.filter(
    (org) =>
      (query.description === undefined || org.description === query.description) &&
      Object.entries(query.properties ?? {}).every(
        ([key, value]) => Object.hasOwn(org.properties, key) && isDeepStrictEqual(org.properties[key], value),
      ),
  );
  return matches.sort(listingOrder(query.sortBy ?? 'createdAt', query.descending)).map((org) => org.id);
}

async function expectExact(tenantId: string, ids: string[]) {
  const all = (await Promise.all(ids.map((id) => getOrganization(tenantId, id)))).filter((o): o is Organization => o !== undefined);
  for (const query of QUERIES) {
    const answer = await findOrganizations(tenantId, query, 0, 1000);
    const want = expected(all, query);
    expect(
      answer.page.map((org) => org.id),
      JSON.stringify(query),
    ).toEqual(want);
    expect(answer.count).toBe(want.length);
  }
}

describe('filters the earlier layout scanned', () => {
  it('read their own entries, exactly, and follow every write at once', async () => {
    const all = await createTenant('filters', 40);
    const ids = all.map((o) => o.id);
    countScanReads();
    await expectExact('filters', ids);
    expect(scanned).toBe(0);
    // Key order does not matter to the filter, element order does; an empty object filters nothing.
    expect((await findOrganizations('filters', { properties: { geo: { lon: 2, lat: 1 } } }, 0, 100)).count).toBe(22);
    expect((await findOrganizations('filters', { properties: { tags: ['b', 'a'] } }, 0, 100)).count).toBe(0);
    expect((await findOrganizations('filters', { properties: {} }, 0, 5)).count).toBe(40);

    // A description given and taken back, properties changed, an organization deleted: answered at once.
    const first = (await getOrganization('filters', ids[0]!))!;
    await saveOrganization('filters', { ...first, description: 'now one', properties: { tags: null }, version: first.version + 1 }, first);
    const second = (await getOrganization('filters', ids[1]!))!;
    await saveOrganization('filters', { ...second, description: '', properties: { geo: { lat: 1 } }, version: second.version + 1 }, second);
    const third = (await getOrganization('filters', ids[3]!))!;
    await deleteOrganization('filters', third, { accessLists: [], mappings: [], clicks: [], rewrites: [] });
    countScanReads();
    await expectExact('filters', ids);
    expect(scanned).toBe(0);
  });

  it('of a tenant written before their entries are scanned, until the migration gives them and marks it', async () => {
    const all = await createTenant('before', 24);
    const ids = all.map((o) => o.id);
    // What an earlier version left: no no-description entries, no entries of non-scalar properties, no mark, and
    // for an organization of 16 scalar properties and an object, an entry per scalar instead of the overflow entry.
    const propertyPartition = keys.memberIndexPartition('before', 'property', '');
    const earlierLacks = (item: Record<string, unknown>) => {
      if (String(item.SK).startsWith(NO_DESCRIPTION_PREFIX)) return true;
      const pk = String(item.PK);
      if (!pk.startsWith(propertyPartition)) return false;
      const pair = decodeURIComponent(pk.slice(propertyPartition.length));
      if (pair === PROPERTY_OVERFLOW) return item.orgId === ids[BORDERLINE];
      return !isScalarProperty(JSON.parse(pair.slice(pair.indexOf('=') + 1)));
    };
    const stale: Record<string, unknown>[] = [];
    for await (const page of paginateScan(
      { client: db() },
      { TableName: tableName(), FilterExpression: 'begins_with(PK, :pk)', ExpressionAttributeValues: { ':pk': 'T#before#' } },
    )) {
      stale.push(...(page.Items ?? []).filter(earlierLacks));
    }
    expect(stale.length).toBeGreaterThan(20);
    for (let i = 0; i < stale.length; i += 25) {
      const DeleteRequests = stale.slice(i, i + 25).map(({ PK, SK }) => ({ DeleteRequest: { Key: { PK, SK } } }));
      await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: DeleteRequests } }));
    }
    const borderline = all[BORDERLINE]!;
    const PutRequests = scalars(16).map(([key, value]) => ({
      PutRequest: {
        Item: {
          ...keys.memberIndex('before', 'property', indexValue(propertyPair(key, value)), borderline.intId, borderline.id),
          entity: keys.entity.memberIndex,
          orgId: borderline.id,
        },
      },
    }));
    await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: PutRequests } }));
    await db().send(
      new UpdateCommand({ TableName: tableName(), Key: keys.tenant('before'), UpdateExpression: `REMOVE ${TENANT_MARKS.filterIndex}` }),
    );
    countScanReads();
    await expectExact('before', ids);
    expect(scanned).toBeGreaterThan(0);

    const done = await backfillIndexEntries();
    expect(done.items).toBe(stale.length);
    expect(done.tenants).toBeGreaterThanOrEqual(2);
    countScanReads();
    await expectExact('before', ids);
    expect(scanned).toBe(0);
    // Idempotent: a second run writes nothing.
    const after = await snapshotTable();
    expect((await backfillIndexEntries()).items).toBe(0);
    expect(await snapshotTable()).toEqual(after);
  });
});
