/**
 * Unknown paths and methods under each dialect's base path answer that dialect's own 404 (not API
 * Gateway's 403 "Missing Authentication Token"), from the not-found routes both runtimes read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { call, startSeededServer, type TestServer } from '#test/support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startSeededServer();
});
afterAll(() => server.close());

/** Per dialect: requests no route takes (other vendor resources, deeper paths, path prefixes, unserved methods), and its 404. */
const cases: { dialect: string; requests: [string, string][]; json?: unknown; text?: string }[] = [
  {
    dialect: 'Netux',
    requests: [
      ['GET', '/api/v2.0/devices/'],
      ['GET', '/api/v2.0/organizations/0000000000000000000007/users/'],
      ['GET', '/api/v2.0/organizations/_/bulk/'],
      ['POST', '/api/v2.0/organizations/0000000000000000000007/'],
      ['DELETE', '/api/v2.0/organizations/'],
      ['PUT', '/api/v2.0/tasks/abc/'],
      ['GET', '/api/v2.0'],
    ],
    json: { code: 404001, message: 'Not found.', detail: 'Not found.' },
  },
  {
    dialect: 'Engagement',
    requests: [
      ['GET', '/v0/mission'],
      ['GET', '/v0/myorganization'],
      ['DELETE', '/v0/myorganization/mon_organisation_id_1'],
      ['POST', '/v0/publisher'],
      ['GET', '/v0/publisher/partenaire_id_1/stats'],
    ],
    json: { ok: false, code: 'NOT_FOUND', message: 'Not found' },
  },
  {
    dialect: 'Apidae',
    requests: [
      ['GET', '/api/v002/membre/get-by-id'],
      ['GET', '/api/v002/membre/unknown-service'],
      ['DELETE', '/api/v002/membre/get-membres'],
      ['GET', '/api/v002/membre'],
    ],
    text: 'Service introuvable.',
  },
  {
    dialect: 'Responsys',
    requests: [
      ['GET', '/rest/api/v1.3/lists'],
      ['DELETE', '/rest/api/v1.3/programs/Welcome'],
      ['GET', '/rest/api/v1.3/attributes'],
      ['GET', '/rest/api/v1.3/auth/token'],
      // The unversioned rate-limit resource is Responsys' too.
      ['POST', '/rest/api/ratelimit'],
    ],
    json: { type: '', title: 'Not found', errorCode: 'NOT_FOUND', detail: 'The requested resource does not exist.', errorDetails: [] },
  },
];

describe.each(cases)('$dialect', ({ requests, json, text }) => {
  it.each(requests)('%s %s answers the dialect’s 404, without credentials', async (method, path) => {
    const reply = await call(`${server.url}${path}`, { method, ...(method === 'GET' ? {} : { body: '{}' }) });
    expect(reply.status).toBe(404);
    if (json) expect(reply.body).toEqual(json);
    else {
      expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(reply.text).toBe(text);
    }
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('outside every base path', () => {
  it("is left to API Gateway's own answer (no dialect owns it)", async () => {
    const reply = await call(`${server.url}/elsewhere`);
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ message: 'Missing Authentication Token' });
  });
});
