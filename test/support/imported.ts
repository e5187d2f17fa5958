/**
 * What an import left in the table, compared with the seed records it was given: every organization
 * once (no duplicate), each field as the file says, never rewritten (version 1), and the parents'
 * child counts equal to their children. Reads the table with a test-only Scan.
 */
import { expect } from 'vitest';

import type { ImportRecord } from '#shared/domain/organization-import.ts';
import { snapshotTable } from '#test/support/table.ts';

const ofTenant = (tenantId: string) => new RegExp(`^T#${tenantId}(#|$)`);

export async function storedOrganizations(tenantId: string): Promise<Record<string, unknown>[]> {
  const pk = ofTenant(tenantId);
  return (await snapshotTable()).filter((item) => item.entity === 'ORG' && pk.test(String(item.PK)));
}

export async function expectStoredAsImported(tenantId: string, records: ImportRecord[]): Promise<void> {
  const stored = await storedOrganizations(tenantId);
  const byId = new Map<string, Record<string, unknown>[]>();
  for (const item of stored) byId.set(String(item.id), [...(byId.get(String(item.id)) ?? []), item]);
  expect(stored.length).toBe(records.length);
  const children = new Map<string, number>();
  for (const r of records) if (r.parentId) children.set(r.parentId, (children.get(r.parentId) ?? 0) + 1);
  for (const record of records) {
    const items = byId.get(record.id) ?? [];
    expect(items, record.id).toHaveLength(1);
    const item = items[0]!;
    const expected = { ...record, version: 1, appliedOps: {} };
    expect(Object.fromEntries(Object.keys(expected).map((key) => [key, item[key]])), record.id).toEqual(expected);
    // A data-layer counter where the data model keeps one: a re-run never counts a child twice.
    if ('childCount' in item || children.has(record.id)) expect(item.childCount ?? 0, record.id).toBe(children.get(record.id) ?? 0);
  }
  // One label guard per organization: none left over from an interrupted write.
  const guards = (await snapshotTable()).filter((item) => item.entity === 'GUARD' && ofTenant(tenantId).test(String(item.PK)));
  expect(new Set(guards.map((g) => g.orgId)).size).toBeLessThanOrEqual(records.length);
  expect(guards.length).toBe(records.length * 2);
}
