/**
 * The listings, the count, the exact-value indexes and the search postings on DynamoDB Local: each
 * answers exactly what a read of every organization would, and reads in proportion to its answer.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import { db, tableName } from '#shared/db/client.ts';
import { beginImportRun } from '#shared/db/import-runs.ts';
import * as keys from '#shared/db/keys.ts';
import { tenantPk } from '#shared/db/keys.ts';
import { INDEX_SHARDS } from '#shared/db/organization-index.ts';
import { allIdPages, childIds, countOrganizations, idsByIndexedValue, listingPage, treeEntries } from '#shared/db/organization-listing.ts';
import { deleteOrganization, getOrganization, saveNewOrganizations, saveOrganization } from '#shared/db/organizations.ts';
import { postingsOf, postNewGrams, searchCandidates } from '#shared/db/search-index.ts';
import { putTenant } from '#shared/domain/directory-admin.ts';
import { searchMembers } from '#shared/domain/members.ts';
import { emptyMemberData, newOrganization, type Organization } from '#shared/domain/organization.ts';
import { changeOrganization, migrateDataModel } from '#shared/domain/organization-writes.ts';
import { findOrganizations, listingOrder, resolveOrganizationId, scanListing } from '#shared/domain/organizations.ts';
import { foldText, trigrams } from '#shared/text.ts';
import { observeCalls, stopObserving } from '#test/support/db-calls.ts';
import { createTable, snapshotTable } from '#test/support/table.ts';

beforeAll(createTable);
// Tenants of a few hundred organizations are written first: DynamoDB Local takes its time.
vi.setConfig({ testTimeout: 180_000 });

const NAMES = ['Électricité', 'electricite', 'Zoo', 'zoo', 'Ça va', '𝒜lpha', '\uffefwide', 'Amis du Musée', 'amis', 'Œuvre', 'A', ''];

function organization(tenantId: string, i: number, parentId: string | null = null): Organization {
  return {
    ...newOrganization({
      id: `${tenantId.slice(0, 4).padEnd(4, 'x')}${String(i).padStart(16, '0')}`,
      intId: 1000 + ((i * 7919) % 5003),
      label: `org-${(i * 31) % 997}-${i}`,
    }),
    name: `${NAMES[i % NAMES.length]} ${i % 5}`.trim(),
    description: i % 3 === 0 ? 'Réseau des bibliothèques' : '',
    createdAt: new Date(Date.UTC(2024, 0, 1) + ((i * 104729) % 86400) * 1000).toISOString(),
    parentId,
  };
}

async function createTenant(tenantId: string, count: number): Promise<Organization[]> {
  const all = Array.from({ length: count }, (_, i) => organization(tenantId, i));
  await mapWithConcurrency(all, 16, (org) => saveOrganization(tenantId, org, undefined));
  return all;
}

/** Items DynamoDB returned to this process since the last reset (every Query, GetItem and BatchGetItem). */
let itemsRead = 0;
const COUNTER = 'count-items-read';
function countItemsRead() {
  itemsRead = 0;
  observeCalls(COUNTER, (_, output) => {
    itemsRead += (output.Items?.length ?? 0) + (output.Item ? 1 : 0) + Object.values(output.Responses ?? {}).flat().length;
  });
}
afterEach(() => stopObserving(COUNTER));

