/**
 * The JSON Lines seed file against DynamoDB Local: every line validated before anything is written
 * (errors by line number), parents before children (a child met first waits, within a bound),
 * idempotent re-runs, and the same stored items as the JSON document form of the same data.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { scaleOrganization, scaleTenant, writeScaleSeed } from '#bench/scale-seed.ts';
import { toRecord } from '#shared/seed/load.ts';
import { seedPartSchemas } from '#shared/seed/schema.ts';
import { importSeedFile } from '#shared/seed/stream.ts';
import { expectStoredAsImported } from '#test/support/imported.ts';
import { createTable, snapshotTable } from '#test/support/table.ts';

beforeAll(createTable);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orgbridge-lines-'));
});

async function file(name: string, lines: unknown[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return path;
}

const org = (n: number, extra: Record<string, unknown> = {}) => ({
  id: `abc${n.toString(16).padStart(17, '0')}`,
  intId: n,
  label: `o-${n}`,
  name: `Org ${n}`,
  ...extra,
});
const records = (tenant: string, count: number) =>
  Array.from({ length: count }, (_, i) => toRecord(seedPartSchemas.organization.parse(scaleOrganization(tenant, i))));

describe('validation, by line number, before any write', () => {
  it('names each bad line and field, and writes nothing', async () => {
    const before = await snapshotTable();
    const path = await file('bad.jsonl', [
      { tenant: { id: 'lines-bad', name: 'Bad' } },
      { organization: org(1) },
      '{"organization": {"id": ',
      { organisation: org(2) },
      { organization: { ...org(3), label: 'has space' } },
      { organization: { ...org(4), app: 'nope' } },
      '',
      { organization: { ...org(5), colour: 'red' } },
    ]);
    const error = await importSeedFile(path).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'SeedFileError' });
    const message = (error as Error).message;
    expect(message).toMatch(/line 3: not JSON/);
    expect(message).toMatch(/line 4: a line is one object with one key, the kind of record: tenant, app, credentials/);
    expect(message).toMatch(/line 5: organization\.label: /);
    expect(message).toMatch(/line 6: organization\.app: unknown app nope/);
    expect(message).toMatch(/line 8: .*colour/);
    expect(message).not.toMatch(/line [127]:/);
    expect(await snapshotTable()).toEqual(before);
  });

  it('wants a tenant first', async () => {
    const path = await file('no-tenant.jsonl', [{ organization: org(1) }]);
    await expect(importSeedFile(path)).rejects.toThrow(/line 1: the first record must be a tenant/);
  });

  it('--check validates and counts without writing', async () => {
    const path = join(dir, 'check.jsonl');
    await writeScaleSeed(path, [scaleTenant('lines-check', 30, 1)]);
    const before = await snapshotTable();
    expect(await importSeedFile(path, { checkOnly: true })).toEqual({
      format: 'jsonl',
      tenants: 1,
      organizations: 30,
      written: 0,
      unchanged: 0,
      credentials: [],
    });
    expect(await snapshotTable()).toEqual(before);
  });
});

describe('streamed import', () => {
  it('writes a tree in batches, reports progress, and a second run changes nothing', { timeout: 180_000 }, async () => {
    const path = join(dir, 'tree.jsonl');
    await writeScaleSeed(path, [scaleTenant('lines-tree', 120, 1)]);
    const progress: number[] = [];
    const first = await importSeedFile(path, { batchSize: 25, onProgress: (p) => progress.push(p.organizationsDone) });
    expect(first).toMatchObject({ format: 'jsonl', organizations: 120, written: 120, unchanged: 0 });
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(120);
    expect(progress.length).toBeGreaterThan(5);
    await expectStoredAsImported('lines-tree', records('lines-tree', 120));
    const snapshot = await snapshotTable();
    expect(await importSeedFile(path, { batchSize: 25 })).toMatchObject({ written: 0, unchanged: 120 });
    expect(await snapshotTable()).toEqual(snapshot);
  });

  it('a child before its parent waits for it (bounded), and a parent that is nowhere is named by line', async () => {
    // Children first, then their parent, in separate batches of 2.
    const lines = [{ tenant: { id: 'lines-order', name: 'Order' } }];
    const parent = org(1);
    const children = [2, 3, 4].map((n) => org(n, { parent: parent.id }));
    const grandchild = org(5, { parent: children[0]!.id, member: { sponsor: 4 } });
    const path = await file('order.jsonl', [
      ...lines,
      ...children.map((o) => ({ organization: o })),
      { organization: grandchild },
      { organization: parent },
    ]);
    expect(await importSeedFile(path, { batchSize: 2 })).toMatchObject({ written: 5 });
    await expectStoredAsImported(
      'lines-order',
      [parent, ...children, grandchild].map((o) => toRecord(seedPartSchemas.organization.parse(o))),
    );

    // The bound: with room for one waiting organization, the second one stops the import at its line.
    const tight = await file('tight.jsonl', [
      { tenant: { id: 'lines-tight', name: 'Tight' } },
      ...[2, 3].map((n) => ({ organization: org(n, { parent: org(1).id }) })),
      { organization: org(1) },
    ]);
    await expect(importSeedFile(tight, { batchSize: 1, maxDeferred: 1 })).rejects.toThrow(
      /line 3: more than 1 organizations wait for a parent or sponsor given later in the file/,
    );

    const orphan = await file('orphan.jsonl', [
      { tenant: { id: 'lines-orphan', name: 'Orphan' } },
      { organization: org(1) },
      { organization: org(2, { parent: 'fffffffffffffffffff0' }) },
      { organization: org(3, { member: { sponsor: 999 } }) },
    ]);
    const error = (await importSeedFile(orphan).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/line 3: organization abc0+2: unknown parent organization fffffffffffffffffff0/);
    expect(error.message).toMatch(/line 4: organization abc0+3: unknown sponsor member 999/);
  });

  it('a label taken by another organization stops the import at that line', async () => {
    const path = await file('clash.jsonl', [
      { tenant: { id: 'lines-clash', name: 'Clash' } },
      { organization: org(1) },
      { organization: { ...org(2), label: 'o-1' } },
    ]);
    await expect(importSeedFile(path)).rejects.toThrow(/line 3: organization abc0+2: Organization with this label already exists/);
  });

  it('stores what the JSON document form stores for the same data', { timeout: 120_000 }, async () => {
    const tenant = scaleTenant('lines-same', 25, 3);
    const path = join(dir, 'same.jsonl');
    await writeScaleSeed(path, [tenant]);
    expect(await importSeedFile(path)).toMatchObject({ written: 25 });
    const snapshot = await snapshotTable();
    expect(snapshot.filter((item) => item.entity === 'CLICKS' && String(item.PK).startsWith('T#lines-same#'))).toHaveLength(1);
    // The same tenant as one JSON document: every organization is found unchanged.
    const { readFile } = await import('node:fs/promises');
    const parts = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
    const document = {
      tenants: [
        {
          ...parts.find((p) => p.tenant)!.tenant,
          publishers: parts.filter((p) => p.publisher).map((p) => p.publisher),
          credentials: parts.find((p) => p.credentials)!.credentials,
          organizations: parts.filter((p) => p.organization).map((p) => p.organization),
          programs: parts.filter((p) => p.program).map((p) => p.program),
          engagementClicks: parts.filter((p) => p.engagementClick).map((p) => p.engagementClick),
        },
      ],
    };
    const json = join(dir, 'same.json');
    await writeFile(json, JSON.stringify(document, null, 2));
    expect(await importSeedFile(json)).toMatchObject({ format: 'json', written: 0, unchanged: 25 });
    expect(await snapshotTable()).toEqual(snapshot);
  });
});
