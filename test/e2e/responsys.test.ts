/** Responsys /rest/api/v1.3 over HTTP: every bullet of contracts.md §4. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sha256 } from '#shared/crypto.ts';
import { putCredential } from '#shared/db/credentials.ts';
import { loadSeed } from '#shared/seed/load.ts';
import { parseSeedFile } from '#shared/seed/schema.ts';
import { call, startSeededServer, type TestServer } from '#test/support/server.ts';
import { snapshotTable } from '#test/support/table.ts';

let server: TestServer;
let token: string;
const base = () => `${server.url}/rest/api/v1.3`;

async function login(user = 'demo-user', password = 'demo-password-1') {
  return call(`${base()}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_name: user, password, auth_type: 'password' }).toString(),
  });
}
const api = (method: string, path: string, body?: unknown, auth: string | null = token) =>
  call(`${path.startsWith('/rest/') ? server.url : base()}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
const access = (names: string[]) => ({ attributes: { organizations: { attributeValues: names.map((name) => ({ name })) } } });

beforeAll(async () => {
  server = await startSeededServer();
  token = (await login()).body.authToken;
});
afterAll(() => server.close());

describe('login', () => {
  it('answers {authToken, issuedAt, endPoint} with endPoint the absolute base URL', async () => {
    const before = Date.now();
    const reply = await login();
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(['authToken', 'endPoint', 'issuedAt']);
    expect(reply.body.issuedAt).toBeGreaterThanOrEqual(before);
    expect(reply.body.endPoint).toBe(server.url);
    // Clients append /rest/api/v1.3/… to endPoint.
    expect((await call(`${reply.body.endPoint}/rest/api/v1.3/programs`, { headers: { Authorization: reply.body.authToken } })).status).toBe(
      200,
    );
  });

  it('answers the same 401 INVALID_CREDENTIALS for a wrong password and an unknown user', async () => {
    const wrong = await login('demo-user', 'nope-nope');
    const unknown = await login('nobody', 'demo-password-1');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.errorCode).toBe('INVALID_CREDENTIALS');
  });

  it('answers 400 INVALID_REQUEST_BODY for a missing field or an unknown auth_type', async () => {
    for (const body of ['user_name=demo-user&auth_type=password', 'user_name=demo-user&password=x&auth_type=magic', '']) {
      const reply = await call(`${base()}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(reply.status, body).toBe(400);
      expect(reply.body).toMatchObject({ type: '', errorCode: 'INVALID_REQUEST_BODY', errorDetails: [] });
    }
  });

  it('auth_type=token refreshes: the new token works, the old one no longer does', async () => {
    const old = (await login()).body.authToken;
    const refreshed = await call(`${base()}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', Authorization: old },
      body: 'auth_type=token',
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.authToken).not.toBe(old);
    expect((await api('GET', '/programs', undefined, refreshed.body.authToken)).status).toBe(200);
    expect((await api('GET', '/programs', undefined, old)).status).toBe(401);
  });

  it('stores tokens only as hashes', async () => {
    expect(JSON.stringify(await snapshotTable())).not.toContain(token);
  });
});

describe('authorization', () => {
  it('accepts the raw token only: missing, invalid, Bearer-prefixed and expired tokens get 401 INVALID_AUTH_TOKEN', async () => {
    const expired = 'an-expired-token-that-ttl-has-not-removed-yet';
    await putCredential({
      kind: 'responsys-token',
      lookupId: sha256(expired),
      tenantId: 'demo',
      credentialId: 'responsys-expired',
      principalId: 'demo-user',
      issuedAtMs: Date.now() - 3 * 3600_000,
      expiresAtMs: Date.now() - 3600_000,
    });
    for (const auth of [null, 'nope', `Bearer ${token}`, expired]) {
      const reply = await api('GET', '/attributes/organizations', undefined, auth);
      expect(reply.status, String(auth)).toBe(401);
      expect(reply.body).toEqual({
        type: '',
        title: 'Unauthorized',
        errorCode: 'INVALID_AUTH_TOKEN',
        detail: 'Not a valid authentication token',
        errorDetails: [],
      });
    }
  });
});

describe('GET /attributes/organizations', () => {
  it('answers the tree with integer ids, lineage from the parent pointers, and no children on leaves', async () => {
    const reply = await api('GET', '/attributes/organizations');
    expect(reply.status).toBe(200);
    const roots = reply.body.attributes.organizations.attributeValues;
    const usa = roots.find((n: { id: number }) => n.id === 7);
    expect(usa).toEqual({
      id: 7,
      name: 'USA',
      lineage: '7:',
      children: [
        {
          id: 4000007,
          name: 'APAC',
          lineage: '7:4000007:',
          children: [{ id: 20003, name: 'Organization Fifth', lineage: '7:4000007:20003:' }],
        },
        { id: 12000007, name: 'Global', lineage: '7:12000007:' },
      ],
    });
    expect(roots.some((n: { name: string }) => n.name === 'Other USA')).toBe(false);
  });
});

describe('program access', () => {
  it("accepts the seed's sample request and answers its sample response exactly", async () => {
    const reply = await api('POST', '/attributes/programs/Welcome', access(['USA', 'APAC', 'Global']));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      attributes: {
        organizations: {
          attributeValues: [
            { id: 7, name: 'USA', lineage: '7:' },
            { id: 4000007, name: 'APAC', lineage: '7:4000007:' },
            { id: 12000007, name: 'Global', lineage: '7:12000007:' },
          ],
        },
      },
    });
    expect((await api('GET', '/attributes/programs/Welcome')).body).toEqual(reply.body);
  });

  it('replaces the set, keeps request order, counts duplicates once; [] clears it', async () => {
    const reply = await api('POST', '/attributes/programs/Welcome', access(['Global', 'USA', 'Global']));
    expect(reply.body.attributes.organizations.attributeValues.map((v: { id: number }) => v.id)).toEqual([12000007, 7]);
    expect((await api('GET', '/attributes/programs/Welcome')).body).toEqual(reply.body);
    expect((await api('POST', '/attributes/programs/Welcome', access([]))).body.attributes.organizations.attributeValues).toEqual([]);
    expect((await api('GET', '/attributes/programs/Welcome')).body.attributes.organizations.attributeValues).toEqual([]);
  });

  it('fails the whole request on a name matching nothing (case-sensitive) or several, and changes nothing', async () => {
    await api('POST', '/attributes/programs/Welcome', access(['USA']));
    const before = await snapshotTable();
    const invalid = await api('POST', '/attributes/programs/Welcome', access(['APAC', 'usa']));
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({
      type: '',
      title: 'Set Object Attribute Exception',
      errorCode: 'SET_OBJECT_ATTRIBUTE_EXCEPTION',
      detail: 'Unable to set Access Attributes for the program. Invalid attribute value: usa',
      errorDetails: [],
    });
    const ambiguous = await api('POST', '/attributes/programs/Welcome', access(['Twin']));
    expect(ambiguous.body.detail).toBe('Unable to set Access Attributes for the program. Ambiguous attribute value: Twin');
    expect(await snapshotTable()).toEqual(before);
  });

  it('answers 404 PROGRAM_NOT_FOUND for an unknown program on GET and POST', async () => {
    for (const method of ['GET', 'POST']) {
      const reply = await api(method, '/attributes/programs/Nope', method === 'POST' ? access(['USA']) : undefined);
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual({
        type: '',
        title: 'Program not found',
        errorCode: 'PROGRAM_NOT_FOUND',
        detail: 'Program with the name Nope not found',
        errorDetails: [],
      });
    }
  });

  it('answers 400 INVALID_REQUEST_BODY for a malformed body or the wrong shape, changing nothing', async () => {
    const before = await snapshotTable();
    for (const body of [
      '{"attributes": ',
      { attributes: { organizations: {} } },
      { attributes: { organizations: { attributeValues: [{ id: 7 }] } } },
    ]) {
      const reply = await api('POST', '/attributes/programs/Welcome', body);
      expect(reply.status).toBe(400);
      expect(reply.body.errorCode).toBe('INVALID_REQUEST_BODY');
    }
    expect(await snapshotTable()).toEqual(before);
  });

  it('matches an organization renamed through Netux under its new name on the next request', async () => {
    const renamed = await call(`${server.url}/api/v2.0/organizations/~global/`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73' },
      body: JSON.stringify({ name: 'Worldwide' }),
    });
    expect(renamed.status).toBe(200);
    expect(
      (await api('POST', '/attributes/programs/Welcome', access(['Worldwide']))).body.attributes.organizations.attributeValues,
    ).toEqual([{ id: 12000007, name: 'Worldwide', lineage: '7:12000007:' }]);
    expect((await api('POST', '/attributes/programs/Welcome', access(['Global']))).status).toBe(400);
  });

  it("treats another tenant's program like a missing one", async () => {
    const other = (await login('other-tenant-user', 'other-password')).body.authToken;
    const reply = await api('GET', '/attributes/programs/Spring%20Sale', undefined, other);
    expect(reply.status).toBe(404);
    // and its own Welcome program lists only its own organization
    expect((await api('GET', '/attributes/programs/Welcome', undefined, other)).body.attributes.organizations.attributeValues).toEqual([
      { id: 1, name: 'Other USA', lineage: '1:' },
    ]);
  });
});

describe('campaign access', () => {
  it('works like programs, with CAMPAIGN_NOT_FOUND', async () => {
    const reply = await api('POST', '/attributes/campaigns/Spring%20Sale', access(['APAC']));
    expect(reply.body.attributes.organizations.attributeValues).toEqual([{ id: 4000007, name: 'APAC', lineage: '7:4000007:' }]);
    expect((await api('GET', '/attributes/campaigns/Spring%20Sale')).body).toEqual(reply.body);
    const missing = await api('GET', '/attributes/campaigns/Nope');
    expect(missing.body).toMatchObject({
      errorCode: 'CAMPAIGN_NOT_FOUND',
      title: 'Campaign not found',
      detail: 'Campaign with the name Nope not found',
    });
    const invalid = await api('POST', '/attributes/campaigns/Spring%20Sale', access(['nope']));
    expect(invalid.body.detail).toBe('Unable to set Access Attributes for the campaign. Invalid attribute value: nope');
  });
});

describe('programs', () => {
  /** The demo seed's Welcome program, as both program endpoints answer it (the list adds listName). */
  const welcome = {
    id: 1,
    name: 'Welcome',
    folderName: 'Lifecycle',
    channels: ['EMAIL'],
    createdOn: '13/05/2020',
    createdBy: 'demo-user',
    modifiedOn: '02/03/2024',
    modifiedBy: 'demo-user',
    status: 'RUNNING',
    publishDate: '02/03/2024',
  };
  it("lists with Oracle's fields and sample shape, in id order, with offset and limit (max 200)", async () => {
    const all = await api('GET', '/programs');
    expect(all.status).toBe(200);
    expect(Object.keys(all.body)).toEqual(['programs']);
    expect(all.body.programs.map((p: { name: string }) => p.name)).toEqual(['Welcome', 'Winback', 'TestProgram']);
    expect(all.body.programs[0]).toEqual({ ...welcome, listName: 'CONTACTS_LIST' });
    // Not running: its unpublish date is shown (it is not for a running program).
    expect(all.body.programs[1]).toMatchObject({
      name: 'Winback',
      status: 'NOT_RUNNING',
      unpublishDate: '15/01/2024',
      channels: ['EMAIL', 'SMS'],
    });
    for (const program of all.body.programs) expect(['NOT_RUNNING', 'RUNNING', 'RUNNING_WITH_ERRORS']).toContain(program.status);
    expect((await api('GET', '/programs?offset=1&limit=1')).body.programs.map((p: { name: string }) => p.name)).toEqual(['Winback']);
  });

  it('filters by a comma-separated list of states, as the reference documents', async () => {
    const names = async (query: string) => (await api('GET', `/programs?${query}`)).body.programs.map((p: { name: string }) => p.name);
    expect(await names('status=RUNNING')).toEqual(['Welcome']);
    expect(await names('status=NOT_RUNNING,RUNNING_WITH_ERRORS')).toEqual(['Winback', 'TestProgram']);
    expect(await names('status=RUNNING_WITH_ERRORS,RUNNING&offset=1&limit=1')).toEqual(['TestProgram']);
    expect(await names('status=running, not_running')).toEqual(['Welcome', 'Winback']);
  });

  it('gets one by name with list{id,name} and links, as the reference sample shows', async () => {
    const reply = await api('GET', '/programs/Welcome');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      ...welcome,
      list: { id: 86126161, name: 'CONTACTS_LIST' },
      links: [
        { rel: 'self', href: '/rest/api/v1.3/programs/Welcome', method: 'GET' },
        { rel: 'getAllPrograms', href: '/rest/api/v1.3/programs', method: 'GET' },
      ],
    });
    // The links are paths under the API root: a client appends them to its endPoint.
    const self = await call(`${server.url}${reply.body.links[0].href}`, { headers: { Authorization: token } });
    expect(self.body).toEqual(reply.body);
    expect((await api('GET', '/programs/TestProgram')).body).toMatchObject({ status: 'RUNNING_WITH_ERRORS', list: null, createdBy: 'N/A' });
    expect((await api('GET', '/programs/Nope')).body).toEqual({
      type: '',
      title: 'Program not found',
      errorCode: 'PROGRAM_NOT_FOUND',
      detail: 'Program with the name Nope not found',
      errorDetails: [],
    });
  });

  it('answers 400 INVALID_PARAMETER for limit over 200, a negative offset or an unknown state', async () => {
    for (const query of ['limit=201', 'offset=-1', 'limit=0', 'limit=x', 'status=ACTIVE', 'status=RUNNING,PAUSED']) {
      const reply = await api('GET', `/programs?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.errorCode).toBe('INVALID_PARAMETER');
    }
  });
});

describe('campaigns', () => {
  /** What the responsysrest client sends: GET {endPoint}/rest/api/v1.3/campaigns with the raw token, no body, no content type. */
  const clientGet = (service: string) => call(`${server.url}/rest/api/v1.3/${service}`, { headers: { Authorization: token } });

  it("answers the client's get_campaigns(): the EMD email campaigns, each with its properties and links", async () => {
    const reply = await clientGet('campaigns');
    expect(reply.status).toBe(200);
    expect(reply.body.campaigns).toEqual([
      {
        id: 11,
        name: 'Spring Sale',
        type: 'EMAIL',
        folderName: 'Campaigns',
        description: 'Seasonal offers',
        listName: 'CONTACTS_LIST',
        purpose: 'PROMOTIONAL',
        campaignStatus: 'ACTIVE',
        subject: 'Spring is here',
        fromName: 'Orgbridge demo',
        fromEmail: 'news@example.org',
        useUTF8: true,
        links: [
          { rel: 'self', href: '/rest/api/v1.3/campaigns/Spring%20Sale', method: 'GET' },
          { rel: 'getAllCampaigns', href: '/rest/api/v1.3/campaigns', method: 'GET' },
        ],
      },
      {
        id: 91,
        name: 'TestCampaign',
        type: 'EMAIL',
        folderName: 'Tests',
        campaignStatus: 'CLOSED',
        links: [
          { rel: 'self', href: '/rest/api/v1.3/campaigns/TestCampaign', method: 'GET' },
          { rel: 'getAllCampaigns', href: '/rest/api/v1.3/campaigns', method: 'GET' },
        ],
      },
    ]);
    expect(reply.body.links).toEqual([{ rel: 'self', href: '/rest/api/v1.3/campaigns?limit=200&offset=0&type=email', method: 'GET' }]);
  });

  it("answers get_push_campaigns() (campaigns?type=push); the type is one of Oracle's, in any case", async () => {
    const push = await clientGet('campaigns?type=push');
    expect(push.body.campaigns.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual([['App Launch', 'PUSH']]);
    expect(push.body.campaigns[0]).toMatchObject({ campaignStatus: 'DRAFT', appName: 'Orgbridge Field App' });
    expect((await clientGet('campaigns?type=EMAIL')).body.campaigns).toHaveLength(2);
    expect((await clientGet('campaigns?type=sms')).body.campaigns).toEqual([]);
    for (const query of ['type=fax', 'limit=201', 'offset=-2']) {
      const reply = await clientGet(`campaigns?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.errorCode).toBe('INVALID_PARAMETER');
    }
  });

  it('pages with offset and limit, and a next link a client follows to the end (the links[1] a script reads)', async () => {
    const first = await clientGet('campaigns?limit=1&offset=0&type=email');
    expect(first.body.campaigns.map((c: { id: number }) => c.id)).toEqual([11]);
    expect(first.body.links).toEqual([
      { rel: 'self', href: '/rest/api/v1.3/campaigns?limit=1&offset=0&type=email', method: 'GET' },
      { rel: 'next', href: '/rest/api/v1.3/campaigns?limit=1&offset=1&type=email', method: 'GET' },
    ]);
    const second = await call(`${server.url}${first.body.links[1].href}`, { headers: { Authorization: token } });
    expect(second.body.campaigns.map((c: { id: number }) => c.id)).toEqual([91]);
    expect(second.body.links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'prev']);
  });

  it('gets one campaign by name the way the reference documents it, or 404 CAMPAIGN_NOT_FOUND', async () => {
    const reply = await clientGet('campaigns/Spring%20Sale');
    expect(reply.status).toBe(200);
    const listed = (await clientGet('campaigns')).body.campaigns[0];
    expect(reply.body).toEqual(listed);
    expect(await clientGet('campaigns/Nope')).toMatchObject({
      status: 404,
      body: {
        type: '',
        title: 'Campaign not found',
        errorCode: 'CAMPAIGN_NOT_FOUND',
        detail: 'Campaign with the name Nope not found',
        errorDetails: [],
      },
    });
  });

  it("treats another tenant's campaigns like missing ones", async () => {
    const other = (await login('other-tenant-user', 'other-password')).body.authToken;
    expect((await api('GET', '/campaigns', undefined, other)).body.campaigns).toEqual([]);
    expect((await api('GET', '/campaigns/Spring%20Sale', undefined, other)).status).toBe(404);
  });
});

