/**
 * The search postings carry sort keys and verdicts (shared/db/search-index.ts) on DynamoDB Local: the three
 * substring searches count, sort and page from them and read only the page's organizations, and a rename,
 * a description change or a delete is reflected at once; postings written before they carried anything
 * still answer right, and the admin backfill makes them carry it.
 */
import { paginateScan, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import { db, tableName } from '#shared/db/client.ts';
import { beginImportRun, finishImportRun, importRunsState } from '#shared/db/import-runs.ts';
import * as keys from '#shared/db/keys.ts';
import { deleteOrganization, getOrganization, saveNewOrganizations, saveOrganization } from '#shared/db/organizations.ts';
import { batchWrite } from '#shared/db/query.ts';
import { backfillSearchPostings, importedPostings, postingsOf, postNewGrams, searchPostings } from '#shared/db/search-index.ts';
import { searchOrganizations } from '#shared/domain/engagement.ts';
import { searchMembers } from '#shared/domain/members.ts';
import { newOrganization, type Organization } from '#shared/domain/organization.ts';
import { changeOrganization } from '#shared/domain/organization-writes.ts';
import { findOrganizations, listingOrder, type SortKey } from '#shared/domain/organizations.ts';
import { containsFolded, foldText, searchGrams } from '#shared/text.ts';
import { observeCalls, stopObserving } from '#test/support/db-calls.ts';
import { createTable } from '#test/support/table.ts';

beforeAll(createTable);
vi.setConfig({ testTimeout: 180_000 });

const WORDS = ['Sport', 'Musée', 'Électricité', 'Jeunesse'];

function organization(tenantId: string, i: number): Organization {
  return {
    ...newOrganization({
      id: `${tenantId.slice(0, 4).padEnd(4, 'x')}${String(i).padStart(16, '0')}`,
      intId: 5000 - i * 7,
      label: `org-${i}`,
    }),
    name: `${WORDS[i % WORDS.length]} club ${i % 9}`,
    description: i % 5 === 0 ? `Une association de randonnée numéro ${i}` : '',
    createdAt: new Date(Date.UTC(2024, 0, 1) + ((i * 7919) % 1000) * 60_000).toISOString(),
  };
}

async function createTenant(tenantId: string, count: number): Promise<Organization[]> {
  const all = Array.from({ length: count }, (_, i) => organization(tenantId, i));
  await mapWithConcurrency(all, 16, (org) => saveOrganization(tenantId, org, undefined));
  return all;
}

const trigramsOf = (text: string) => searchGrams(foldText(text)).length;

/** Organizations read by BatchGetItem / GetItem since the last reset. */
let organizationsRead = 0;
const COUNTER = 'count-organizations-read';
function countOrganizationsRead() {
  organizationsRead = 0;
  observeCalls(COUNTER, (_, output) => (organizationsRead += (output.Item ? 1 : 0) + Object.values(output.Responses ?? {}).flat().length));
}
afterEach(() => stopObserving(COUNTER));

/** Every organization of a tenant, as a read of each would give. */
async function stored(tenantId: string, ids: string[]): Promise<Organization[]> {
  return (await Promise.all(ids.map((id) => getOrganization(tenantId, id)))).filter((o): o is Organization => o !== undefined);
}

/** What each dialect's search answers, and what reading every organization says it should. */
async function expectExact(tenantId: string, ids: string[], needle: string) {
  const all = await stored(tenantId, ids);
  const byName = all.filter((o) => containsFolded(o.name, needle));
  const netux = all.filter((o) => [o.label, o.name, o.description].some((text) => containsFolded(text, needle)));
  for (const [sortBy, descending] of [
    ['createdAt', false],
    ['label', true],
    ['name', false],
  ] as [SortKey, boolean][]) {
    const expected = [...netux].sort(listingOrder(sortBy, descending));
    const answer = await findOrganizations(tenantId, { search: needle, sortBy, descending }, 1, 3);
    expect(answer.count, `Netux ${needle} ${sortBy}`).toBe(expected.length);
    expect(answer.page.map((o) => o.id)).toEqual(expected.slice(1, 4).map((o) => o.id));
  }
  const engagement = await searchOrganizations(tenantId, { q: needle, skip: 0, limit: 5 });
  const byNameOrder = [...byName].sort(listingOrder('name'));
  expect(engagement.total, `Engagement ${needle}`).toBe(byName.length);
  expect(engagement.page.map((o) => o.id)).toEqual(byNameOrder.slice(0, 5).map((o) => o.id));
  const apidae = await searchMembers(tenantId, { nom: needle }, 2, 4);
  expect(apidae.map((o) => o.id)).toEqual(
    [...byName]
      .sort((a, b) => a.intId - b.intId)
      .slice(2, 6)
      .map((o) => o.id),
  );
  return { byName: byName.length, netux: netux.length };
}

describe('search from the postings', () => {
  it('counts, sorts and pages from the postings, reading only the page', async () => {
    const all = await createTenant('pages', 120);
    const ids = all.map((o) => o.id);
    expect((await expectExact('pages', ids, 'sport')).byName).toBe(30);
    countOrganizationsRead();
    const engagement = await searchOrganizations('pages', { q: 'SPORT', skip: 0, limit: 5 });
    expect(engagement.total).toBe(30);
    expect(organizationsRead).toBe(5);
    countOrganizationsRead();
    expect((await findOrganizations('pages', { search: 'sport', sortBy: 'label' }, 0, 2)).count).toBe(30);
    expect(organizationsRead).toBe(2);
    countOrganizationsRead();
    expect(await searchMembers('pages', { nom: 'électri' }, 0, 3)).toHaveLength(3);
    expect(organizationsRead).toBe(3);
    // A needle found only in descriptions: those candidates (only) are read to be checked.
    countOrganizationsRead();
    expect((await findOrganizations('pages', { search: 'randonnée' }, 0, 100)).count).toBe(24);
    expect(organizationsRead).toBe(24);
  });

  it('a rare trigram ends the search: the common trigrams are read no further than a small first page', async () => {
    // 300 names share `spo`, `por`, `ort`; one alone has ` zq`: the needle `sport zq` matches it only.
    const common = Array.from({ length: 300 }, (_, i) => ({ ...organization('rare', i), name: `Sport club ${i}` }));
    const rare = { ...organization('rare', 300), name: 'Sport zq' };
    await mapWithConcurrency([...common, rare], 16, (org) => saveOrganization('rare', org, undefined));
    let postingsRead = 0;
    const counter = 'count-postings-read';
    observeCalls(counter, (input, output) => {
      if (String(input.ExpressionAttributeValues?.[':pk'] ?? '').includes('#G#')) postingsRead += output.Items?.length ?? 0;
    });
    try {
      const answer = await findOrganizations('rare', { search: 'sport zq' }, 0, 10);
      expect(answer.page.map((o) => o.id)).toEqual([rare.id]);
      // 6 trigrams in 2 families: one page of at most 24 postings each, not the 300 of a common trigram.
      expect(postingsRead).toBeGreaterThan(0);
      expect(postingsRead).toBeLessThanOrEqual(2 * 6 * 24);
    } finally {
      stopObserving(counter);
    }
  });

  it('reflects a rename, a description change and a delete at once, in pages and counts', async () => {
    const all = await createTenant('moves', 40);
    const ids = all.map((o) => o.id);
    const before = await expectExact('moves', ids, 'sport');
    // Rename a Sport into a Musée and a Musée into a Sport, then check every dialect at once.
    await changeOrganization('moves', { id: all[0]!.id }, (current) => ({ ...current, name: 'Musée des sports ZZ' }));
    await changeOrganization('moves', { id: all[1]!.id }, (current) => ({ ...current, name: 'Aaa Sport club' }));
    await changeOrganization('moves', { id: all[4]!.id }, (current) => ({ ...current, name: 'Quokka' }));
    const after = await expectExact('moves', ids, 'sport');
    expect(after.byName).toBe(before.byName); // +1 renamed in, −1 renamed out, the first still a sport
    expect((await expectExact('moves', ids, 'quokka')).byName).toBe(1);
    expect((await expectExact('moves', ids, 'musée des')).byName).toBe(1);
    // A label change moves the label's postings; a description change, the description's.
    await changeOrganization('moves', { id: all[2]!.id }, (current) => ({ ...current, label: 'sportive-label' }));
    await changeOrganization('moves', { id: all[3]!.id }, (current) => ({ ...current, description: 'Sportifs de haut niveau' }));
    await changeOrganization('moves', { id: all[5]!.id }, (current) => ({ ...current, description: 'plus rien' }));
    const changed = await expectExact('moves', ids, 'sporti');
    expect(changed.netux).toBe(2);
    expect((await expectExact('moves', ids, 'randonnée')).netux).toBe(7);
    // A delete: gone from every answer and count at once.
    const victim = (await getOrganization('moves', all[1]!.id))!;
    await deleteOrganization('moves', victim, { accessLists: [], mappings: [], clicks: [], rewrites: [] });
    const deleted = await expectExact('moves', ids, 'sport');
    expect(deleted.byName).toBe(after.byName - 1);
    expect((await searchOrganizations('moves', { q: 'aaa sport', skip: 0, limit: 5 })).total).toBe(0);
  });

  it("a description's new postings ride in its transaction; a posting write meeting another writer's transaction is sent again; a failure after the commit does not fail the write", async () => {
    const [org] = await createTenant('tidy', 1);
    const id = org!.id;
    const gramKeys = (input: Record<string, unknown>) =>
      String((input.Key ?? input.Item) && ((input.Key ?? input.Item) as { PK: string }).PK);
    // The new postings go in the organization's transaction: no posting is written ahead of it.
    const sent: { command: string; pk?: string; transactItems?: number }[] = [];
    observeCalls('tidy', (input) =>
      sent.push({
        command: input.TransactItems ? 'transact' : input.Item ? 'put' : input.Key && !input.ConsistentRead ? 'delete' : 'other',
        pk: gramKeys(input),
        transactItems: (input.TransactItems as unknown[] | undefined)?.length,
      }),
    );
    await changeOrganization('tidy', { id }, (current) => ({ ...current, description: 'alpha bravo' }));
    stopObserving('tidy');
    expect(sent.filter((call) => call.command === 'put' && call.pk?.includes('#G#'))).toEqual([]);
    expect(sent.find((call) => call.command === 'transact')!.transactItems).toBeGreaterThan(1 + trigramsOf('alpha bravo'));

    // The old postings' deletes meet another writer's transaction (TransactionConflictException, which the SDK does
    // not retry) the first time each is sent: they are sent again, and the old text is no longer posted.
    const conflicted = new Set<string>();
    const FAULT = 'tidy-fault';
    let failEveryTime = false;
    db().middlewareStack.add(
      (next, context) => async (args) => {
        const key = (args.input as { Key?: { PK: string; SK: string } }).Key;
        if (/^Delete/.test(context.commandName ?? '') && key?.PK.includes('#G#') && (failEveryTime || !conflicted.has(key.PK))) {
          conflicted.add(key.PK);
          throw Object.assign(new Error('Transaction is ongoing for the item'), { name: 'TransactionConflictException', $metadata: {} });
        }
        return next(args);
      },
      { step: 'initialize', name: FAULT },
    );
    try {
      await changeOrganization('tidy', { id }, (current) => ({ ...current, description: 'charlie delta' }));
      expect(conflicted.size).toBeGreaterThan(0);
      expect(await searchPostings('tidy', 'name-label-description', 'alpha')).toEqual([]);
      // Every delete fails: the committed write still stands and answers; what is left is an extra posting the
      // reader checks against the organization.
      failEveryTime = true;
      const stored = await changeOrganization('tidy', { id }, (current) => ({ ...current, description: 'echo foxtrot' }));
      expect(stored.description).toBe('echo foxtrot');
    } finally {
      db().middlewareStack.remove(FAULT);
    }
    expect((await getOrganization('tidy', id))!.description).toBe('echo foxtrot');
    // The leftover posting is untrusted: a candidate to check, never a match by itself.
    expect((await searchPostings('tidy', 'name-label-description', 'charlie'))?.map((c) => [c.id, c.matches])).toEqual([[id, undefined]]);
    expect((await findOrganizations('tidy', { search: 'charlie' }, 0, 5)).count).toBe(0);
    expect((await findOrganizations('tidy', { search: 'foxtrot' }, 0, 5)).count).toBe(1);
  });

  it('a name too long for the transaction keeps its postings around it, trusted once committed', async () => {
    const [org] = await createTenant('long', 1);
    const long = `Sport ${'abcdefghij'.repeat(12)} fin`;
    await changeOrganization('long', { id: org!.id }, (current) => ({ ...current, name: long }));
    const found = await searchPostings('long', 'name', 'sport abc');
    expect(found).toEqual([{ id: org!.id, matches: true, sortKeys: expect.objectContaining({ name: long }) }]);
    await changeOrganization('long', { id: org!.id }, (current) => ({ ...current, name: `Musée ${'klmnopqrst'.repeat(12)}` }));
    expect(await searchPostings('long', 'name', 'sport abc')).toEqual([]);
    expect((await searchOrganizations('long', { q: 'sport', skip: 0, limit: 5 })).total).toBe(0);
    expect((await searchOrganizations('long', { q: 'musée klm', skip: 0, limit: 5 })).total).toBe(1);
    const created = { ...organization('long', 2), name: `Électricité ${'uvwxyz'.repeat(20)}` };
    const run = await beginImportRun('long', 'long records');
    expect(await saveNewOrganizations('long', [created], run)).toEqual([]);
    await finishImportRun('long', run, 'long records');
    expect((await searchPostings('long', 'name', 'electricite uvw'))?.map((c) => c.matches)).toEqual([true]);
  });

  it('a writer that stopped after making postings untrusted, or a rival, never makes an answer wrong', async () => {
    const [org] = await createTenant('doubt', 1);
    // Postings of a rename that never committed: untrusted, so the organization decides.
    await postNewGrams('doubt', { ...org!, name: 'Wombat sport', version: org!.version + 1 }, org);
    expect((await searchPostings('doubt', 'name', 'wombat'))?.map((c) => c.matches)).toEqual([undefined]);
    expect((await searchOrganizations('doubt', { q: 'wombat', skip: 0, limit: 5 })).total).toBe(0);
    expect((await searchOrganizations('doubt', { q: org!.name, skip: 0, limit: 5 })).total).toBe(1);
    // Racing renames: whichever wins, every posting says what it says.
    const names = Array.from({ length: 6 }, (_, i) => `Racer ${i} sport ${'xyzw'[i % 4]}`);
    await Promise.all(names.map((name) => changeOrganization('doubt', { id: org!.id }, (current) => ({ ...current, name }))));
    const final = (await getOrganization('doubt', org!.id))!;
    for (const needle of ['racer', 'sport', final.name.slice(2, 10)]) {
      expect((await searchOrganizations('doubt', { q: needle, skip: 0, limit: 5 })).page.map((o) => o.name)).toEqual([final.name]);
    }
    for (const other of names.filter((name) => name !== final.name)) {
      expect((await searchOrganizations('doubt', { q: other, skip: 0, limit: 5 })).total).toBe(0);
    }
  });
});

/** Every posting item of one organization in a tenant (a Scan: test only). */
async function postingItemsOf(tenantId: string, id: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan(
    { client: db() },
    {
      TableName: tableName(),
      FilterExpression: 'begins_with(PK, :pk) AND SK = :id',
      ExpressionAttributeValues: { ':pk': `T#${tenantId}#G#`, ':id': id },
    },
  ))
    items.push(...(page.Items ?? []));
  return items;
}

