/**
 * This version's index layout on DynamoDB Local. The Netux filters the earlier layout scanned read entries of their
 * own: `description=` (no description) the no-description listing, a non-scalar `properties` value its index
 * entries, `properties={}` the unfiltered listing; the values many organizations share (spread fields: a type, a
 * commune, a property) are spread over shards, which readers merge. Each answer (Netux filters, Apidae member
 * search at several offsets) is exact against a read of every organization, at once after a write, and never
 * reads the integer-id listing (the scan). A tenant written in the earlier layout answers exactly too (scanned,
 * its earlier entries checked) until `migrate listings` moves it to this layout: exactly this version's items.
 */
import { isDeepStrictEqual } from 'node:util';

import { BatchWriteCommand, paginateScan, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import { db, tableName } from '#shared/db/client.ts';
import { putTenant } from '#shared/db/directory.ts';
import { beginImportRun } from '#shared/db/import-runs.ts';
import { backfillIndexEntries } from '#shared/db/index-backfill.ts';
import * as keys from '#shared/db/keys.ts';
import { checkedEntries, indexShardOf, indexValue, NO_DESCRIPTION_PREFIX, SPREAD_FIELDS } from '#shared/db/organization-index.ts';
import { deleteOrganization, getOrganization, saveOrganization } from '#shared/db/organizations.ts';
import { TENANT_MARKS } from '#shared/db/tenant-marks.ts';
import { putApp } from '#shared/domain/directory-admin.ts';
import { isScalarProperty, PROPERTY_OVERFLOW, propertyPair } from '#shared/domain/indexed-values.ts';
import { matches, type MemberFilter, searchMembers } from '#shared/domain/members.ts';
import { newOrganization, type Organization } from '#shared/domain/organization.ts';
import { updateOrganization } from '#shared/domain/organization-writes.ts';
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

const TYPES = ['Office', 'Partenaire', 'Prestataire'];
const CITIES = [
  { code: '69381', codePostal: '69001', nom: 'Lyon 1er' },
  { code: '75056', codePostal: '75001', nom: 'Paris' },
];

function organization(tenantId: string, i: number): Organization {
  const base = newOrganization({
    id: `${tenantId.slice(0, 4).padEnd(4, 'x')}${String(i).padStart(16, '0')}`,
    intId: 1000 + ((i * 7) % 40),
    label: `l${i}`,
  });
  return {
    ...base,
    name: `Organisation ${i % 5}`,
    description: i % 3 === 0 ? '' : `Description ${i}`,
    properties: properties(i),
    member: {
      ...base.member,
      type: { id: 1 + (i % 3), nom: TYPES[i % 3]! },
      secteur: { id: 10 + (i % 2), nom: `Secteur ${i % 2}`, description: null },
      communes: [CITIES[i % 2]!],
    },
  };
}

async function createTenant(tenantId: string, count: number): Promise<Organization[]> {
  await putTenant({ id: tenantId, name: tenantId });
  const all = Array.from({ length: count }, (_, i) => organization(tenantId, i));
  await mapWithConcurrency(all, 8, (org) => saveOrganization(tenantId, org, undefined));
  return all;
}

/** A spread value's one partition of the earlier layout: `…#M#<spread field>#<value>`, no shard after it. */
const EARLIER_PARTITION = new RegExp(`#M#(${[...SPREAD_FIELDS].join('|')})#[^#]*$`);

/** Integer-id listing entries read (the scan), and queries of earlier partitions, since the last reset. */
let scanned = 0;
let earlierReads = 0;
const COUNTER = 'count-scan-reads';
function countScanReads() {
  scanned = 0;
  earlierReads = 0;
  observeCalls(COUNTER, (input, output) => {
    scanned += (output.Items ?? []).filter((item) => String(item.SK).startsWith('I#')).length;
    if (EARLIER_PARTITION.test(String(input.ExpressionAttributeValues?.[':pk'] ?? ''))) earlierReads += 1;
  });
}

/** A tenant's index entries and no-description listing entries. */
async function indexItems(tenantId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan(
    { client: db() },
    { TableName: tableName(), FilterExpression: 'begins_with(PK, :pk)', ExpressionAttributeValues: { ':pk': `T#${tenantId}#` } },
  ))
    items.push(
      ...(page.Items ?? []).filter(
        (item) =>
          item.entity === keys.entity.memberIndex ||
          (item.entity === keys.entity.listing && String(item.SK).startsWith(NO_DESCRIPTION_PREFIX)),
      ),
    );
  return items;
}