describe('program and campaign pages at scale', () => {
  it('pages 250 programs across states in id order (listing entries, merged across the states asked for)', async () => {
    const states = ['NOT_RUNNING', 'RUNNING', 'RUNNING_WITH_ERRORS'] as const;
    await loadSeed(
      parseSeedFile({
        tenants: [
          {
            id: 'many-programs',
            name: 'Many programs',
            credentials: { responsys: [{ userName: 'many-programs-user', password: 'many-programs-password' }] },
            programs: Array.from({ length: 250 }, (_, i) => ({ id: 1000 - i * 3, name: `P${i}`, status: states[i % 3] })),
            campaigns: Array.from({ length: 5 }, (_, i) => ({ id: 500 + i, name: `C${i}`, type: i % 2 ? 'SMS' : 'EMAIL' })),
          },
        ],
      }),
    );
    const own = (await login('many-programs-user', 'many-programs-password')).body.authToken;
    const ids = async (query: string) =>
      (await api('GET', `/programs?${query}`, undefined, own)).body.programs.map((p: { id: number }) => p.id);
    const ascending = Array.from({ length: 250 }, (_, i) => 1000 - i * 3).reverse();
    expect([...(await ids('limit=200')), ...(await ids('offset=200'))]).toEqual(ascending);
    const someStates = ascending.filter((id) => ((1000 - id) / 3) % 3 !== 1);
    expect(await ids('status=NOT_RUNNING,RUNNING_WITH_ERRORS&offset=10&limit=30')).toEqual(someStates.slice(10, 40));
    const sms = await api('GET', '/campaigns?type=sms', undefined, own);
    expect(sms.body.campaigns.map((c: { id: number }) => c.id)).toEqual([501, 503]);
  });
});

describe('rate limits', () => {
  it('GET /rest/api/ratelimit lists the caller’s limits', async () => {
    const reply = await api('GET', '/rest/api/ratelimit');
    expect(reply.status).toBe(200);
    expect(reply.body[0]).toEqual({
      limit: 600,
      api: expect.any(String),
      resource_path: expect.stringMatching(/^\/rest\/api/),
      verb: expect.any(String),
      description: expect.any(String),
    });
  });

  it('answers 429 API_LIMIT_EXCEEDED with Retry-After beyond the limit, counted per user across tokens', async () => {
    const first = (await login('test-rate-limited-user', 'limited-password')).body.authToken;
    const second = (await login('test-rate-limited-user', 'limited-password')).body.authToken;
    const replies = await Promise.all([first, second, first, second].map((t) => api('GET', '/programs', undefined, t)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 429]);
    const limited = replies.find((r) => r.status === 429)!;
    expect(limited.body.errorCode).toBe('API_LIMIT_EXCEEDED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
