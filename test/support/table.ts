/** Test helpers over the real DynamoDB Local table of this test file. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { ScanCommand } from '@aws-sdk/lib-dynamodb';

import { repoRoot } from '#functions/routes.ts';
import { ensureTable, localClient } from '#infra/local/dynamodb.ts';
import { config } from '#shared/config.ts';
import { db, tableName } from '#shared/db/client.ts';
import { listingPage } from '#shared/db/organization-listing.ts';
import { getOrganizations } from '#shared/db/organizations.ts';
import { loadSeed } from '#shared/seed/load.ts';
import { parseSeedFile } from '#shared/seed/schema.ts';

export async function createTable(): Promise<void> {
  const client = localClient(config.dynamodbEndpoint!);
  await ensureTable(client, tableName());
  client.destroy();
}

export const readSeedFile = (path: string) => parseSeedFile(JSON.parse(readFileSync(resolve(repoRoot, path), 'utf8')));

/** The demo seed plus the test fixture tenants (rate-limited and narrow-scope credentials). */
export async function seedTestData(): Promise<void> {
  await loadSeed(readSeedFile('seeds/demo.json'));
  await loadSeed(readSeedFile('test/fixtures/test-seed.json'));
  await loadSeed(readSeedFile('test/fixtures/other-tenant-seed.json'));
}

/**
 * Every item of the table, sorted: the before/after snapshot that proves a rejected request changed
 * nothing. (A test-only Scan; no request path scans.) Rate-limit counters are excluded: counting a
 * rejected request is the point of them.
 */
export async function snapshotTable(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new ScanCommand({ TableName: tableName(), ExclusiveStartKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items.filter((item) => !String(item.PK).startsWith('RL#')).sort((a, b) => `${a.PK}|${a.SK}`.localeCompare(`${b.PK}|${b.SK}`));
}

/** Every organization of a tenant, by integer id (tests only: a read that follows the tenant). */
export const allOrganizations = async (tenantId: string) =>
  getOrganizations(tenantId, await listingPage(tenantId, 'intId', false, 0, Infinity));