/**
 * Rewrites a tenant as the earlier layout left it: a spread value's entries in its one partition, no entries of
 * non-scalar properties nor no-description entries, no mark, and for an organization of 16 scalar properties and an
 * object an entry per scalar instead of the overflow entry. Returns how many entries the earlier partitions hold.
 */
async function toEarlierLayout(tenantId: string, borderline: Organization): Promise<number> {
  const propertyPartition = keys.memberIndexPartition(tenantId, 'property', '');
  const puts: Record<string, unknown>[] = [];
  const deletes: Record<string, unknown>[] = [];
  for (const item of await indexItems(tenantId)) {
    const pk = String(item.PK);
    const shard = /^(.*#M#([^#]+)#[^#]*)#\d+$/.exec(pk);
    if (!shard) {
      if (String(item.SK).startsWith(NO_DESCRIPTION_PREFIX)) deletes.push(item);
      continue;
    }
    deletes.push(item);
    if (pk.startsWith(propertyPartition)) {
      const pair = decodeURIComponent(shard[1]!.slice(propertyPartition.length));
      if (pair === PROPERTY_OVERFLOW ? item.orgId === borderline.id : !isScalarProperty(JSON.parse(pair.slice(pair.indexOf('=') + 1))))
        continue;
    }
    puts.push({ ...item, PK: shard[1] });
  }
  for (const [key, value] of scalars(16)) {
    const entry = keys.memberIndex(tenantId, 'property', indexValue(propertyPair(key, value)), borderline.intId, borderline.id);
    puts.push({ ...entry, entity: keys.entity.memberIndex, orgId: borderline.id });
  }
  const requests = [
    ...deletes.map(({ PK, SK }) => ({ DeleteRequest: { Key: { PK, SK } } })),
    ...puts.map((Item) => ({ PutRequest: { Item } })),
  ];
  for (let i = 0; i < requests.length; i += 25) {
    await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests.slice(i, i + 25) } }));
  }
  await db().send(
    new UpdateCommand({ TableName: tableName(), Key: keys.tenant(tenantId), UpdateExpression: `REMOVE ${TENANT_MARKS.indexes}` }),
  );
  return puts.length;
}
const RACE = 'race-the-migration';
afterEach(() => {
  stopObserving(COUNTER);
  db().middlewareStack.remove(RACE);
});