/** What the name postings say of each organization that may hold the needle (true: it does; undefined: read it). */
const verdicts = async (tenantId: string, needle: string) =>
  Object.fromEntries((await searchPostings(tenantId, 'name', needle))!.map((c) => [c.id, c.matches]));

describe('postings of an import run (batched before the transactions, marked with the run)', () => {
  it('are checked against the organizations until the run finishes, then trusted; a refused organization takes its own back', async () => {
    const tenantId = 'run';
    await saveOrganization(tenantId, { ...organization(tenantId, 99), name: 'Imported sport taken', label: 'taken' }, undefined);
    const run = await beginImportRun(tenantId, 'records');
    const fresh = [1, 2, 3].map((i) => ({ ...organization(tenantId, i), name: `Imported sport ${i}` }));
    const refused = { ...organization(tenantId, 4), name: 'Imported sport refused', label: 'taken' };
    expect(await saveNewOrganizations(tenantId, fresh, run)).toEqual([]);
    // A refused group is saved one organization at a time (postings in each transaction): the refused one takes its postings back.
    expect((await saveNewOrganizations(tenantId, [refused], run)).map((r) => r.id)).toEqual([refused.id]);
    expect(await postingItemsOf(tenantId, refused.id)).toEqual([]);
    expect((await postingItemsOf(tenantId, fresh[0]!.id)).filter((item) => item.f === run).length).toBeGreaterThan(10);
    // Run not finished: the postings say what the organizations would, but the organizations decide.
    const taken = organization(tenantId, 99).id;
    const [a, b, c] = fresh.map((o) => o.id);
    expect(await verdicts(tenantId, 'imported sport')).toEqual({ [taken]: true, [a!]: undefined, [b!]: undefined, [c!]: undefined });
    const during = await searchOrganizations(tenantId, { q: 'imported sport', skip: 0, limit: 10 });
    expect(during.total).toBe(4);
    await finishImportRun(tenantId, run, 'records');
    expect(await verdicts(tenantId, 'imported sport')).toEqual({ [taken]: true, [a!]: true, [b!]: true, [c!]: true });
    expect(await searchOrganizations(tenantId, { q: 'imported sport', skip: 0, limit: 10 })).toEqual(during);
  });

  it('of a run killed before its transaction are never trusted, until a run of the same records finishes', async () => {
    const tenantId = 'killedrun';
    const phantom = { ...organization(tenantId, 1), name: 'Phantom sport' };
    const committed = { ...organization(tenantId, 2), name: 'Committed sport' };
    const killed = await beginImportRun(tenantId, 'same records');
    // The run committed one organization, then died between the other's batched postings and its transaction.
    expect(await saveNewOrganizations(tenantId, [committed], killed)).toEqual([]);
    await batchWrite(importedPostings(tenantId, phantom, killed).items.map((Item) => ({ PutRequest: { Item } })));
    expect(await verdicts(tenantId, 'sport')).toEqual({ [phantom.id]: undefined, [committed.id]: undefined });
    expect((await searchOrganizations(tenantId, { q: 'phantom', skip: 0, limit: 5 })).total).toBe(0);
    expect((await searchOrganizations(tenantId, { q: 'sport', skip: 0, limit: 5 })).page.map((o) => o.id)).toEqual([committed.id]);
    // The admin backfill vouches for the committed organization's postings, not the phantom's.
    expect(await backfillSearchPostings()).toBeGreaterThan(10);
    expect(await verdicts(tenantId, 'sport')).toEqual({ [phantom.id]: undefined, [committed.id]: true });
    // A run of other records that finishes does not vouch for it.
    const other = await beginImportRun(tenantId, 'other records');
    await finishImportRun(tenantId, other, 'other records');
    expect(await verdicts(tenantId, 'phantom')).toEqual({ [phantom.id]: undefined });
    expect((await importRunsState(tenantId)).unfinished).toEqual(new Set([killed]));
    // The same records again: the organization is committed, and both runs are finished.
    const rerun = await beginImportRun(tenantId, 'same records');
    expect(rerun).toBe(killed + 2);
    expect(await saveNewOrganizations(tenantId, [phantom], rerun)).toEqual([]);
    await finishImportRun(tenantId, rerun, 'same records');
    expect((await importRunsState(tenantId)).unfinished).toEqual(new Set());
    expect(await verdicts(tenantId, 'phantom')).toEqual({ [phantom.id]: true });
    expect((await searchOrganizations(tenantId, { q: 'phantom', skip: 0, limit: 5 })).page.map((o) => o.id)).toEqual([phantom.id]);
  });
});