describe('sorted listings', () => {
  it('pages every order, ascending and descending, exactly as sorting every organization would', async () => {
    const all = await createTenant('pages', 160);
    for (const order of ['label', 'name', 'createdAt', 'intId'] as const) {
      for (const descending of [false, true]) {
        const expected = [...all].sort(listingOrder(order, descending)).map((o) => o.id);
        expect(await listingPage('pages', order, descending, 0, Infinity)).toEqual(expected);
        for (const [offset, limit] of [
          [0, 1],
          [7, 10],
          [100, 100],
          [155, 10],
          [160, 5],
        ] as const) {
          expect(await listingPage('pages', order, descending, offset, limit)).toEqual(expected.slice(offset, offset + limit));
        }
      }
    }
    expect(await countOrganizations('pages')).toBe(160);
  });

  it('keeps the count, the listings and the tree in step with renames, moves and deletes', async () => {
    const [root, child, other] = await createTenant('steps', 3);
    const moved = { ...child!, parentId: root!.id, name: 'Renamed child', version: 2 };
    await saveOrganization('steps', moved, child);
    expect(await childIds('steps', root!.id)).toEqual([child!.id]);
    expect((await treeEntries('steps')).find((e) => e.id === child!.id)).toEqual({
      id: child!.id,
      intId: child!.intId,
      name: 'Renamed child',
      parentId: root!.id,
    });
    expect(await idsByIndexedValue('steps', 'name', 'Renamed child')).toEqual([child!.id]);
    expect(await idsByIndexedValue('steps', 'name', child!.name)).toEqual([]);
    await deleteOrganization('steps', other!, { accessLists: [], mappings: [], clicks: [], rewrites: [] });
    expect(await countOrganizations('steps')).toBe(2);
    expect(await listingPage('steps', 'name', false, 0, Infinity)).toEqual([root!, moved].sort(listingOrder('name')).map((o) => o.id));
  });

  it('reads a first page in proportion to the page, not to the tenant', async () => {
    await createTenant('small', 20);
    await createTenant('large', 400);
    const readsFor = async (tenantId: string) => {
      countItemsRead();
      const { page } = await findOrganizations(tenantId, { sortBy: 'name' }, 0, 5);
      stopObserving(COUNTER);
      expect(page).toHaveLength(5);
      return itemsRead;
    };
    const small = await readsFor('small');
    const large = await readsFor('large');
    // Each of the 16 shards reads one page of ceil(5 / 16 × 1.1) + 8 = 9 entries, plus the count and the 5 organizations.
    expect(large).toBeLessThanOrEqual(16 * 9 + 64 + 5);
    expect(large).toBeLessThan(400);
    expect(small).toBeLessThanOrEqual(large);
  });
});

describe('a scan (filters no index narrows)', () => {
  it('reads every listing entry and every organization once, in rounds of a page per shard', async () => {
    const all = await createTenant('scan', 300);
    countItemsRead();
    const pages: string[][] = [];
    for await (const ids of allIdPages('scan', 7)) pages.push(ids);
    expect(pages.flat().sort()).toEqual(all.map((o) => o.id).sort());
    expect(itemsRead).toBe(300);
    // About 19 entries per shard: three rounds of 7 (the last ones shorter).
    expect(pages.length).toBeGreaterThanOrEqual(3);

    itemsRead = 0;
    const keep = (org: Organization) => foldText(org.name).includes('zo');
    const kept = await scanListing('scan', keep, 7);
    expect(kept.map((o) => o.id).sort()).toEqual(
      all
        .filter(keep)
        .map((o) => o.id)
        .sort(),
    );
    expect(kept.length).toBeGreaterThan(0);
    // Each entry and each organization once (an offset-paged scan read the first pages again and again).
    expect(itemsRead).toBe(600);
  });

  it('answers a search shorter than a trigram as a read of every organization would', async () => {
    const all = await createTenant('short', 120);
    const matching = all.filter((o) => [o.label, o.name, o.description].some((text) => foldText(text).includes('zo')));
    const { count, page } = await findOrganizations('short', { search: 'Zo', sortBy: 'name' }, 2, 5);
    expect(count).toBe(matching.length);
    expect(page.map((o) => o.id)).toEqual(
      [...matching]
        .sort(listingOrder('name'))
        .slice(2, 7)
        .map((o) => o.id),
    );
  });
});

