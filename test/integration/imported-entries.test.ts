/**
 * The listing, index and child entries a seed import writes ahead of its organizations' transactions
 * (shared/db/imported-entries.ts), on DynamoDB Local: while their run is unfinished every reader checks them
 * against the organizations, so an entry of an organization never committed (a refusal, a kill before the
 * transaction) is never answered; a refusal takes its own back; a finished run's entries are trusted
 * without a read of an organization; the admin settle step clears what a killed run left.
 */
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareStack } from '@smithy/types';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { db, tableName } from '#shared/db/client.ts';
import { beginImportRun, finishImportRun } from '#shared/db/import-runs.ts';
import { settleImportedEntries } from '#shared/db/imported-entries.ts';
import { childIds, idPagesByIndexedValues, idsByIndexedValue, listingPage } from '#shared/db/organization-listing.ts';
import { saveNewOrganizations, saveOrganization } from '#shared/db/organizations.ts';
import { newOrganization, type Organization } from '#shared/domain/organization.ts';
import { listingOrder } from '#shared/domain/organizations.ts';
import { createTable } from '#test/support/table.ts';

beforeAll(createTable);
vi.setConfig({ testTimeout: 120_000 });

afterEach(() => {
  db().middlewareStack.remove('countCommands');
  db().middlewareStack.remove('killTransactions');
});

function organization(tenantId: string, i: number, parentId: string | null, name: string): Organization {
  return {
    ...newOrganization({ id: `${tenantId.padEnd(6, 'x')}${String(i).padStart(14, '0')}`, intId: 100 + i, label: `org-${i}` }),
    name,
    parentId,
    properties: { rna: `W${i}` },
    createdAt: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(),
  };
}

