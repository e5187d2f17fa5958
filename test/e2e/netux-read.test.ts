/** Netux read slice over HTTP: list, get by id and ~label, auth, scopes, paging, rate limit, tenancy. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { call, startSeededServer, type TestServer } from '#test/support/server.ts';

const TOKEN = 'oaXBo6ODhIjPsusNRPUGIK4d72bc73';
const OTHER_TENANT_TOKEN = 'other-tenant-netux-token';
let server: TestServer;
const get = (path: string, token: string | null = TOKEN) =>
  call(`${server.url}${path}`, { headers: token ? { 'X-Auth-Token': token } : {} });

beforeAll(async () => {
  server = await startSeededServer();
});
afterAll(() => server.close());

describe('authentication and scopes', () => {
  it('answers 401001 "not provided" without a token', async () => {
    const reply = await get('/api/v2.0/organizations/', null);
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({
      code: 401001,
      message: 'Authentication credentials were not provided.',
      detail: 'Authentication credentials were not provided.',
    });
  });

  it('answers 401001 "Invalid token." for an unknown token, in header or query', async () => {
    for (const reply of [await get('/api/v2.0/organizations/', 'nope'), await get('/api/v2.0/organizations/?token=nope', null)]) {
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ code: 401001, message: 'Invalid token.', detail: 'Invalid token.' });
    }
  });

  it('accepts the token as ?token=', async () => {
    const reply = await get(`/api/v2.0/organizations/~usa/?token=${TOKEN}`, null);
    expect(reply.status).toBe(200);
    expect(reply.body.name).toBe('USA');
  });

  it('answers 403001 when the token lacks the read scope', async () => {
    const reply = await get('/api/v2.0/organizations/', 'test-netux-bulk-only-token');
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ code: 403001, message: 'You do not have permission to perform this action.' });
  });
});

describe('GET /api/v2.0/organizations/{key}/', () => {
  it('returns the Organization object by id, with and without the trailing slash', async () => {
    for (const path of ['/api/v2.0/organizations/0000000000000000000007/', '/api/v2.0/organizations/0000000000000000000007']) {
      const reply = await get(path);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        id: '0000000000000000000007',
        label: 'usa',
        name: 'USA',
        description: 'United States',
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        isActive: true,
        properties: { rna: 'W751000001', siret: '12345678900011' },
        app: { id: '6a1f0c2d9e8b7a6f5e4d3c2b', label: 'field-app', name: 'Field App', url: 'https://apps.example.org/field' },
        favicon: null,
        logo: { h36: 'https://cdn.example.org/usa.png', h50: 'https://cdn.example.org/usa.png', raw: 'https://cdn.example.org/usa.png' },
        devicesCount: 0,
        usersCount: 2,
        // The organization-object page's limits, with this product's values (only users are counted).
        limits: [
          { actual_value: 0, icon: 'hdd-o', max_value: '*', name: 'Devices', type: 'devices' },
          { actual_value: 0, icon: 'envelope', max_value: '*', name: 'Emails', type: 'emails' },
          { actual_value: 0, icon: 'signal', max_value: '*', name: 'Variables', type: 'variables' },
          { actual_value: 2, icon: 'users', max_value: '*', name: 'Users', type: 'users' },
          { actual_value: 0, icon: 'spinner', max_value: '*', name: 'Dots', type: 'dots' },
          { actual_value: 0, icon: 'mobile-phone', max_value: '*', name: 'SMS', type: 'sms' },
          { actual_value: 0, icon: null, max_value: '*', name: 'Voice', type: 'voice' },
        ],
        url: `${server.url}/api/v2.0/organizations/0000000000000000000007/`,
      });
    }
  });

  it('finds by ~label', async () => {
    const reply = await get('/api/v2.0/organizations/~organization-third/');
    expect(reply.body.id).toBe('409dba9c67d3bb19f554');
  });

  it('answers 404001 for any key that matches nothing, malformed or not', async () => {
    for (const key of ['ffffffffffffffffffff', '~nope', 'not-a-hex-id', '%F0%9F%98%80']) {
      const reply = await get(`/api/v2.0/organizations/${key}/`);
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual({ code: 404001, message: 'Not found.', detail: 'Not found.' });
    }
  });

  it("treats another tenant's organization exactly like a missing one", async () => {
    const foreign = await get('/api/v2.0/organizations/aaaaaaaaaaaaaaaaaaaaaaaa/');
    const missing = await get('/api/v2.0/organizations/bbbbbbbbbbbbbbbbbbbbbbbb/');
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    // and the other tenant sees its own `usa`, not ours
    const own = await get('/api/v2.0/organizations/~usa/', OTHER_TENANT_TOKEN);
    expect(own.body.name).toBe('Other USA');
  });
});

describe('GET /api/v2.0/organizations/', () => {
  it('pages with count, absolute next/previous and createdAt order by default', async () => {
    const first = await get('/api/v2.0/organizations/?page_size=3');
    expect(first.status).toBe(200);
    expect(first.body.count).toBe(12);
    expect(first.body.results.map((o: { label: string }) => o.label)).toEqual(['usa', 'apac', 'global']);
    expect(first.body.previous).toBeNull();
    expect(first.body.next).toBe(`${server.url}/api/v2.0/organizations/?page_size=3&page=2`);

    const last = await get('/api/v2.0/organizations/?page_size=3&page=4');
    expect(last.body.results.map((o: { label: string }) => o.label)).toEqual(['twin-a', 'twin-b', 'office-annecy']);
    expect(last.body.next).toBeNull();
    expect(last.body.previous).toBe(`${server.url}/api/v2.0/organizations/?page_size=3&page=3`);
  });

  it('answers 404001 for a page past the last', async () => {
    const reply = await get('/api/v2.0/organizations/?page_size=3&page=5');
    expect(reply.status).toBe(404);
    expect(reply.body.code).toBe(404001);
  });

  it('filters by search (label, name or description, case-insensitive), label and name', async () => {
    const search = await get('/api/v2.0/organizations/?search=ORGANIZATION');
    expect(search.body.results.map((o: { label: string }) => o.label).sort()).toEqual([
      'organization-fifth',
      'organization-fourth',
      'organization-third',
    ]);
    const byDescription = await get('/api/v2.0/organizations/?search=united%20states');
    expect(byDescription.body.results.map((o: { label: string }) => o.label)).toEqual(['usa']);
    expect((await get('/api/v2.0/organizations/?label=apac')).body.count).toBe(1);
    expect((await get('/api/v2.0/organizations/?name=Apac')).body.count).toBe(0);
  });

  it('sorts by label, name and createdAt, descending with "-"', async () => {
    const labels = (await get('/api/v2.0/organizations/?sort_by=-label')).body.results.map((o: { label: string }) => o.label);
    expect(labels).toEqual([...labels].sort().reverse());
    const names = (await get('/api/v2.0/organizations/?sort_by=name')).body.results.map((o: { name: string }) => o.name);
    expect(names[0]).toBe('APAC');
    // The Sorting page's spelling: created_at and -created_at order like createdAt.
    const ids = async (sortBy: string) =>
      (await get(`/api/v2.0/organizations/?sort_by=${sortBy}`)).body.results.map((o: { id: string }) => o.id);
    const byCreation = await ids('createdAt');
    expect(await ids('created_at')).toEqual(byCreation);
    expect(await ids('-created_at')).toEqual(await ids('-createdAt'));
    expect(await ids('-created_at')).not.toEqual(byCreation);
  });

  it('keeps only the requested fields', async () => {
    const reply = await get('/api/v2.0/organizations/?fields=id,label&page_size=1');
    expect(reply.body.results).toEqual([{ id: '0000000000000000000007', label: 'usa' }]);
  });

  it('answers 400001 with a field detail for bad parameters', async () => {
    const reply = await get('/api/v2.0/organizations/?page_size=1001&sort_by=color');
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe(400001);
    expect(reply.body.message).toBe('Validation Error.');
    expect(Object.keys(reply.body.detail).sort()).toEqual(['page_size', 'sort_by']);
    expect(reply.body.detail.page_size[0]).toEqual(expect.any(String));
  });

  it("never lists another tenant's organizations", async () => {
    const reply = await get('/api/v2.0/organizations/', OTHER_TENANT_TOKEN);
    expect(reply.body.results.map((o: { id: string }) => o.id)).toEqual(['aaaaaaaaaaaaaaaaaaaaaaaa']);
  });
});

describe('rate limit', () => {
  it('counts per credential in DynamoDB and answers 429001 with Retry-After beyond the limit', async () => {
    const token = 'test-netux-rate-limited-token';
    const replies = await Promise.all([1, 2, 3, 4].map(() => get('/api/v2.0/organizations/~usa/', token)));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = replies.find((r) => r.status === 429)!;
    expect(limited.body).toMatchObject({ code: 429001, message: 'Request was throttled.' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('3');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
  });
});

describe('the gateway', () => {
  it('refuses a request body over 10 MB before any handler runs (API Gateway’s payload limit)', async () => {
    const reply = await call(`${server.url}/api/v2.0/organizations/`, {
      method: 'POST',
      headers: { 'X-Auth-Token': TOKEN },
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
    });
    expect(reply.status).toBe(413);
  });

  it("answers unknown resources under the base path with Netux's 404001, not API Gateway's 403 (see not-found.test.ts)", async () => {
    const reply = await call(`${server.url}/api/v2.0/nothing-here`);
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ code: 404001, message: 'Not found.', detail: 'Not found.' });
  });
});