describe('member search by an indexed filter', () => {
  it('reads the entries and members of its page, not every match, at any offset', async () => {
    // 300 members of sector 10; every third is of type "Partenaire" too.
    const all = Array.from({ length: 300 }, (_, i) => {
      const base = organization('sector', i);
      return {
        ...base,
        member: {
          ...emptyMemberData(),
          secteur: { id: 10, nom: 'Sport', description: null },
          type: i % 3 === 0 ? { id: 3, nom: 'Partenaire' } : { id: 1, nom: 'Office' },
        },
      };
    });
    await putTenant({ id: 'sector', name: 'Sector' });
    await mapWithConcurrency(all, 16, (org) => saveOrganization('sector', org, undefined));
    const byIntId = [...all].sort((a, b) => a.intId - b.intId);
    const readsFor = async (filter: Parameters<typeof searchMembers>[1], first: number, count: number, expected: Organization[]) => {
      countItemsRead();
      const page = await searchMembers('sector', filter, first, count);
      stopObserving(COUNTER);
      expect(page.map((o) => o.id)).toEqual(expected.slice(first, first + count).map((o) => o.id));
      return itemsRead;
    };
    // A sector is spread over INDEX_SHARDS partitions: each reads its share of the first page and 8 more entries
    // (and the tenant's mark is read once).
    const firstRead = (first: number) => INDEX_SHARDS * (Math.ceil((first / INDEX_SHARDS) * 1.1) + 8) + 1;
    // The filter alone: `count` entries and members; at an offset, the skipped entries only (no member).
    expect(await readsFor({ idSecteur: 10 }, 0, 5, byIntId)).toBeLessThanOrEqual(firstRead(5) + 5);
    expect(await readsFor({ idSecteur: 10 }, 200, 5, byIntId)).toBeLessThanOrEqual(firstRead(205) + 5);
    // Another filter refusing two of three: the members checked up to the page's last one (the `checked`
    // first by integer id), their entries merged in pages of 5, 20 and 80, each shard's read in pages of its
    // share of the first and 8 more (10), then 4 times larger (40); not all 300 entries and members.
    const partners = byIntId.filter((o) => o.member.type?.nom === 'Partenaire');
    const checked = byIntId.indexOf(partners[4]!) + 1;
    expect(checked).toBeLessThanOrEqual(105);
    expect(await readsFor({ idSecteur: 10, types: ['Partenaire'] }, 0, 5, partners)).toBeLessThanOrEqual(
      INDEX_SHARDS * (10 + 40) + checked,
    );
    // Several types alone: their entries merged by integer id up to the page, each partition read in pages of its
    // share and more, then only the page's members: not the entries and members of their whole union (600 and 200).
    expect(await readsFor({ types: ['Office', 'Partenaire'] }, 100, 5, byIntId)).toBeLessThanOrEqual(300 + 5);
    expect(await readsFor({ types: ['Partenaire', 'Nobody', 'Partenaire'] }, 10, 5, partners)).toBeLessThanOrEqual(100 + 5);
    expect(await readsFor({ types: ['Office', 'Partenaire'] }, 0, Infinity, byIntId)).toBeLessThanOrEqual(2 * 300);
  });
});

describe('batched creation (the seed import)', () => {
  it('creates many at once, parents and children together, and refuses only the organization whose label is taken', async () => {
    const tenantId = 'batched';
    await saveOrganization(tenantId, { ...organization(tenantId, 999), label: 'taken' }, undefined);
    const parent = organization(tenantId, 1);
    const batch = [
      parent,
      ...Array.from({ length: 30 }, (_, i) => organization(tenantId, i + 2, parent.id)),
      { ...organization(tenantId, 40), label: 'taken' },
    ];
    const refusals = await saveNewOrganizations(tenantId, batch, await beginImportRun(tenantId, 'batch'));
    expect(refusals.map((r) => r.id)).toEqual([batch.at(-1)!.id]);
    expect(refusals[0]!.error).toMatchObject({ kind: 'conflict', options: { detail: { field: 'label' } } });
    expect(await countOrganizations(tenantId)).toBe(32);
    expect((await childIds(tenantId, parent.id)).sort()).toEqual(
      batch
        .slice(1, 31)
        .map((o) => o.id)
        .sort(),
    );
    // The parent's child count came with the batch: a delete is refused while its children exist.
    await expect(deleteOrganization(tenantId, parent, { accessLists: [], mappings: [], clicks: [], rewrites: [] })).rejects.toMatchObject({
      kind: 'conflict',
    });
    expect((await findOrganizations(tenantId, { search: batch[5]!.name }, 0, 100)).page.map((o) => o.id)).toContain(batch[5]!.id);
  });
});

