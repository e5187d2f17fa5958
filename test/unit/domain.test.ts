/**
 * Domain rules on the in-memory ports: no HTTP, no DynamoDB. The same rules run on DynamoDB Local in
 * the integration and end-to-end suites; here each is checked in isolation, fast.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { pageCampaigns, pagePrograms } from '#shared/domain/access-list-pages.ts';
import { setAccess } from '#shared/domain/access-lists.ts';
import { admitRequest, principalForProject, principalForSecret } from '#shared/domain/authentication.ts';
import {
  applyChunk,
  describeTask,
  finalizeTask,
  MAX_RESUMES,
  prepareTask,
  resumeOpenTasks,
  STUCK_AFTER_MS,
  submitBulkTask,
  taskResults,
} from '#shared/domain/bulk-tasks.ts';
import { issueCredential, revokeCredential } from '#shared/domain/credential-admin.ts';
import type { Program } from '#shared/domain/directory.ts';
import { existingTenant, linkDiffuseur, mapClientId, putAccessList, putPublisher, putTenant } from '#shared/domain/directory-admin.ts';
import { getPartnerSettings, setPartnerSettings } from '#shared/domain/engagement.ts';
import { CONTENTION_BUDGET_MS } from '#shared/domain/lost-races.ts';
import { emptyMemberData } from '#shared/domain/organization.ts';
import { createOrganization, deleteOrganization, moveOrganization, setMemberData } from '#shared/domain/organization-writes.ts';
import { getOrganization } from '#shared/domain/organizations.ts';
import { installStores, installTaskResumer, installTaskRunner } from '#shared/domain/ports.ts';
import { login, refresh } from '#shared/domain/sessions.ts';
import { AppError } from '#shared/errors.ts';
import { memoryStores } from '#test/support/memory-stores.ts';

const T = 'acme';
let stores: ReturnType<typeof memoryStores>;
const started: string[] = [];
const resumed: string[] = [];

const publisher = (id: string) => ({
  id,
  name: id,
  category: null,
  url: null,
  logo: null,
  description: null,
  widget: false,
  api: true,
  campaign: false,
  annonceur: true,
});

/** The error a call fails with (the test fails if it succeeds). */
async function failure(call: Promise<unknown>): Promise<AppError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

beforeEach(async () => {
  stores = memoryStores();
  installStores(stores);
  started.length = 0;
  installTaskRunner(async (_tenantId, taskId) => void started.push(taskId));
  resumed.length = 0;
  installTaskResumer(async (_tenantId, taskId, attempt) => void resumed.push(`${taskId}#${attempt}`));
  await putTenant({ id: T, name: 'Acme' });
});

describe('organizations', () => {
  it('gives new organizations consecutive integer ids and refuses a label already taken, changing nothing', async () => {
    const a = await createOrganization(T, { label: 'a' });
    const b = await createOrganization(T, { label: 'b', name: 'Bee' });
    expect([a.intId, b.intId]).toEqual([1, 2]);
    expect(b.name).toBe('Bee');
    const before = stores.snapshot();
    const error = await failure(createOrganization(T, { label: 'a' }));
    expect([error.kind, (error.options.detail as { field: string }).field]).toEqual(['conflict', 'label']);
    expect(stores.snapshot()).toBe(before);
  });

  it('moves under a parent, refuses a cycle, and refuses deleting a parent, naming its children', async () => {
    const root = await createOrganization(T, { label: 'root' });
    const child = await createOrganization(T, { label: 'child' }, { parent: { label: 'root' } });
    expect(child.parentId).toBe(root.id);
    const cycle = await failure(moveOrganization(T, { id: root.id }, { id: child.id }));
    expect(cycle.options.issues?.[0]?.message).toMatch(/under itself or its descendants/);
    const refused = await failure(deleteOrganization(T, { id: root.id }));
    expect(refused.kind).toBe('validation');
    expect(refused.options.issues?.[0]?.message).toContain(child.id);
    await deleteOrganization(T, { id: child.id });
    await deleteOrganization(T, { id: root.id });
    expect((await failure(getOrganization(T, { id: root.id }))).kind).toBe('not_found');
  });

  it('deletes with every reference: access sets, Engagement mappings and sponsored members', async () => {
    const sponsor = await createOrganization(T, { label: 'sponsor' });
    const member = await createOrganization(T, { label: 'member' });
    await setMemberData(T, { id: member.id }, { ...emptyMemberData(), sponsorIntId: sponsor.intId });
    await putAccessList(T, { kind: 'program', id: 1, name: 'Welcome', status: 'RUNNING' });
    await setAccess(T, 'program', 'Welcome', ['sponsor', 'member']);
    await putPublisher(T, publisher('p1'));
    await mapClientId(T, { publisherId: 'p1', clientId: 'c1', organization: { id: sponsor.id } });

    await deleteOrganization(T, { id: sponsor.id });

    expect((await stores.directory.getAccessList(T, 'program', 'Welcome'))?.organizationIds).toEqual([member.id]);
    expect(await stores.directory.getMapping(T, 'p1', 'c1')).toBeUndefined();
    expect((await getOrganization(T, { id: member.id })).member.sponsorIntId).toBeNull();
  });

  it('refuses member data naming a sponsor that does not exist', async () => {
    const org = await createOrganization(T, { label: 'x' });
    const error = await failure(setMemberData(T, { id: org.id }, { ...emptyMemberData(), sponsorIntId: 999 }));
    expect(error.options.issues?.[0]?.path).toEqual(['sponsor']);
  });
});

