/** Engagement /v0 over HTTP: every sentence of contracts.md §1. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setClicks } from '#shared/domain/directory-admin.ts';
import { call, startSeededServer, type TestServer } from '#test/support/server.ts';
import { snapshotTable } from '#test/support/table.ts';

const KEY = 'demo-engagement-key-0001';
const OTHER = 'test-engagement-other-publisher';
let server: TestServer;

const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = { 'x-api-key': KEY }) =>
  call(`${server.url}/v0${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
const flags = (reply: { body: { data: { _id: string; excluded: boolean }[] } }) =>
  Object.fromEntries(reply.body.data.map((p) => [p._id, p.excluded]));

beforeAll(async () => {
  server = await startSeededServer();
});
afterAll(() => server.close());

describe('PUT /v0/myorganization/{organizationClientId}', () => {
  it("answers the seed document's example: every partner of the caller, allowed ones not excluded", async () => {
    const reply = await request('PUT', '/myorganization/mon_organisation_id_1', {
      publisherIds: ['partenaire_id_1', 'partenaire_id_3'],
      organizationName: 'Mon organisation 1',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.ok).toBe(true);
    expect(reply.body.total).toBe(3);
    expect(reply.body.data[0]).toEqual({
      _id: 'partenaire_id_1',
      name: 'Mon partenaire diffuseur 1',
      category: 'OTHER',
      url: 'https://www.partenaire1.fr',
      logo: 'https://api-engagement-bucket.s3.fr-par.scw.cloud/publishers/partenaire_id_1/logo',
      description: 'La description de mon partenaire',
      widget: false,
      api: true,
      campaign: true,
      annonceur: true,
      excluded: false,
    });
    expect(flags(reply)).toEqual({ partenaire_id_1: false, partenaire_id_2: true, partenaire_id_3: false });
  });

  it('fully replaces the previous setting (not a merge); [] excludes all', async () => {
    expect(flags(await request('PUT', '/myorganization/mon_organisation_id_1', { publisherIds: ['partenaire_id_2'] }))).toEqual({
      partenaire_id_1: true,
      partenaire_id_2: false,
      partenaire_id_3: true,
    });
    const none = await request('PUT', '/myorganization/mon_organisation_id_1', { publisherIds: [] });
    expect(Object.values(flags(none))).toEqual([true, true, true]);
    expect(flags(await request('GET', '/myorganization/mon_organisation_id_1'))).toEqual(flags(none));
  });

  it("ignores ids that are not the caller's partners (unknown, or another publisher's partner) silently", async () => {
    const reply = await request('PUT', '/myorganization/mon_organisation_id_1', {
      publisherIds: ['partenaire_id_1', 'partenaire_id_4', 'nope', 'p0001'],
    });
    expect(reply.status).toBe(200);
    expect(flags(reply)).toEqual({ partenaire_id_1: false, partenaire_id_2: true, partenaire_id_3: true });
  });

  it("leaves other callers' settings untouched", async () => {
    await request('PUT', '/myorganization/mon_organisation_id_1', { publisherIds: ['partenaire_id_1'] });
    const other = await request(
      'PUT',
      '/myorganization/mon_organisation_id_1',
      { publisherIds: ['partenaire_id_4'] },
      { 'x-api-key': OTHER },
    );
    expect(flags(other)).toEqual({ partenaire_id_1: true, partenaire_id_4: false });
    expect(flags(await request('GET', '/myorganization/mon_organisation_id_1'))).toEqual({
      partenaire_id_1: false,
      partenaire_id_2: true,
      partenaire_id_3: true,
    });
  });

  it('creates a directory organization for a new client id, named organizationName or the client id, never renaming later', async () => {
    await request('PUT', '/myorganization/client-42', { publisherIds: [], organizationName: 'Asso 42' });
    const found = await request('GET', '/organization?q=asso%2042');
    expect(found.body.total).toBe(1);
    expect(found.body.data[0]).toEqual({ _id: expect.any(String), title: 'Asso 42', status: null, rna: null, siret: null });
    await request('PUT', '/myorganization/client-42', { publisherIds: [], organizationName: 'Renamed?' });
    expect((await request('GET', '/organization?q=renamed')).body.total).toBe(0);

    await request('PUT', '/myorganization/client-43', { publisherIds: [] });
    expect((await request('GET', '/organization?q=client-43')).body.data[0].title).toBe('client-43');
  });

  it('never links by name: a new client id named like an existing organization gets its own organization', async () => {
    await request('PUT', '/myorganization/another-usa', { publisherIds: [], organizationName: 'USA' });
    expect((await request('GET', '/organization?q=usa')).body.total).toBe(2);
  });

  it('is idempotent', async () => {
    const first = await request('PUT', '/myorganization/idem', { publisherIds: ['partenaire_id_3'] });
    const before = await snapshotTable();
    const second = await request('PUT', '/myorganization/idem', { publisherIds: ['partenaire_id_3'] });
    expect(second.body).toEqual(first.body);
    expect(await snapshotTable()).toEqual(before);
  });

  it('two first PUTs racing on a new client id create one organization', async () => {
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        request('PUT', '/myorganization/race-client', {
          publisherIds: i % 2 ? ['partenaire_id_1'] : ['partenaire_id_2'],
          organizationName: 'Race',
        }),
      ),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect((await request('GET', '/organization?q=race')).body.total).toBe(1);
    // The stored state is one of the PUTs, never a mix.
    const stored = flags(await request('GET', '/myorganization/race-client'));
    expect([
      { partenaire_id_1: false, partenaire_id_2: true, partenaire_id_3: true },
      { partenaire_id_1: true, partenaire_id_2: false, partenaire_id_3: true },
    ]).toContainEqual(stored);
  });

  it('answers 400 INVALID_BODY for missing publisherIds, wrong types and malformed JSON, and stores nothing', async () => {
    const before = await snapshotTable();
    for (const body of [
      {},
      { publisherIds: 'partenaire_id_1' },
      { publisherIds: [1] },
      { publisherIds: [], organizationName: 3 },
      '{"publisherIds": [',
      '[]',
    ]) {
      const reply = await request('PUT', '/myorganization/bad-body', body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body).toMatchObject({ ok: false, code: 'INVALID_BODY' });
    }
    expect(await snapshotTable()).toEqual(before);
  });

  it('ignores unknown extra keys', async () => {
    expect((await request('PUT', '/myorganization/extra-keys', { publisherIds: [], colour: 'red' })).status).toBe(200);
  });

  it('answers 400 INVALID_PARAMS for a client id over 200 characters or with control characters', async () => {
    for (const id of ['x'.repeat(201), 'a%01b']) {
      const reply = await request('PUT', `/myorganization/${id}`, { publisherIds: [] });
      expect(reply.status).toBe(400);
      expect(reply.body.code).toBe('INVALID_PARAMS');
    }
  });

  it('answers 413 PAYLOAD_TOO_LARGE over 1 MB', async () => {
    const reply = await request('PUT', '/myorganization/big', { publisherIds: ['x'.repeat(1024 * 1024)] });
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('GET /v0/myorganization/{organizationClientId}', () => {
  it('answers 404 Publisher organization not found when never set up for this caller', async () => {
    const reply = await request('GET', '/myorganization/never-set');
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ ok: false, code: 'NOT_FOUND', message: 'Publisher organization not found' });
    // Set up by another caller only: still not found for this one.
    await request('PUT', '/myorganization/others-only', { publisherIds: [] }, { 'x-api-key': OTHER });
    expect((await request('GET', '/myorganization/others-only')).status).toBe(404);
  });

  it('answers 404 after the organization is deleted (through Netux)', async () => {
    await request('PUT', '/myorganization/to-delete', { publisherIds: [] });
    const org = (await request('GET', '/organization?q=to-delete')).body.data[0];
    const deleted = await call(`${server.url}/api/v2.0/organizations/${org._id}/`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73' },
    });
    expect(deleted.status).toBe(204);
    expect((await request('GET', '/myorganization/to-delete')).body.message).toBe('Publisher organization not found');
  });

  it("gives every partner its 30-day clicks, as the vendor's tests assert: the stored count, else 0; PUT answers carry none", async () => {
    const reply = await request('GET', '/myorganization/mon_organisation_id_1');
    for (const partner of reply.body.data) {
      // The vendor's own integration test: toHaveProperty("clicks") and typeof clicks === "number".
      expect(partner).toHaveProperty('clicks');
      expect(typeof partner.clicks).toBe('number');
    }
    // The demo seed's engagementClicks: 42 from partner 1, 7 from partner 3, none known from partner 2.
    expect(Object.fromEntries(reply.body.data.map((p: { _id: string; clicks: number }) => [p._id, p.clicks]))).toEqual({
      partenaire_id_1: 42,
      partenaire_id_2: 0,
      partenaire_id_3: 7,
    });
    expect(Object.keys(reply.body.data[0]).at(-1)).toBe('clicks');
    const put = await request('PUT', '/myorganization/mon_organisation_id_1', { publisherIds: ['partenaire_id_1'] });
    expect(put.body.data.every((p: object) => !('clicks' in p))).toBe(true);
  });

  it("forgets an organization's clicks with the organization: a client id mapped again starts at 0", async () => {
    await request('PUT', '/myorganization/clicked', { publisherIds: [] });
    const org = (await request('GET', '/organization?q=clicked')).body.data[0];
    await setClicks('demo', { organization: { id: org._id }, partnerId: 'partenaire_id_2', clicks: 5 });
    const clicksOf = async () =>
      (await request('GET', '/myorganization/clicked')).body.data.find((p: { _id: string }) => p._id === 'partenaire_id_2').clicks;
    expect(await clicksOf()).toBe(5);
    const deleted = await call(`${server.url}/api/v2.0/organizations/${org._id}/`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73' },
    });
    expect(deleted.status).toBe(204);
    // The same client id creates the same (derived) organization id again: none of the old counts remain.
    await request('PUT', '/myorganization/clicked', { publisherIds: [] });
    expect((await request('GET', '/organization?q=clicked')).body.data[0]._id).toBe(org._id);
    expect(await clicksOf()).toBe(0);
  });
});

describe('publishers', () => {
  it("GET /v0/publisher lists the caller's partners with total", async () => {
    const reply = await request('GET', '/publisher');
    expect(reply.body.total).toBe(3);
    expect(reply.body.data.map((p: { _id: string }) => p._id)).toEqual(['partenaire_id_1', 'partenaire_id_2', 'partenaire_id_3']);
    expect(Object.keys(reply.body.data[0])).toEqual([
      '_id',
      'name',
      'category',
      'url',
      'logo',
      'description',
      'widget',
      'api',
      'campaign',
      'annonceur',
    ]);
  });

  it('GET /v0/publisher/{id} answers a partner, and 404 Publisher not found for anyone else', async () => {
    expect((await request('GET', '/publisher/partenaire_id_2')).body.data.name).toBe('Mon partenaire diffuseur 2');
    const reply = await request('GET', '/publisher/partenaire_id_4');
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ ok: false, code: 'NOT_FOUND', message: 'Publisher not found' });
  });

  it('answers completely for a publisher with 1,000 partners', async () => {
    const headers = { 'x-api-key': 'test-engagement-big-publisher-key' };
    expect((await request('GET', '/publisher', undefined, headers)).body.total).toBe(1000);
    const reply = await request('PUT', '/myorganization/big-one', { publisherIds: ['p0000', 'p0999'] }, headers);
    expect(reply.body.total).toBe(1000);
    expect(reply.body.data.filter((p: { excluded: boolean }) => !p.excluded).map((p: { _id: string }) => p._id)).toEqual([
      'p0000',
      'p0999',
    ]);
  });
});

describe('GET /v0/organization', () => {
  it('searches names case- and accent-insensitively, pages with limit/skip and reports total', async () => {
    const page = await request('GET', '/organization?limit=2&skip=1');
    expect(page.body.data).toHaveLength(2);
    expect(page.body.total).toBeGreaterThan(5);
    const all = await request('GET', '/organization?limit=100');
    expect(all.body.data.slice(1, 3)).toEqual(page.body.data);
    expect((await request('GET', '/organization?q=%C3%A0%20organisation%201&limit=0')).body).toMatchObject({ data: [], total: 0 });
    expect((await request('GET', '/organization?q=MON%20ORGANISATION')).body.data[0]).toMatchObject({ title: 'Mon organisation 1' });
  });

  it('filters by rna and siret from the properties; status and the vendor record fields come from the properties', async () => {
    expect((await request('GET', '/organization?rna=W751000001')).body.data).toEqual([
      { _id: '0000000000000000000007', title: 'USA', rna: 'W751000001', siret: '12345678900011', status: null },
    ]);
    expect((await request('GET', '/organization?siret=98765432100019')).body.data[0].title).toBe('Organization Third');
    // An inactive organization keeps its legal form: status is not an activity flag.
    expect((await request('GET', '/organization?q=fourth')).body.data[0].status).toBeNull();
    // Vendor record fields are answered as stored; other properties are not.
    expect((await request('GET', '/organization?rna=W691000042')).body.data).toEqual([
      {
        _id: '5000000000000000000001',
        title: 'Sponsor Leaf',
        rna: 'W691000042',
        siret: null,
        status: 'Association loi 1901',
        siren: '420000042',
        shortTitle: 'Leaf',
        addressCity: 'Lyon',
      },
    ]);
  });

  it('answers 400 INVALID_QUERY out of range', async () => {
    for (const query of ['limit=101', 'limit=-1', 'skip=-1', 'limit=abc']) {
      const reply = await request('GET', `/organization?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.code).toBe('INVALID_QUERY');
    }
  });

  it("never shows another tenant's organizations", async () => {
    expect((await request('GET', '/organization?q=other%20usa')).body.total).toBe(0);
  });
});

describe('auth and rate limit', () => {
  it('accepts x-api-key and the legacy apikey header; answers 401 UNAUTHORIZED JSON otherwise', async () => {
    expect((await request('GET', '/publisher', undefined, { apikey: KEY })).status).toBe(200);
    for (const headers of [{}, { 'x-api-key': 'wrong' }] as Record<string, string>[]) {
      const reply = await request('GET', '/publisher', undefined, headers);
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ ok: false, code: 'UNAUTHORIZED', message: 'Unauthorized' });
    }
  });

  it('sends X-RateLimit-* on every response and 429 TOO_MANY_REQUESTS with Retry-After beyond the limit', async () => {
    const headers = { 'x-api-key': 'test-engagement-rate-limited-key' };
    const first = await request('GET', '/publisher', undefined, headers);
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    const notFound = await request('GET', '/publisher/nope', undefined, headers);
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-ratelimit-remaining')).toBe('0');
    const limited = await request('GET', '/publisher', undefined, headers);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ ok: false, code: 'TOO_MANY_REQUESTS' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
