/**
 * Needles of one or two characters on DynamoDB Local: served by the gram vocabulary (shared/db/gram-vocabulary.ts),
 * so they read the postings of the grams that contain them, never the tenant's listing; exact in every dialect,
 * at once after a write; a refused write leaves no vocabulary; a tenant written before the vocabulary is scanned
 * until `migrate listings` completes it.
 */
import { BatchWriteCommand, GetCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import { db, tableName } from '#shared/db/client.ts';
import { putTenant } from '#shared/db/directory.ts';
import { forgetKnownGrams, VOCABULARY_COMPLETE } from '#shared/db/gram-vocabulary.ts';
import * as keys from '#shared/db/keys.ts';
import { deleteOrganization, getOrganization, saveOrganization } from '#shared/db/organizations.ts';
import { backfillGramVocabulary, searchPostings } from '#shared/db/search-index.ts';
import { searchOrganizations } from '#shared/domain/engagement.ts';
import { searchMembers } from '#shared/domain/members.ts';
import { newOrganization, type Organization } from '#shared/domain/organization.ts';
import { findOrganizations, listingOrder } from '#shared/domain/organizations.ts';
import { containsFolded, foldText } from '#shared/text.ts';
import { observeCalls, stopObserving } from '#test/support/db-calls.ts';
import { createTable, snapshotTable } from '#test/support/table.ts';

beforeAll(createTable);
vi.setConfig({ testTimeout: 180_000 });

const NAMES = ['Sport club', 'Musée des sciences', 'Électricité', 'AB', 'Zé', 'Q', 'Jeunesse active'];

function organization(tenantId: string, i: number): Organization {
  return {
    ...newOrganization({ id: `${tenantId.slice(0, 4).padEnd(4, 'x')}${String(i).padStart(16, '0')}`, intId: 1000 + i, label: `l${i}` }),
    name: `${NAMES[i % NAMES.length]}${i % 3 === 0 ? '' : ` ${i}`}`,
    description: i % 4 === 0 ? `Rando numéro ${i}` : i % 4 === 1 ? 'bé' : '',
  };
}

async function createTenant(tenantId: string, count: number, { created = true } = {}): Promise<Organization[]> {
  if (created) await putTenant({ id: tenantId, name: tenantId });
  const all = Array.from({ length: count }, (_, i) => organization(tenantId, i));
  await mapWithConcurrency(all, 8, (org) => saveOrganization(tenantId, org, undefined));
  return all;
}

/** Items read from the listing shards, and from posting partitions, since the last reset. */
const reads = { listing: 0, postings: 0 };
const COUNTER = 'count-short-needle-reads';
function countReads() {
  Object.assign(reads, { listing: 0, postings: 0 });
  observeCalls(COUNTER, (input, output) => {
    const pk = String(input.ExpressionAttributeValues?.[':pk'] ?? '');
    const items = output.Items?.length ?? 0;
    if (pk.includes('#LIST#')) reads.listing += items;
    if (pk.includes('#G#')) reads.postings += items;
  });
}
afterEach(() => stopObserving(COUNTER));

/** Every dialect's answer for a needle equals what reading every organization gives. */
async function expectExact(tenantId: string, ids: string[], needle: string) {
  const all = (await Promise.all(ids.map((id) => getOrganization(tenantId, id)))).filter((o): o is Organization => o !== undefined);
  const byName = all.filter((o) => containsFolded(o.name, needle));
  const netux = all.filter((o) => [o.label, o.name, o.description].some((text) => containsFolded(text, needle)));
  const answer = await findOrganizations(tenantId, { search: needle, sortBy: 'name' }, 0, 1000);
  expect(answer.count, `Netux ${needle}`).toBe(netux.length);
  expect(answer.page.map((o) => o.id)).toEqual([...netux].sort(listingOrder('name')).map((o) => o.id));
  const engagement = await searchOrganizations(tenantId, { q: needle, skip: 0, limit: 1000 });
  expect(engagement.total, `Engagement ${needle}`).toBe(byName.length);
  expect(engagement.page.map((o) => o.id)).toEqual([...byName].sort(listingOrder('name')).map((o) => o.id));
  const apidae = await searchMembers(tenantId, { nom: needle }, 0, 1000);
  expect(apidae.map((o) => o.id)).toEqual([...byName].sort((a, b) => a.intId - b.intId).map((o) => o.id));
  return { byName: byName.length, netux: netux.length };
}

describe('needles of one or two characters', () => {
  it('are exact in every dialect and read the postings of their grams, never the listing', async () => {
    const all = await createTenant('short', 70);
    const ids = all.map((o) => o.id);
    for (const needle of ['sp', 'É', 'ab', 'b', 'q', 'zé', ' 1', '9', 'é']) {
      countReads();
      const found = await expectExact('short', ids, needle);
      expect(reads.listing, needle).toBe(0);
      expect(found.netux, needle).toBeGreaterThan(0);
    }
    // A pair no text holds reads nothing but the vocabulary.
    countReads();
    expect(await expectExact('short', ids, 'zq')).toEqual({ byName: 0, netux: 0 });
    expect(reads).toEqual({ listing: 0, postings: 0 });
    // `sp` begins 10 names (`Sport club…`), in no other text: the 10 postings of its one gram `spo`, not the tenant's 70.
    countReads();
    expect(await searchPostings('short', 'name', 'sp')).toHaveLength(10);
    expect(reads.postings).toBe(10);
    // Text no key may hold (a lone surrogate) is left to the scan.
    expect(await searchPostings('short', 'name', '\uD83D')).toBeUndefined();
  });

  it('follow a rename and a delete at once, and a refused write leaves the table as it was', async () => {
    const all = await createTenant('moves', 14);
    const ids = all.map((o) => o.id);
    const first = (await getOrganization('moves', all[1]!.id))!;
    await saveOrganization('moves', { ...first, name: 'Yx', version: first.version + 1 }, first);
    expect(await expectExact('moves', ids, 'yx')).toEqual({ byName: 1, netux: 1 });
    expect(await expectExact('moves', ids, 'x')).toEqual({ byName: 1, netux: 1 });
    await deleteOrganization('moves', (await getOrganization('moves', all[1]!.id))!, {
      accessLists: [],
      mappings: [],
      clicks: [],
      rewrites: [],
    });
    expect(await expectExact('moves', ids, 'yx')).toEqual({ byName: 0, netux: 0 });

    // A rename to grams the tenant never used, refused (the label is taken): not even their vocabulary stays.
    const before = await snapshotTable();
    const second = (await getOrganization('moves', all[2]!.id))!;
    await expect(
      saveOrganization('moves', { ...second, name: 'Wøkvj ŋħ', label: all[3]!.label, version: second.version + 1 }, second),
    ).rejects.toMatchObject({ kind: 'conflict' });
    expect(await snapshotTable()).toEqual(before);
  });

  it('of a tenant written before the vocabulary are scanned, until the migration completes it', async () => {
    const all = await createTenant('older', 35);
    // A name that folds to one character however long it is (diacritics, even ASCII ones, fold away).
    const marked = { ...organization('older', 35), name: `Q${'^'.repeat(40)}` };
    await saveOrganization('older', marked, undefined);
    all.push(marked);
    const ids = all.map((o) => o.id);
    // What an earlier version left: no vocabulary, no postings of whole short texts, no mark on the tenant.
    const stale: Record<string, unknown>[] = [];
    for await (const page of paginateScan(
      { client: db() },
      { TableName: tableName(), FilterExpression: 'begins_with(PK, :pk)', ExpressionAttributeValues: { ':pk': 'T#older#' } },
    ))
      stale.push(
        ...(page.Items ?? []).filter(
          (item) =>
            item.entity === keys.entity.gramWord ||
            (item.entity === keys.entity.gram && Array.from(keys.parseGramPartition(String(item.PK))!.gram).length < 3),
        ),
      );
    expect(stale.length).toBeGreaterThan(20);
    for (let i = 0; i < stale.length; i += 25) {
      const DeleteRequests = stale.slice(i, i + 25).map(({ PK, SK }) => ({ DeleteRequest: { Key: { PK, SK } } }));
      await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: DeleteRequests } }));
    }
    await db().send(
      new UpdateCommand({ TableName: tableName(), Key: keys.tenant('older'), UpdateExpression: `REMOVE ${VOCABULARY_COMPLETE}` }),
    );
    forgetKnownGrams(); // as a process of this version would find the table: it never saw those entries
    // A write there puts the vocabulary of every posting it puts, even one it takes for stored (`ab` of a relabelled `AB`).
    const ab = (await getOrganization('older', all[3]!.id))!;
    await saveOrganization('older', { ...ab, label: 'relabelled', version: ab.version + 1 }, ab);
    const { Item: word } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.gramWord('older', 'name', 0, 'ab') }));
    expect(word).toMatchObject({ g: 'ab' });
    const expected = await Promise.all(['ab', 'q', 'é'].map((needle) => expectExact('older', ids, needle)));
    expect(await searchPostings('older', 'name', 'ab')).toBeUndefined();

    const done = await backfillGramVocabulary();
    const current = await Promise.all(ids.map(async (id) => (await getOrganization('older', id))!));
    const shortTexts = current.flatMap((o) =>
      [o.name, o.label, o.description].filter((text) => text && Array.from(foldText(text)).length < 3),
    );
    // Every short text's posting, but the one the relabel put.
    expect(done.postings).toBe(shortTexts.length - 1);
    expect(done.tenants).toBeGreaterThanOrEqual(1);
    countReads();
    expect(await Promise.all(['ab', 'q', 'é'].map((needle) => expectExact('older', ids, needle)))).toEqual(expected);
    expect(reads.listing).toBe(0);
    expect(reads.postings).toBeGreaterThan(0);
    // Idempotent: a second run writes the same items.
    const after = await snapshotTable();
    await backfillGramVocabulary();
    expect(await snapshotTable()).toEqual(after);
  });

  it('of a tenant whose organizations came before its tenant item are scanned: it is not marked complete', async () => {
    const all = await createTenant('orphan', 7, { created: false });
    await putTenant({ id: 'orphan', name: 'Orphan' });
    expect(await searchPostings('orphan', 'name', 'ab')).toBeUndefined();
    expect(
      await expectExact(
        'orphan',
        all.map((o) => o.id),
        'ab',
      ),
    ).toEqual({ byName: 1, netux: 1 });
  });
});