describe('Responsys access lists', () => {
  it('match names exactly; an unknown or ambiguous name fails the whole request and changes nothing', async () => {
    await createOrganization(T, { label: 'usa', name: 'USA' });
    await createOrganization(T, { label: 'twin-1', name: 'Twin' });
    await createOrganization(T, { label: 'twin-2', name: 'Twin' });
    await putAccessList(T, { kind: 'campaign', id: 7, name: 'Spring' });
    const set = await setAccess(T, 'campaign', 'Spring', ['USA', 'USA']);
    expect(set.map((node) => node.organization.name)).toEqual(['USA']);
    for (const [name, matches] of [
      ['usa', 0],
      ['Twin', 2],
    ] as const) {
      const error = await failure(setAccess(T, 'campaign', 'Spring', ['USA', name]));
      expect(error.options.detail).toEqual({ problem: 'organization-name', kind: 'campaign', value: name, matches });
    }
    expect((await stores.directory.getAccessList(T, 'campaign', 'Spring'))?.organizationIds).toHaveLength(1);
  });
});

describe('Responsys programs and campaigns', () => {
  const today = new Date().toISOString().slice(0, 10).split('-').reverse().join('/');
  const program = async (name: string) => (await stores.directory.getAccessList(T, 'program', name)) as Program;

  it('defaults a new program as Responsys shows one, and keeps what an update does not give', async () => {
    await putAccessList(T, { kind: 'program', id: 3, name: 'Nurture' });
    expect(await program('Nurture')).toMatchObject({
      status: 'NOT_RUNNING',
      folderName: '',
      listName: null,
      channels: [],
      createdOn: today,
      createdBy: 'N/A',
      modifiedOn: today,
      organizationIds: [],
    });
    await putAccessList(T, {
      kind: 'program',
      id: 3,
      name: 'Nurture',
      status: 'RUNNING',
      listName: 'L',
      listId: 9,
      createdOn: '01/01/2020',
    });
    await putAccessList(T, { kind: 'program', id: 3, name: 'Nurture', channels: ['SMS'] });
    expect(await program('Nurture')).toMatchObject({
      status: 'RUNNING',
      listName: 'L',
      listId: 9,
      channels: ['SMS'],
      createdOn: '01/01/2020',
    });
  });

  it('moves modifiedOn only when something changed (a re-import changes nothing)', async () => {
    await putAccessList(T, { kind: 'program', id: 4, name: 'Stable', modifiedOn: '01/01/2020' });
    expect(await putAccessList(T, { kind: 'program', id: 4, name: 'Stable' })).toEqual({ created: false, written: false });
    expect((await program('Stable')).modifiedOn).toBe('01/01/2020');
    await putAccessList(T, { kind: 'program', id: 4, name: 'Stable', status: 'RUNNING' });
    expect((await program('Stable')).modifiedOn).toBe(today);
  });

  it('reads a program stored before the documented states (ACTIVE) as RUNNING when it is next written', async () => {
    await putAccessList(T, { kind: 'program', id: 5, name: 'Legacy' });
    const stored = await program('Legacy');
    await stores.directory.putAccessList(T, { ...stored, status: 'ACTIVE' as never }, stored);
    await putAccessList(T, { kind: 'program', id: 5, name: 'Legacy', folderName: 'F' });
    expect((await program('Legacy')).status).toBe('RUNNING');
  });

  it('refuses states, types, purposes and campaign properties Responsys does not document', async () => {
    for (const input of [
      { kind: 'program' as const, id: 1, name: 'X', status: 'ACTIVE' as never },
      { kind: 'program' as const, id: 0, name: 'X' },
      { kind: 'campaign' as const, id: 1, name: 'X', type: 'FAX' as never },
      { kind: 'campaign' as const, id: 1, name: 'X', purpose: 'FUN' as never },
      { kind: 'campaign' as const, id: 1, name: 'X', properties: { colour: 'red' } as never },
      { kind: 'campaign' as const, id: 1, name: 'X', properties: { useUTF8: 'yes' } as never },
    ]) {
      expect((await failure(putAccessList(T, input))).kind, JSON.stringify(input)).toBe('validation');
    }
    expect(await stores.directory.getAccessList(T, 'campaign', 'X')).toBeUndefined();
  });

  it('pages campaigns of one type and programs of some states, in id order', async () => {
    for (const [id, type] of [
      [30, 'PUSH'],
      [10, 'EMAIL'],
      [20, 'EMAIL'],
    ] as const)
      await putAccessList(T, { kind: 'campaign', id, name: `c${id}`, type });
    expect((await pageCampaigns(T, 'EMAIL', 0, 10)).map((c) => c.id)).toEqual([10, 20]);
    expect(await pageCampaigns(T, 'EMAIL', 1, 10)).toMatchObject([{ id: 20, type: 'EMAIL' }]);
    await putAccessList(T, { kind: 'program', id: 2, name: 'b', status: 'RUNNING' });
    await putAccessList(T, { kind: 'program', id: 1, name: 'a', status: 'RUNNING_WITH_ERRORS' });
    await putAccessList(T, { kind: 'program', id: 3, name: 'c' });
    expect((await pagePrograms(T, ['RUNNING', 'RUNNING_WITH_ERRORS'], 0, 10)).map((p) => p.name)).toEqual(['a', 'b']);
    expect((await pagePrograms(T, undefined, 0, 10)).map((p) => p.name)).toEqual(['a', 'b', 'c']);
  });
});

