/**
 * Domain rules on the in-memory ports: no HTTP, no DynamoDB. The same rules run on DynamoDB Local in
 * the integration and end-to-end suites; here each is checked in isolation, fast.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { setAccess } from '#shared/domain/access-lists.ts';
import { admitRequest, principalForProject, principalForSecret } from '#shared/domain/authentication.ts';
import { applyChunk, finalizeTask, prepareTask, submitBulkTask } from '#shared/domain/bulk-tasks.ts';
import { issueCredential, revokeCredential } from '#shared/domain/credential-admin.ts';
import { existingTenant, linkDiffuseur, mapClientId, putAccessList, putPublisher, putTenant } from '#shared/domain/directory-admin.ts';
import { getPartnerSettings, setPartnerSettings } from '#shared/domain/engagement.ts';
import { emptyMemberData } from '#shared/domain/organization.ts';
import { createOrganization, deleteOrganization, moveOrganization, setMemberData } from '#shared/domain/organization-writes.ts';
import { getOrganization } from '#shared/domain/organizations.ts';
import { installStores, installTaskRunner } from '#shared/domain/ports.ts';
import { login, refresh } from '#shared/domain/sessions.ts';
import { AppError } from '#shared/errors.ts';
import { memoryStores } from '#test/support/memory-stores.ts';

const T = 'acme';
let stores: ReturnType<typeof memoryStores>;
const started: string[] = [];

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
    await putAccessList(T, { kind: 'program', id: 1, name: 'Welcome', status: 'RUNNING', description: null });
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
    await putAccessList(T, { kind: 'campaign', id: 7, name: 'Spring', status: 'RUNNING', description: null });
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
    const organizations = await stores.organizations.list(T);
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
});
