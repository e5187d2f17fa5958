/**
 * Parallel writers on the same organization through every write path: the final state equals some
 * serial order of the writes, and no field is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findOrganizationIdByLabel, getOrganization } from '#shared/db/organizations.ts';
import { moveOrganization } from '#shared/domain/organization-writes.ts';
import { getAccessListForTest, getMappingForTest } from '#test/support/directory.ts';
import { call, responsysLogin, startSeededServer, type TestServer } from '#test/support/server.ts';

const NETUX = { 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73', 'content-type': 'application/json' };
const FIFTH = '445da83878abc3c75756';
let server: TestServer;
let token = '';

beforeAll(async () => {
  server = await startSeededServer();
  token = await responsysLogin(server.url);
});
afterAll(() => server.close());

describe('every write path at once on one organization', () => {
  it('PATCH, bulk update, move, Engagement PUT and Responsys POST all land; none is lost', async () => {
    const before = await getOrganization('demo', FIFTH);
    const [patch, bulk, , engagement, responsys] = await Promise.all([
      call(`${server.url}/api/v2.0/organizations/${FIFTH}/`, {
        method: 'PATCH',
        headers: NETUX,
        body: JSON.stringify({ description: 'from PATCH', properties: { source: 'patch' } }),
      }),
      call(`${server.url}/api/v2.0/organizations/_/bulk/update/`, {
        method: 'PATCH',
        headers: { ...NETUX, 'X-Bulk-Operation': 'True' },
        body: JSON.stringify([{ id: FIFTH, name: 'Fifth (bulk)', isActive: false }]),
      }),
      moveOrganization('demo', { id: FIFTH }, { label: 'global' }),
      call(`${server.url}/v0/myorganization/mon_organisation_id_1`, {
        method: 'PUT',
        headers: { 'x-api-key': 'demo-engagement-key-0001', 'content-type': 'application/json' },
        body: JSON.stringify({ publisherIds: ['partenaire_id_2'] }),
      }),
      call(`${server.url}/rest/api/v1.3/attributes/programs/Winback`, {
        method: 'POST',
        headers: { Authorization: token, 'content-type': 'application/json' },
        body: JSON.stringify({ attributes: { organizations: { attributeValues: [{ name: 'Organization Fifth' }] } } }),
      }),
    ]);
    await server.stepFunctions.idle();
    expect(patch.status).toBe(200);
    expect(bulk.status).toBe(202);
    expect(engagement.status).toBe(200);
    const after = (await getOrganization('demo', FIFTH))!;
    expect(after).toMatchObject({
      description: 'from PATCH',
      properties: { source: 'patch' },
      name: 'Fifth (bulk)',
      isActive: false,
      parentId: '0000000000000012000007',
    });
    expect(after.version).toBe(before!.version + 3); // three writes, each applied once, in some order
    expect((await getMappingForTest('demo', 'mon_annonceur', 'mon_organisation_id_1'))?.allowedPublisherIds).toEqual(['partenaire_id_2']);
    // The program write resolved the name before or after the bulk rename: either serial order is fine.
    if (responsys.status === 200) expect((await getAccessListForTest('demo', 'program', 'Winback'))?.organizationIds).toEqual([FIFTH]);
    else expect(responsys.body.errorCode).toBe('SET_OBJECT_ATTRIBUTE_EXCEPTION');
  });

  it('a delete racing updates ends deleted, with nothing left behind and no resurrection', async () => {
    const label = 'organization-fourth';
    const id = '4923b1670068c9c54b06';
    const results = await Promise.all([
      call(`${server.url}/api/v2.0/organizations/${id}/`, { method: 'DELETE', headers: NETUX }),
      ...Array.from({ length: 4 }, (_, i) =>
        call(`${server.url}/api/v2.0/organizations/${id}/`, {
          method: 'PATCH',
          headers: NETUX,
          body: JSON.stringify({ name: `racer ${i}` }),
        }),
      ),
      call(`${server.url}/api/v2.0/organizations/_/bulk/update/`, {
        method: 'PATCH',
        headers: { ...NETUX, 'X-Bulk-Operation': 'True' },
        body: JSON.stringify([{ id, description: 'late' }]),
      }),
    ]);
    await server.stepFunctions.idle();
    expect(results[0]!.status).toBe(204);
    for (const patch of results.slice(1, 5)) expect([200, 404]).toContain(patch.status);
    expect(await getOrganization('demo', id)).toBeUndefined();
    expect(await findOrganizationIdByLabel('demo', label)).toBeUndefined();
  });

  it('a crowd of PATCHes of one description all land: a lost race is run again, never answered 400', async () => {
    // Each write changes the description's trigrams (search postings), so each holds the version longer than a
    // plain field would; before the re-runs were bounded by time, about half of 60 answered 400001 "changed concurrently".
    const before = (await getOrganization('demo', FIFTH))!;
    const crowd = 40;
    const replies = await Promise.all(
      Array.from({ length: crowd }, (_, i) =>
        call(`${server.url}/api/v2.0/organizations/${FIFTH}/`, {
          method: 'PATCH',
          headers: NETUX,
          body: JSON.stringify({ description: `crowd ${i} of ${crowd}` }),
        }),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array.from({ length: crowd }, () => 200));
    const after = (await getOrganization('demo', FIFTH))!;
    expect(after.version).toBe(before.version + crowd);
    // The last write's text is the stored one, and it is found by its own words.
    const last = replies.find((reply) => reply.body.description === after.description);
    expect(last).toBeDefined();
    const found = await call(`${server.url}/api/v2.0/organizations/?search=${encodeURIComponent(after.description)}`, { headers: NETUX });
    expect(found.body.results.map((o: { id: string }) => o.id)).toEqual([FIFTH]);
  });

  it('concurrent moves never create a cycle', async () => {
    // a under b and b under a at once: one of them must be refused.
    const results = await Promise.allSettled([
      moveOrganization('demo', { label: 'twin-a' }, { label: 'twin-b' }),
      moveOrganization('demo', { label: 'twin-b' }, { label: 'twin-a' }),
    ]);
    const a = await getOrganization('demo', '5000000000000000000003');
    const b = await getOrganization('demo', '5000000000000000000004');
    expect(a!.parentId === b!.id && b!.parentId === a!.id).toBe(false);
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
  });
});