describe('Engagement', () => {
  it("keeps only the caller's partners in an allow-list and creates the mapped organization once", async () => {
    for (const id of ['caller', 'p1', 'p2', 'stranger']) await putPublisher(T, publisher(id));
    await linkDiffuseur(T, 'caller', 'p1');
    await linkDiffuseur(T, 'caller', 'p2');
    const first = await setPartnerSettings(T, 'caller', 'client-1', ['p1', 'stranger'], 'Mon organisation');
    expect(first.map((s) => [s.publisher.id, s.excluded])).toEqual([
      ['p1', false],
      ['p2', true],
    ]);
    await setPartnerSettings(T, 'caller', 'client-1', ['p2'], 'Another name');
    expect((await getPartnerSettings(T, 'caller', 'client-1')).map((s) => s.excluded)).toEqual([true, false]);
    const organizations = await stores.organizations.getMany(T, await stores.organizations.page(T, 'intId', false, 0, Infinity));
    expect(organizations.map((o) => o.name)).toEqual(['Mon organisation']);
  });

  it('refuses to link a diffuseur that is not a publisher of the tenant', async () => {
    await putPublisher(T, publisher('caller'));
    expect((await failure(linkDiffuseur(T, 'caller', 'ghost'))).kind).toBe('not_found');
  });
});

