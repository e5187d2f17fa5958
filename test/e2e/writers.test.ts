/**
 * One door to the data: the same organization written by each writer — Netux POST, Netux bulk create,
 * the admin CLI and the seed import — leaves exactly the same items in the table (the organization,
 * its guard items, its member index items), up to its identifiers. A writer that skipped an index or
 * guard item, or wrote a field another does not, fails here.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { repoRoot } from '#functions/routes.ts';
import { config } from '#shared/config.ts';
import * as keys from '#shared/db/keys.ts';
import { paddedIntId } from '#shared/db/keys.ts';
import { listingShardOf } from '#shared/db/organization-index.ts';
import { postingsOf } from '#shared/db/search-index.ts';
import type { Organization } from '#shared/domain/organization.ts';
import { loadSeed } from '#shared/seed/load.ts';
import { parseSeedFile } from '#shared/seed/schema.ts';
import { call, startSeededServer, type TestServer } from '#test/support/server.ts';
import { snapshotTable } from '#test/support/table.ts';

const TOKEN = 'oaXBo6ODhIjPsusNRPUGIK4d72bc73';
const FIELDS = { name: 'Same Writer', description: 'written once per path' };
let server: TestServer;

beforeAll(async () => {
  server = await startSeededServer();
});
afterAll(() => server.close());

const netux = (path: string, init: RequestInit = {}) =>
  call(`${server.url}/api/v2.0${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', 'X-Auth-Token': TOKEN, ...init.headers },
  });

/**
 * The items that belong to one organization, with its own identifiers, label and timestamps replaced by
 * placeholders. The postings of the label's trigrams differ with the label; they are checked apart.
 */
async function itemsOf(id: string): Promise<unknown[]> {
  const items = await snapshotTable();
  const organization = items.find((item) => item.PK === keys.organization('demo', id).PK && item.SK === 'ORG') as Organization | undefined;
  expect(organization, `organization ${id} is stored`).toBeDefined();
  const { label, intId, createdAt } = organization!;
  const placeholders = (text: string) =>
    text
      .replaceAll(keys.listingShard('demo', listingShardOf(id)), keys.listingShard('demo', 0).replace(/\d+$/, '<shard of id>'))
      .replaceAll(id, '<id>')
      .replaceAll(`#${label}`, '#<label>')
      .replaceAll(paddedIntId(intId), '<intId>')
      .replaceAll(`#${intId}`, '#<intId>')
      .replaceAll(createdAt, '<t>')
      .replaceAll(encodeURIComponent(createdAt), '<t>');
  const owned = items.filter((item) => item.orgId === id || String(item.SK).includes(id) || String(item.PK).includes(id));
  const labelPostings = owned.filter((item) => String(item.PK).startsWith(keys.gramPartition('demo', 'other', '')));
  expect(new Set(labelPostings.map((item) => item.PK))).toEqual(
    new Set(
      [...postingsOf(organization).values()].filter((p) => p.family === 'other').map((p) => keys.gramPartition('demo', 'other', p.gram)),
    ),
  );
  return owned
    .filter((item) => !labelPostings.includes(item))
    .map((item) => {
      const normalized = JSON.parse(placeholders(JSON.stringify(item))) as Record<string, unknown>;
      // The seed import marks what it wrote ahead of the organization's transaction with its run (postings, and
      // listing, index and child entries: shared/db/import-runs.ts): the one difference allowed, and only on those.
      if (['GRAM', 'LIST', 'MIDX', 'CHILD'].includes(String(normalized.entity))) delete normalized.f;
      if (normalized.entity === 'ORG')
        Object.assign(normalized, {
          label: '<label>',
          intId: '<intId>',
          appliedOps: {},
          ...(normalized.updatedAt ? { updatedAt: '<t>' } : {}),
        });
      return normalized;
    })
    .sort((a, b) => `${a.PK} ${a.SK}`.localeCompare(`${b.PK} ${b.SK}`));
}

async function viaPost(): Promise<string> {
  const created = await netux('/organizations/', { method: 'POST', body: JSON.stringify({ label: 'writer-post', ...FIELDS }) });
  expect(created.status).toBe(201);
  return created.body.id;
}

async function viaBulkCreate(): Promise<string> {
  const accepted = await netux('/organizations/_/bulk/create/', {
    method: 'POST',
    headers: { 'X-Bulk-Operation': 'True' },
    body: JSON.stringify([{ label: 'writer-bulk', ...FIELDS }]),
  });
  expect(accepted.status).toBe(202);
  await server.stepFunctions.idle();
  const report = (await netux(`/tasks/${accepted.body.task.id}/`)).body;
  expect(report).toMatchObject({ status: 'SUCCEEDED', created: [{ index: 0, id: expect.any(String) }] });
  return report.created[0].id;
}

async function viaAdminCli(): Promise<string> {
  const { stdout } = await promisify(execFile)(
    resolve(repoRoot, 'node_modules/.bin/tsx'),
    [
      'tools/admin/cli.ts',
      'organizations',
      'create',
      '--tenant',
      'demo',
      '--label',
      'writer-admin',
      '--name',
      FIELDS.name,
      '--description',
      FIELDS.description,
      '--json',
      '--endpoint',
      config.dynamodbEndpoint!,
      '--table',
      config.tableName,
    ],
    { cwd: repoRoot, env: { ...process.env, AWS_REGION: 'us-east-1' } },
  );
  return (JSON.parse(stdout) as { id: string }).id;
}

async function viaSeedImport(): Promise<string> {
  const id = 'abcdefabcdefabcdef01';
  await loadSeed(
    parseSeedFile({
      tenants: [{ id: 'demo', name: 'Orgbridge demo', organizations: [{ id, intId: 990_001, label: 'writer-seed', ...FIELDS }] }],
    }),
  );
  return id;
}

describe('every writer', () => {
  it('stores the same items for the same organization', async () => {
    const written = { post: await viaPost(), bulk: await viaBulkCreate(), admin: await viaAdminCli(), seed: await viaSeedImport() };
    const reference = await itemsOf(written.post);
    const entities = reference.map((item) => (item as { entity: string }).entity);
    // The organization, its two guards, four listing entries, its name, createdAt and description index entries, and its name's postings.
    expect(entities.filter((e) => e !== 'GRAM').sort()).toEqual([
      'GUARD',
      'GUARD',
      'LIST',
      'LIST',
      'LIST',
      'LIST',
      'MIDX',
      'MIDX',
      'MIDX',
      'ORG',
    ]);
    expect(entities.filter((e) => e === 'GRAM').length).toBeGreaterThan(5);
    for (const [writer, id] of Object.entries(written)) expect(await itemsOf(id), writer).toEqual(reference);
  });
});
