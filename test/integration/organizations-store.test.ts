/** Uniqueness is enforced by the write itself (conditional transaction), even under races. */
import { beforeAll, describe, expect, it } from 'vitest';

import { allocateIntId, findOrganizationIdByLabel, raiseIntIdCounter, saveOrganization } from '#shared/db/organizations.ts';
import { newOrganization, type Organization } from '#shared/domain/organization.ts';
import { createTable } from '#test/support/table.ts';

beforeAll(createTable);

const org = (id: string, intId: number, label: string): Organization => newOrganization({ id, intId, label });

describe('organization writes', () => {
  it('lets exactly one of two racing creates claim a label', async () => {
    const results = await Promise.allSettled([
      saveOrganization('race', org('a0a0a0a0a0a0a0a0a0a0', 1, 'taken'), undefined),
      saveOrganization('race', org('b0b0b0b0b0b0b0b0b0b0', 2, 'taken'), undefined),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ kind: 'conflict', options: { detail: { field: 'label' } } });
    const owner = await findOrganizationIdByLabel('race', 'taken');
    expect(['a0a0a0a0a0a0a0a0a0a0', 'b0b0b0b0b0b0b0b0b0b0']).toContain(owner);
  });

  it('refuses a stale version (optimistic locking) and frees the old label on rename', async () => {
    const first = org('c0c0c0c0c0c0c0c0c0c0', 3, 'before');
    await saveOrganization('lock', first, undefined);
    const renamed = { ...first, label: 'after', version: 2 };
    await saveOrganization('lock', renamed, first);
    expect(await findOrganizationIdByLabel('lock', 'before')).toBeUndefined();
    expect(await findOrganizationIdByLabel('lock', 'after')).toBe(first.id);
    await expect(saveOrganization('lock', { ...first, name: 'lost update', version: 2 }, first)).rejects.toMatchObject({
      kind: 'conflict',
      options: { detail: { field: 'version' } },
    });
  });

  it('allocates integer ids above every seeded id, never twice', async () => {
    await raiseIntIdCounter('ids', 12000007);
    await raiseIntIdCounter('ids', 5); // never lowers
    const ids = await Promise.all(Array.from({ length: 20 }, () => allocateIntId('ids')));
    expect(new Set(ids).size).toBe(20);
    expect(Math.min(...ids)).toBe(12000008);
  });
});