describe('credentials and sessions', () => {
  it('issues a secret that authenticates until it is revoked', async () => {
    const { secret, credential } = await issueCredential({ tenantId: T, kind: 'netux', scopes: ['read'] });
    expect((await principalForSecret('netux', secret))?.tenantId).toBe(T);
    await revokeCredential(T, credential.credentialId);
    expect(await principalForSecret('netux', secret)).toBeUndefined();
    expect((await failure(existingTenant('nobody'))).kind).toBe('not_found');
  });

  it('checks an Apidae key against its project', async () => {
    const { secret } = await issueCredential({ tenantId: T, kind: 'apidae', projetId: 42, access: 'full' });
    expect((await principalForProject('42', secret))?.credential.access).toBe('full');
    expect(await principalForProject('42', `${secret}x`)).toBeUndefined();
  });

  it('logs a Responsys user in, refreshes the token (the old one dies) and ends sessions with the user', async () => {
    const { secret: password, credential } = await issueCredential({ tenantId: T, kind: 'responsys', userName: 'ana' });
    expect((await failure(login('ana', 'wrong'))).kind).toBe('invalid_credentials');
    expect((await failure(login('nobody', password))).kind).toBe('invalid_credentials');
    const { token } = await login('ana', password);
    const { token: renewed } = await refresh(token);
    expect(await principalForSecret('responsys-token', token)).toBeUndefined();
    expect((await principalForSecret('responsys-token', renewed))?.tenantId).toBe(T);
    expect((await revokeCredential(T, credential.credentialId)).tokens).toBe(1);
    expect(await principalForSecret('responsys-token', renewed)).toBeUndefined();
  });

  it('admits requests up to the limit, then throttles with the seconds left in the window', async () => {
    await putPublisher(T, publisher('p'));
    const { secret } = await issueCredential({ tenantId: T, kind: 'engagement', publisherId: 'p' });
    const { credential } = (await principalForSecret('engagement', secret))!;
    const states: number[] = [];
    for (let i = 0; i < 3; i++) await admitRequest(credential, { limit: 3, windowSeconds: 3600 }, (s) => states.push(s.remaining));
    const throttled = await failure(admitRequest(credential, { limit: 3, windowSeconds: 3600 }, (s) => states.push(s.remaining)));
    expect(states).toEqual([2, 1, 0, -1]);
    expect(throttled.kind).toBe('rate_limited');
    expect(throttled.options.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe('bulk tasks', () => {
  it('applies each item once, even when a chunk is delivered twice, and reports per-item failures', async () => {
    const existing = await createOrganization(T, { label: 'existing' });
    const taskId = await submitBulkTask(T, {
      kind: 'update',
      items: [
        { key: existing.id, fields: { name: 'Renamed' } },
        { key: 'f'.repeat(24), fields: { name: 'Nobody' } },
      ],
    });
    expect(started).toEqual([taskId]);
    const { chunks } = await prepareTask({ tenantId: T, taskId });
    for (const chunk of [...chunks, ...chunks]) await applyChunk({ tenantId: T, taskId, chunk });
    expect(await finalizeTask({ tenantId: T, taskId })).toEqual({ status: 'PARTIALLY_SUCCEEDED' });
    const renamed = await getOrganization(T, { id: existing.id });
    expect([renamed.name, renamed.version]).toEqual(['Renamed', existing.version + 1]);
    expect(await stores.tasks.get(T, taskId)).toMatchObject({ succeeded: 1, failed: 1, status: 'PARTIALLY_SUCCEEDED' });
  });

  it('returns the same task for a retried Idempotency-Key and refuses the key with another body', async () => {
    const items = [{ fields: { label: 'new-one' } }];
    const first = await submitBulkTask(T, { kind: 'create', items, idempotency: { key: 'k', bodyDigest: 'd1' } });
    expect(await submitBulkTask(T, { kind: 'create', items, idempotency: { key: 'k', bodyDigest: 'd1' } })).toBe(first);
    expect((await failure(submitBulkTask(T, { kind: 'create', items, idempotency: { key: 'k', bodyDigest: 'd2' } }))).kind).toBe(
      'validation',
    );
    expect(started).toEqual([first]);
  });

  /** Fails `save` of the labels given (until healed), the way the AWS SDK reports an answer (`$metadata`), or without one (a crash). */
  function failSaves(labels: string[], answered: boolean) {
    const save = stores.organizations.save;
    const state = { calls: 0, healed: false };
    stores.organizations.save = async (t, next, previous, options) => {
      state.calls += 1;
      if (!state.healed && labels.includes(next.label)) {
        throw Object.assign(new Error('refused'), answered ? { name: 'ValidationException', $metadata: { httpStatusCode: 400 } } : {});
      }
      return save(t, next, previous, options);
    };
    return state;
  }

  it('a write the database refuses fails its item alone, with its reason; the rest of the chunk is applied', async () => {
    failSaves(['poison'], true);
    const taskId = await submitBulkTask(T, { kind: 'create', items: ['a', 'poison', 'b'].map((label) => ({ fields: { label } })) });
    const { chunks } = await prepareTask({ tenantId: T, taskId });
    expect(await applyChunk({ tenantId: T, taskId, chunk: chunks[0]! })).toEqual({ chunk: 0, succeeded: 2, failed: 1 });
    expect(await finalizeTask({ tenantId: T, taskId })).toEqual({ status: 'PARTIALLY_SUCCEEDED' });
    const report = await describeTask(T, taskId);
    expect(report).toMatchObject({ succeeded: 2, failed: 1, pending: 0 });
    expect(report!.failures).toEqual([{ index: 1, id: null, problem: { kind: 'refused', message: 'ValidationException: refused' } }]);
    expect(report!.created.map((c) => c.index)).toEqual([0, 2]);
  });

  it('an item losing races for the whole time of its write is the system problem: the chunk stops, the item is not failed, a retry applies it', async () => {
    const taskId = await submitBulkTask(T, { kind: 'create', items: [{ fields: { label: 'contended' } }] });
    await applyChunk({ tenantId: T, taskId, chunk: 0 });
    const created = (await describeTask(T, taskId))!.created[0]!.id;
    const update = await submitBulkTask(T, { kind: 'update', items: [{ key: created, fields: { name: 'won at last' } }] });
    const save = stores.organizations.save;
    let races = 0;
    let crowded = true;
    // Every update of the organization loses its race while the crowd lasts.
    stores.organizations.save = async (t, next, previous, options) => {
      if (crowded && previous && next.label === 'contended') {
        races += 1;
        throw new AppError('conflict', 'Organization was changed concurrently.', { detail: { field: 'version' } });
      }
      return save(t, next, previous, options);
    };
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      const applying = applyChunk({ tenantId: T, taskId: update, chunk: 0 });
      const outcome = expect(applying).rejects.toMatchObject({ kind: 'rate_limited', options: { retryAfterSeconds: 1 } });
      await vi.advanceTimersByTimeAsync(CONTENTION_BUDGET_MS + 1_000);
      await outcome;
    } finally {
      vi.useRealTimers();
    }
    expect(races).toBeGreaterThan(10); // re-run for its whole time, not a fixed count
    expect(await describeTask(T, update)).toMatchObject({ succeeded: 0, failed: 0, pending: 1 });
    crowded = false;
    expect(await applyChunk({ tenantId: T, taskId: update, chunk: 0 })).toEqual({ chunk: 0, succeeded: 1, failed: 0 });
    expect((await getOrganization(T, { id: created }))?.name).toBe('won at last');
  });

  it('a system error stops the chunk with its progress recorded; the retry applies only the rest; counts are exact meanwhile', async () => {
    const saves = failSaves(['c'], false);
    // One lane (the same key) keeps the items in order: a and b are applied before c fails.
    const taskId = await submitBulkTask(T, {
      kind: 'create',
      items: ['a', 'b', 'c', 'd'].map((label) => ({ key: '~same', fields: { label } })),
    });
    await expect(applyChunk({ tenantId: T, taskId, chunk: 0 })).rejects.toThrow('refused');
    expect(saves.calls).toBe(3);
    expect(await describeTask(T, taskId)).toMatchObject({ succeeded: 2, failed: 0, pending: 2 });
    saves.healed = true;
    expect(await applyChunk({ tenantId: T, taskId, chunk: 0 })).toEqual({ chunk: 0, succeeded: 4, failed: 0 });
    expect(saves.calls).toBe(5); // the retry wrote c and d only
    expect((await describeTask(T, taskId))!.created.map((c) => c.index)).toEqual([0, 1, 2, 3]);
  });

  it('resumes open tasks once per attempt, then finalizes one resumed MAX_RESUMES times as it stands', async () => {
    const taskId = await submitBulkTask(T, { kind: 'update', items: [{ key: 'f'.repeat(24), fields: { name: 'x' } }] });
    const future = new Date(Date.now() + 60_000).toISOString();
    const [first, second] = await Promise.all([resumeOpenTasks(future), resumeOpenTasks(future)]);
    expect([...first, ...second]).toEqual([{ tenantId: T, taskId, outcome: 'resumed' }]);
    expect(resumed).toEqual([`${taskId}#1`]);
    expect(await stores.tasks.get(T, taskId)).toMatchObject({ status: 'RUNNING', attempt: 1 });
    for (let attempt = 2; attempt <= MAX_RESUMES; attempt++) await resumeOpenTasks(new Date(Date.now() + 60_000).toISOString());
    expect(resumed).toHaveLength(MAX_RESUMES);
    expect(await resumeOpenTasks(new Date(Date.now() + 60_000).toISOString())).toEqual([{ tenantId: T, taskId, outcome: 'FAILED' }]);
    expect(await describeTask(T, taskId)).toMatchObject({ status: 'FAILED', succeeded: 0, failed: 0, pending: 1 });
  });

  it('an Idempotency-Key retry resumes a task the system failed or one stuck without progress, never a live one', async () => {
    const submit = (key: string) =>
      submitBulkTask(T, { kind: 'create', items: [{ fields: { label: key } }], idempotency: { key, bodyDigest: 'd' } });
    const live = await submit('live');
    expect(await submit('live')).toBe(live);
    expect(resumed).toEqual([]);

    const stuck = await submit('stuck');
    await stores.tasks.reopen(T, stuck, 1); // its first resume, then no progress at all
    const realNow = Date.now;
    Date.now = () => realNow() + STUCK_AFTER_MS + 1000;
    try {
      expect(await submit('stuck')).toBe(stuck);
    } finally {
      Date.now = realNow;
    }
    expect(resumed).toEqual([`${stuck}#2`]);

    const failed = await submit('failed');
    await finalizeTask({ tenantId: T, taskId: failed }); // no chunk ran: FAILED, its item pending
    expect(await stores.tasks.get(T, failed)).toMatchObject({ status: 'FAILED' });
    expect(await submit('failed')).toBe(failed);
    expect(resumed).toEqual([`${stuck}#2`, `${failed}#1`]);
    expect(await stores.tasks.get(T, failed)).toMatchObject({ status: 'RUNNING', finishedAt: null });
  });

  it('pages item outcomes in request order, by status, with the ids the request named', async () => {
    const existing = await createOrganization(T, { label: 'existing' });
    const keys = [existing.id, 'f'.repeat(24), existing.id, '~nobody'];
    const taskId = await submitBulkTask(T, { kind: 'update', items: keys.map((key) => ({ key, fields: { name: 'n' } })) });
    expect(await taskResults(T, taskId, { offset: 0, limit: 10 })).toMatchObject({
      count: 4,
      results: keys.map((id, index) => ({ index, id, status: 'pending' })),
    });
    await applyChunk({ tenantId: T, taskId, chunk: 0 });
    expect(await taskResults(T, taskId, { status: 'failed', offset: 1, limit: 10 })).toEqual({
      count: 2,
      results: [{ index: 3, id: '~nobody', status: 'failed', problem: { kind: 'not_found', message: 'Not found.' } }],
    });
    expect(await taskResults(T, taskId, { status: 'succeeded', offset: 0, limit: 1 })).toEqual({
      count: 2,
      results: [{ index: 0, id: existing.id, status: 'succeeded' }],
    });
  });
});