const QUERIES: OrganizationQuery[] = [
  { description: '' },
  { properties: { geo: { lat: 1, lon: 2 } } },
  { properties: { geo: { lon: 2, lat: 1 } }, sortBy: 'label', descending: true },
  { properties: { tags: null } },
  { properties: { tags: ['a', 'b'] } },
  { properties: { tags: ['b', 'a'] } },
  { properties: { tags: [] }, description: '' },
  { properties: {} },
  // Scalars of the two organizations with more than 16 properties (indexed one by one in the earlier layout).
  { properties: { p0: 0 } },
  { properties: { p15: 15, geo: { lon: 2, lat: 1 } } },
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

/** Apidae member searches: a spread field alone (its entries skipped by `first`), several types, a spread field and another filter. */
const MEMBER_FILTERS: MemberFilter[] = [
  { types: ['Partenaire'] },
  { types: ['Office', 'Prestataire'] },
  { communeCodePostal: '75001' },
  { idSecteur: 10, types: ['Office'] },
  { types: ['Moved'] },
];

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
  for (const filter of MEMBER_FILTERS) {
    const want = all
      .filter((org) => matches(org, filter))
      .sort((a, b) => a.intId - b.intId)
      .map((org) => org.id);
    for (const first of [0, 3, 10]) {
      const page = await searchMembers(tenantId, filter, first, 5);
      expect(
        page.map((org) => org.id),
        `${JSON.stringify(filter)} from ${first}`,
      ).toEqual(want.slice(first, first + 5));
    }
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

  it('find an app set by a partial update at once, and no longer under the app it left', async () => {
    const all = await createTenant('apps', 6);
    await putApp('apps', { id: 'app-1', label: 'one', name: 'One', url: 'https://one.example' });
    await putApp('apps', { id: 'app-2', label: 'two', name: 'Two', url: 'https://two.example' });
    const ids = (appId: string) => findOrganizations('apps', { appId }, 0, 100).then(({ page }) => page.map((org) => org.id));
    await updateOrganization('apps', { id: all[1]!.id }, { app: 'app-1' }, 'partial');
    await updateOrganization('apps', { id: all[2]!.id }, { app: '~one' }, 'partial');
    expect(await ids('app-1')).toEqual([all[1]!.id, all[2]!.id]);
    await updateOrganization('apps', { id: all[2]!.id }, { app: 'app-2', isActive: false }, 'partial');
    await updateOrganization('apps', { id: all[1]!.id }, { app: null }, 'partial');
    expect(await ids('app-1')).toEqual([]);
    expect(await ids('app-2')).toEqual([all[2]!.id]);
  });

  it('of a tenant written in the earlier layout are exact, and the migration moves it to this one', async () => {
    const all = await createTenant('before', 40);
    const ids = all.map((o) => o.id);
    const earlierEntries = await toEarlierLayout('before', all[BORDERLINE]!);
    expect(earlierEntries).toBeGreaterThan(100);
    // A write of this version there: its type changes, the earlier entry of its old type stays behind (the lowest
    // integer id: the first entry of its type, which `first` skips without reading the member).
    const moved = (await getOrganization('before', ids[0]!))!;
    const member = { ...moved.member, type: { id: 9, nom: 'Moved' } };
    await saveOrganization('before', { ...moved, member, version: moved.version + 1 }, moved);
    // An earlier import, killed, wrote an entry ahead of an organization it then committed: still counted.
    const killedRun = await beginImportRun('before', 'killed earlier');
    const aheadOf = (await getOrganization('before', ids[3]!))!;
    const ahead = keys.memberIndex('before', 'type', aheadOf.member.type!.nom, aheadOf.intId, aheadOf.id);
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: ahead,
        UpdateExpression: 'SET f = :run',
        ExpressionAttributeValues: { ':run': killedRun },
      }),
    );
    countScanReads();
    await expectExact('before', ids);
    expect(scanned).toBeGreaterThan(0);
    expect(earlierReads).toBeGreaterThan(0);

    // During the deploy, a process of the earlier version changed a value this version had put in a shard: the
    // shard entry names an organization that no longer has the value. The migration removes it.
    const left = (await getOrganization('before', ids[6]!))!;
    const stale = keys.memberIndex('before', 'type', 'Partenaire', left.intId, left.id, indexShardOf(left.id));
    expect(left.member.type!.nom).not.toBe('Partenaire');
    await db().send(new PutCommand({ TableName: tableName(), Item: { ...stale, entity: keys.entity.memberIndex, orgId: left.id } }));

    const done = await backfillIndexEntries();
    expect(done.items).toBeGreaterThan(earlierEntries / 2);
    expect(done.tenants).toBeGreaterThanOrEqual(2);
    expect(done.removed).toBe(earlierEntries + 1);
    // Exactly this version's items: every organization's, and nothing else.
    const current = await Promise.all(ids.map((id) => getOrganization('before', id)));
    const wanted = current.flatMap((org) => (org ? checkedEntries('before', org).map((item) => `${item.PK} ${item.SK}`) : []));
    expect((await indexItems('before')).map((item) => `${item.PK} ${item.SK}`).sort()).toEqual(wanted.sort());
    countScanReads();
    await expectExact('before', ids);
    expect(scanned).toBe(0);
    expect(earlierReads).toBe(0);
    // Idempotent: a second run writes nothing.
    const after = await snapshotTable();
    expect(await backfillIndexEntries()).toMatchObject({ items: 0, removed: 0 });
    expect(await snapshotTable()).toEqual(after);
  });

  it('the migration writes what an organization says when a write changes it meanwhile', async () => {
    const all = await createTenant('racing', 12);
    await toEarlierLayout('racing', all[BORDERLINE]!);
    const target = keys.organization('racing', all[0]!.id);
    let raced = false;
    // Just before the migration's transaction for the organization, a write of this version changes its type.
    db().middlewareStack.add(
      (next) => async (args) => {
        const first = (args.input as { TransactItems?: { ConditionCheck?: { Key?: { PK?: unknown } } }[] }).TransactItems?.[0];
        if (!raced && first?.ConditionCheck?.Key?.PK === target.PK) {
          raced = true;
          const stored = (await getOrganization('racing', all[0]!.id))!;
          const member = { ...stored.member, type: { id: 9, nom: 'Raced' } };
          await saveOrganization('racing', { ...stored, member, version: stored.version + 1 }, stored);
        }
        return next(args);
      },
      { step: 'initialize', name: RACE },
    );
    await backfillIndexEntries();
    expect(raced).toBe(true);
    const current = await Promise.all(all.map((org) => getOrganization('racing', org.id)));
    const wanted = current.flatMap((org) => (org ? checkedEntries('racing', org).map((item) => `${item.PK} ${item.SK}`) : []));
    expect((await indexItems('racing')).map((item) => `${item.PK} ${item.SK}`).sort()).toEqual(wanted.sort());
  });
});