describe('substring search postings', () => {
  it('finds folded substrings of names, labels and descriptions, and forgets renamed-away text', async () => {
    await createTenant('search', 60);
    const query = async (search: string) => (await findOrganizations('search', { search }, 0, 1000)).page.map((o) => o.id).sort();
    const all = Array.from({ length: 60 }, (_, i) => organization('search', i));
    const expected = (needle: string) =>
      all
        .filter((o) => [o.name, o.label, o.description].some((text) => foldText(text).includes(foldText(needle))))
        .map((o) => o.id)
        .sort();
    for (const needle of ['ELECTRI', 'musée', 'bibliothe', 'zoo 3', 'org-3', 'ça v', 'nothing at all']) {
      expect(await query(needle)).toEqual(expected(needle));
    }
    const target = (await getOrganization('search', all[2]!.id))!;
    await changeOrganization('search', { id: target.id }, (current) => ({ ...current, name: 'Quokka Sanctuary' }));
    expect(await query('quokka')).toEqual([target.id]);
    expect((await query(target.name)).includes(target.id)).toBe(false);
    // The old name's trigrams no longer post the organization.
    const stale = trigrams(foldText(target.name)).filter((gram) => !trigrams('quokka sanctuary').includes(gram));
    for (const gram of stale) {
      const { Items } = await db().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'PK = :pk AND SK = :sk',
          ExpressionAttributeValues: { ':pk': keys.gramPartition('search', 'name', gram), ':sk': target.id },
        }),
      );
      expect(Items).toEqual([]);
    }
  });

  it('a refused write changes nothing; a writer dying after posting, or racing ones, never make a match missed', async () => {
    const [org] = await createTenant('lost', 1);
    // A refused write takes its postings back: the table is as it was.
    const before = await snapshotTable();
    await expect(saveOrganization('lost', { ...org!, name: 'Wombat', version: 6 }, { ...org!, version: 5 })).rejects.toMatchObject({
      kind: 'conflict',
    });
    expect(await snapshotTable()).toEqual(before);
    // A writer that dies between posting and writing leaves postings of a name that is not stored: checked away.
    await postNewGrams('lost', { ...org!, name: 'Wombat', version: 2 }, org);
    expect(await searchCandidates('lost', 'name', 'wombat')).toEqual([org!.id]);
    expect((await findOrganizations('lost', { search: 'wombat' }, 0, 10)).count).toBe(0);
    // Racing renames: whichever wins, its every trigram posts the organization.
    const names = Array.from({ length: 8 }, (_, i) => `Racer number ${i} ${'xyzw'[i % 4]}`);
    await Promise.all(names.map((name) => changeOrganization('lost', { id: org!.id }, (current) => ({ ...current, name }))));
    const final = (await getOrganization('lost', org!.id))!;
    for (const posting of postingsOf(final).values()) {
      expect(await searchCandidates('lost', posting.family === 'name' ? 'name' : 'name-label-description', posting.gram)).toContain(
        org!.id,
      );
    }
    expect((await searchMembers('lost', { nom: final.name.slice(3, 12) })).map((o) => o.id)).toEqual([org!.id]);
  });
});

describe('migration from the single-partition layout', () => {
  it('moves legacy organizations while they stay reachable, and is idempotent', async () => {
    const tenantId = 'legacy';
    await putTenant({ id: tenantId, name: 'Legacy' });
    const parent = { ...organization(tenantId, 1), label: 'old-parent', name: 'Old Parent' };
    const child = {
      ...organization(tenantId, 2, parent.id),
      label: 'old-child',
      name: 'Old Child',
      member: { ...emptyMemberData(), sponsorIntId: parent.intId },
    };
    const put = (Item: Record<string, unknown>) => db().send(new PutCommand({ TableName: tableName(), Item }));
    const pk = tenantPk(tenantId);
    await put({ PK: pk, SK: `ORG#${parent.id}`, entity: 'ORG', ...parent, childCount: 1 });
    await put({ PK: pk, SK: `ORG#${child.id}`, entity: 'ORG', ...child });
    for (const o of [parent, child]) {
      await put({ PK: pk, SK: `LABEL#${o.label}`, entity: 'GUARD', orgId: o.id });
      await put({ PK: pk, SK: `INTID#${o.intId}`, entity: 'GUARD', orgId: o.id });
    }
    await put({ PK: pk, SK: `MIDX#parrain#${parent.intId}#${child.id}`, entity: 'MIDX', orgId: child.id });

    // Reachable by label before the command runs: the lookup migrates it (and its parent) on the way.
    expect(await resolveOrganizationId(tenantId, { label: 'old-child' })).toBe(child.id);
    expect((await getOrganization(tenantId, child.id))?.name).toBe('Old Child');

    const first = await migrateDataModel();
    expect(first).toMatchObject({ leftovers: 5 });
    expect(await countOrganizations(tenantId)).toBe(2);
    expect(await childIds(tenantId, parent.id)).toEqual([child.id]);
    expect(await idsByIndexedValue(tenantId, 'parrain', parent.intId)).toEqual([child.id]);
    expect((await findOrganizations(tenantId, { search: 'old par' }, 0, 10)).page.map((o) => o.id)).toEqual([parent.id]);
    const { Items } = await db().send(
      new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk } }),
    );
    expect(Items!.map((item) => item.SK)).toEqual(['TENANT']);
    expect(await migrateDataModel()).toMatchObject({ organizations: 0, leftovers: 0 });
  });
});