/** The commands sent from now on, by name. */
function countCommands(): string[] {
  const sent: string[] = [];
  db().middlewareStack.remove('countCommands');
  (db().middlewareStack as MiddlewareStack<object, object>).add(
    (next, context) => (args) => {
      sent.push(context.commandName ?? '');
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return sent;
}

/** Every item of the tenant that names organization `id` (its entries, its postings, its own item). */
async function itemsNaming(tenantId: string, id: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan(
    { client: db() },
    {
      TableName: tableName(),
      FilterExpression: 'begins_with(PK, :pk)',
      ExpressionAttributeValues: { ':pk': `T#${tenantId}#` },
      ConsistentRead: true,
    },
  ))
    items.push(...(page.Items ?? []).filter((item) => item.orgId === id || item.SK === id || String(item.PK).endsWith(`#O#${id}`)));
  return items;
}

/** What every entry reader answers about `parent`'s children, by name, by rna and in name order. */
async function readers(tenantId: string, parent: Organization, names: string[]) {
  const pages: string[] = [];
  for await (const page of idPagesByIndexedValues(tenantId, 'rna', ['W3'], 1)) pages.push(...page);
  return {
    children: (await childIds(tenantId, parent.id)).sort(),
    byName: Object.fromEntries(await Promise.all(names.map(async (name) => [name, await idsByIndexedValue(tenantId, 'name', name)]))),
    rnaW3: pages,
    nameOrder: await listingPage(tenantId, 'name', false, 0, Infinity),
    nameOrderFrom1: await listingPage(tenantId, 'name', true, 1, 2),
  };
}

describe('entries an import writes ahead of its transactions', () => {
  it('are checked until the run finishes, then trusted without reading an organization; a refused organization takes its own back', async () => {
    const tenantId = 'ahead';
    const parent = organization(tenantId, 1, null, 'Parent');
    const holder = { ...organization(tenantId, 2, null, 'Holder'), label: 'taken' };
    await saveOrganization(tenantId, parent, undefined);
    await saveOrganization(tenantId, holder, undefined);
    const run = await beginImportRun(tenantId, 'records');
    const fresh = [3, 4, 5].map((i) => organization(tenantId, i, parent.id, `Child ${i}`));
    const refused = { ...organization(tenantId, 6, parent.id, 'Refused'), label: 'taken' };
    expect(await saveNewOrganizations(tenantId, fresh, run)).toEqual([]);
    expect((await saveNewOrganizations(tenantId, [refused], run)).map((r) => r.id)).toEqual([refused.id]);
    // The refused organization took back every entry and posting it wrote ahead; the others carry the run.
    expect(await itemsNaming(tenantId, refused.id)).toEqual([]);
    const written = await itemsNaming(tenantId, fresh[0]!.id);
    expect(new Set(written.filter((item) => item.f === run).map((item) => item.entity))).toEqual(
      new Set(['LIST', 'MIDX', 'CHILD', 'GRAM']),
    );

    const all = [parent, holder, ...fresh];
    const expected = {
      children: fresh.map((o) => o.id).sort(),
      byName: { 'Child 3': [fresh[0]!.id], Refused: [] },
      rnaW3: [fresh[0]!.id],
      nameOrder: [...all].sort(listingOrder('name')).map((o) => o.id),
      nameOrderFrom1: [...all]
        .sort(listingOrder('name'))
        .reverse()
        .slice(1, 3)
        .map((o) => o.id),
    };
    const during = countCommands();
    expect(await readers(tenantId, parent, ['Child 3', 'Refused'])).toEqual(expected);
    expect(during).toContain('BatchGetItemCommand');

    await finishImportRun(tenantId, run, 'records');
    await readers(tenantId, parent, ['Child 3']); // learns that the run finished
    const after = countCommands();
    expect(await readers(tenantId, parent, ['Child 3', 'Refused'])).toEqual(expected);
    expect(after.filter((name) => name !== 'QueryCommand')).toEqual([]);
  });

  it('of a run killed before its transaction are never answered; the settle step clears them; the same records again commit', async () => {
    const tenantId = 'killed';
    const parent = organization(tenantId, 1, null, 'Parent');
    await saveOrganization(tenantId, parent, undefined);
    const committed = organization(tenantId, 2, parent.id, 'Committed');
    const phantom = organization(tenantId, 3, parent.id, 'Phantom');
    const killed = await beginImportRun(tenantId, 'same records');
    expect(await saveNewOrganizations(tenantId, [committed], killed)).toEqual([]);
    // The process dies after the phantom's batched writes, before its transaction reaches DynamoDB.
    (db().middlewareStack as MiddlewareStack<object, object>).add(
      (next, context) => (args) => {
        if (context.commandName === 'TransactWriteItemsCommand') throw new Error('killed');
        return next(args);
      },
      { step: 'initialize', name: 'killTransactions' },
    );
    await expect(saveNewOrganizations(tenantId, [phantom], killed)).rejects.toThrow('killed');
    db().middlewareStack.remove('killTransactions');
    expect((await itemsNaming(tenantId, phantom.id)).filter((item) => item.entity !== 'GRAM').length).toBeGreaterThan(3);

    const answered = {
      children: [committed.id],
      byName: { Phantom: [], Committed: [committed.id] },
      rnaW3: [],
      nameOrder: [committed, parent].sort(listingOrder('name')).map((o) => o.id),
      nameOrderFrom1: [committed, parent]
        .sort(listingOrder('name'))
        .reverse()
        .slice(1, 3)
        .map((o) => o.id),
    };
    expect(await readers(tenantId, parent, ['Phantom', 'Committed'])).toEqual(answered);
    // A run of other records that finishes vouches for nothing of the killed run.
    const other = await beginImportRun(tenantId, 'other records');
    await finishImportRun(tenantId, other, 'other records');
    expect(await readers(tenantId, parent, ['Phantom', 'Committed'])).toEqual(answered);

    // The settle step: the committed organization's entries are trusted, the phantom's deleted; idempotent.
    const entriesOf = async (id: string) =>
      (await itemsNaming(tenantId, id)).filter((item) => ['LIST', 'MIDX', 'CHILD'].includes(String(item.entity)));
    const committedEntries = (await entriesOf(committed.id)).length;
    const marked = [...(await entriesOf(committed.id)), ...(await entriesOf(phantom.id))].filter((item) => item.f === killed);
    expect(await settleImportedEntries()).toBe(marked.length);
    expect(await entriesOf(phantom.id)).toEqual([]);
    expect((await entriesOf(committed.id)).length).toBe(committedEntries);
    expect((await entriesOf(committed.id)).filter((item) => item.f !== undefined)).toEqual([]);
    expect(await settleImportedEntries()).toBe(0);
    expect(await readers(tenantId, parent, ['Phantom', 'Committed'])).toEqual(answered);

    // The same records again: the phantom is committed, with each entry once.
    const rerun = await beginImportRun(tenantId, 'same records');
    expect(await saveNewOrganizations(tenantId, [phantom], rerun)).toEqual([]);
    await finishImportRun(tenantId, rerun, 'same records');
    expect(await readers(tenantId, parent, ['Phantom', 'Committed'])).toEqual({
      children: [committed.id, phantom.id].sort(),
      byName: { Phantom: [phantom.id], Committed: [committed.id] },
      rnaW3: [phantom.id],
      nameOrder: [committed, parent, phantom].sort(listingOrder('name')).map((o) => o.id),
      nameOrderFrom1: [committed, parent, phantom]
        .sort(listingOrder('name'))
        .reverse()
        .slice(1, 3)
        .map((o) => o.id),
    });
  });

  it('send the shards of one page a single read of the run state between them, and none once it is known finished', async () => {
    const tenantId = 'shared';
    const run = await beginImportRun(tenantId, 'records');
    const imported = Array.from({ length: 48 }, (_, i) => organization(tenantId, i + 1, null, `Name ${i}`));
    expect(await saveNewOrganizations(tenantId, imported, run)).toEqual([]);
    await finishImportRun(tenantId, run, 'records');
    const nameOrder = [...imported].sort(listingOrder('name')).map((o) => o.id);

    // Every shard meets the run's entries at once, before any read of the state has answered.
    const cold = countCommands();
    expect(await listingPage(tenantId, 'name', false, 0, 48)).toEqual(nameOrder);
    expect(cold.filter((name) => name === 'QueryCommand').length).toBe(16);
    expect(cold.filter((name) => name !== 'QueryCommand')).toEqual(['GetItemCommand']);

    const warm = countCommands();
    expect(await listingPage(tenantId, 'name', true, 0, 2)).toEqual(nameOrder.toReversed().slice(0, 2));
    expect(warm.filter((name) => name !== 'QueryCommand')).toEqual([]);
  });
});
