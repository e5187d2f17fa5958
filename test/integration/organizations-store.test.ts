/** Uniqueness is enforced by the write itself (conditional transaction), even under races. */
import { beforeAll, describe, expect, it } from 'vitest';

import {
  allocateIntId,
  findOrganizationIdByLabel,
  getOrganization,
  raiseIntIdCounter,
  saveOrganization,
} from '#shared/db/organizations.ts';
import { newOrganization, type Organization } from '#shared/domain/organization.ts';
import { applyBulkUpdate, isPruneDue } from '#shared/domain/organization-writes.ts';
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

  it('prunes the expired applied-operation records of an organization updated only in place by bulk operations, after the due write', async () => {
    const taskId = (createdSeconds: number, tail: string) => createdSeconds.toString(16).padStart(8, '0') + tail.repeat(12);
    const expired = taskId(1, 'a'); // created in 1970: past the 8-day retention
    const firstDue = (task: string) => {
      let index = 0;
      while (!isPruneDue('d0d0d0d0d0d0d0d0d0d0', { taskId: task, index })) index++;
      return index;
    };
    // A recent task whose first due write comes after a re-delivery can be tried (about one in 64 is due).
    const recent = ['b', 'c', 'd', 'e', 'f'].map((tail) => taskId(Math.floor(Date.now() / 1000), tail)).find((task) => firstDue(task) > 1)!;
    const first = { ...org('d0d0d0d0d0d0d0d0d0d0', 4, 'pruned'), appliedOps: { [expired]: [0] } };
    await saveOrganization('prune', first, undefined);
    const update = (index: number) =>
      applyBulkUpdate('prune', { id: first.id }, { logo: `https://example.org/${index}.png` }, 'partial', { taskId: recent, index });
    const due = firstDue(recent); // the writes before it are not followed by a prune
    for (let index = 0; index < due; index++) await update(index);
    const before = await getOrganization('prune', first.id);
    expect(before?.version).toBe(1 + due);
    expect(Object.keys(before?.appliedOps ?? {}).sort()).toEqual([expired, recent].sort());
    await update(1); // delivered again: already applied, nothing written
    expect((await getOrganization('prune', first.id))?.version).toBe(1 + due);
    await update(due); // the due write is followed by a prune
    const after = await getOrganization('prune', first.id);
    expect(after?.appliedOps).toEqual({ [recent]: Array.from({ length: due + 1 }, (_, i) => i) });
    expect(after?.version).toBe(2 + due); // the due write moved it; the prune changed no field and left it
    expect(after?.logo).toBe(`https://example.org/${due}.png`);
  });
});