describe('postings written before they carried sort keys', () => {
  it('still answer exactly (the organizations decide), and the backfill makes them carry them, idempotently', async () => {
    const all = await createTenant('legacy', 30);
    const ids = all.map((o) => o.id);
    const expected = await expectExact('legacy', ids, 'sport');
    // Rewrite every posting of the tenant the way it was stored before: `v` only.
    const Items: Record<string, unknown>[] = [];
    for await (const page of paginateScan(
      { client: db() },
      { TableName: tableName(), FilterExpression: 'begins_with(PK, :pk)', ExpressionAttributeValues: { ':pk': 'T#legacy#G#' } },
    ))
      Items.push(...(page.Items ?? []));
    expect(Items.some((item) => typeof item.n === 'string')).toBe(true);
    await mapWithConcurrency(Items, 16, ({ PK, SK, entity, v }) =>
      db().send(new PutCommand({ TableName: tableName(), Item: { PK, SK, entity, v } })),
    );
    expect((await searchPostings('legacy', 'name', 'sport'))!.every((c) => c.matches === undefined)).toBe(true);
    expect(await expectExact('legacy', ids, 'sport')).toEqual(expected);
    // A legacy posting of a rename: the rename rewrites the postings it changes and the answer follows.
    await changeOrganization('legacy', { id: all[0]!.id }, (current) => ({ ...current, name: 'Sport renommé' }));
    await expectExact('legacy', ids, 'sport');

    const written = await backfillSearchPostings();
    expect(written).toBeGreaterThan(0);
    const sport = (await searchPostings('legacy', 'name', 'sport'))!;
    expect(sport.every((c) => c.matches === true && c.sortKeys !== undefined)).toBe(true);
    expect(await expectExact('legacy', ids, 'sport')).toEqual(expected);
    // Every posting now says what a fresh write would.
    for (const org of await stored('legacy', ids)) {
      for (const posting of postingsOf(org).values()) {
        const { Items: found } = await db().send(
          new QueryCommand({
            TableName: tableName(),
            KeyConditionExpression: 'PK = :pk AND SK = :sk',
            ExpressionAttributeValues: { ':pk': keys.gramPartition('legacy', posting.family, posting.gram), ':sk': org.id },
          }),
        );
        expect(found![0]?.n, `${posting.family} ${posting.gram}`).toBe(posting.facts ? org.name : undefined);
      }
    }
    expect(await backfillSearchPostings()).toBe(0);
  });
});
