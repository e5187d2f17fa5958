/**
 * Unknown paths and methods under each dialect's base path answer that dialect's own 404 (not API
 * Gateway's 403 "Missing Authentication Token"), from the not-found routes both runtimes read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { call, type Reply, startSeededServer, type TestServer } from '#test/support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startSeededServer();
});
afterAll(() => server.close());

const send = (method: string, path: string, headers: Record<string, string> = {}) =>
  call(`${server.url}${path}`, { method, headers, ...(['GET', 'HEAD'].includes(method) ? {} : { body: '{}' }) });

const expectEach = async (requests: [string, string][], check: (reply: Reply, about: string) => void) => {
  for (const [method, path] of requests) {
    const reply = await send(method, path);
    check(reply, `${method} ${path}`);
    expect(reply.headers.get('x-content-type-options'), `${method} ${path}`).toBe('nosniff');
  }
};

describe('Netux', () => {
  it('answers 404001 for unknown paths (other vendor resources, deeper paths, path prefixes) and unserved methods', async () => {
    await expectEach(
      [
        ['GET', '/api/v2.0/devices/'],
        ['GET', '/api/v2.0/organizations/0000000000000000000007/users/'],
        ['GET', '/api/v2.0/organizations/_/bulk/'],
        ['POST', '/api/v2.0/organizations/0000000000000000000007/'],
        ['DELETE', '/api/v2.0/organizations/'],
        ['PUT', '/api/v2.0/tasks/abc/'],
        ['GET', '/api/v2.0'],
      ],
      (reply, about) => {
        expect(reply.status, about).toBe(404);
        expect(reply.body, about).toEqual({ code: 404001, message: 'Not found.', detail: 'Not found.' });
      },
    );
  });
});

describe('Engagement', () => {
  it('answers {"ok":false,"code":"NOT_FOUND"} for unknown paths and unserved methods', async () => {
    await expectEach(
      [
        ['GET', '/v0/mission'],
        ['GET', '/v0/myorganization'],
        ['DELETE', '/v0/myorganization/mon_organisation_id_1'],
        ['POST', '/v0/publisher'],
        ['GET', '/v0/publisher/partenaire_id_1/stats'],
      ],
      (reply, about) => {
        expect(reply.status, about).toBe(404);
        expect(reply.body, about).toEqual({ ok: false, code: 'NOT_FOUND', message: 'Not found' });
      },
    );
  });
});

describe('Apidae', () => {
  it('answers a plain-text 404 for unknown services and unserved methods', async () => {
    await expectEach(
      [
        ['GET', '/api/v002/membre/get-by-id'],
        ['GET', '/api/v002/membre/unknown-service'],
        ['DELETE', '/api/v002/membre/get-membres'],
        ['GET', '/api/v002/membre'],
      ],
      (reply, about) => {
        expect(reply.status, about).toBe(404);
        expect(reply.headers.get('content-type'), about).toMatch(/^text\/plain/);
        expect(reply.text, about).toBe('Service introuvable.');
      },
    );
  });
});

describe('Responsys', () => {
  it('answers its error envelope for unknown resources and unserved methods, the unversioned rate-limit resource included', async () => {
    await expectEach(
      [
        ['GET', '/rest/api/v1.3/lists'],
        ['DELETE', '/rest/api/v1.3/programs/Welcome'],
        ['GET', '/rest/api/v1.3/attributes'],
        ['GET', '/rest/api/v1.3/auth/token'],
        ['POST', '/rest/api/ratelimit'],
      ],
      (reply, about) => {
        expect(reply.status, about).toBe(404);
        expect(reply.body, about).toEqual({
          type: '',
          title: 'Not found',
          errorCode: 'NOT_FOUND',
          detail: 'The requested resource does not exist.',
          errorDetails: [],
        });
      },
    );
  });
});

describe('outside every base path', () => {
  it("is left to API Gateway's own answer (no dialect owns it)", async () => {
    const reply = await send('GET', '/elsewhere');
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ message: 'Missing Authentication Token' });
  });
});
