/**
 * Hostile input and abuse, over HTTP against the local server (issue 18): ill-formed Unicode and
 * undecodable paths are the dialect's 4xx and change nothing; Responsys login guessing is throttled
 * per user name and per client address before scrypt runs; absolute URLs never come from the client's
 * Host; no answer exceeds Lambda's 6 MB; every answer carries nosniff; JSONP escapes U+2028/U+2029.
 */
import { request as httpRequest } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hashPassword, verifyPassword } from '#shared/crypto.ts';
import { putCredential } from '#shared/db/credentials.ts';
import { responsys } from '#shared/dialects/responsys/dialect.ts';
import { admitLoginAttempt, LOGIN_LIMITS } from '#shared/domain/login-throttle.ts';
import { AppError } from '#shared/errors.ts';
import { RESPONSE_TOO_LARGE } from '#shared/http/handler.ts';
import { startSeededServer, type TestServer } from '#test/support/server.ts';
import { snapshotTable } from '#test/support/table.ts';

const TOKEN = 'oaXBo6ODhIjPsusNRPUGIK4d72bc73';
const ENGAGEMENT_KEY = 'demo-engagement-key-0001';
let server: TestServer;

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/**
 * node:http rather than fetch: the path goes out byte for byte (no normalization), the Host header can
 * be forged, and the client can pick its source address among 127.0.0.0/8 (a different "client IP").
 */
function raw(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; from?: string } = {},
): Promise<RawReply> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method: init.method ?? 'GET', headers: init.headers, localAddress: init.from },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // plain-text dialect answers stay text
          }
          resolve({ status: res.statusCode!, headers: res.headers, text, body });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const netux = (method: string, path: string, body?: unknown) =>
  raw(`/api/v2.0${path}`, {
    method,
    headers: { 'X-Auth-Token': TOKEN, 'content-type': 'application/json', 'X-Bulk-Operation': 'True' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
const engagement = (method: string, path: string, body?: string) =>
  raw(`/v0${path}`, { method, headers: { 'x-api-key': ENGAGEMENT_KEY, 'content-type': 'application/json' }, body });
const apidaeQuery = (query: string, extra = '') => raw(`/api/v002/membre/get-membres?query=${encodeURIComponent(query)}${extra}`);
const login = (userName: string, password: string, from = '127.0.0.1') =>
  raw('/rest/api/v1.3/auth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_name: userName, password, auth_type: 'password' }).toString(),
    from,
  });

beforeAll(async () => {
  server = await startSeededServer();
});
afterAll(() => server.close());

describe('ill-formed Unicode and undecodable paths: the dialect’s 4xx, nothing changed', () => {
  // A lone surrogate reaches the server only as a JSON escape: JSON.stringify writes one for it.
  const lone = '\ud800';

  it('Netux refuses a lone surrogate as a properties key on POST, PATCH, PUT and in a bulk item (400001, no task)', async () => {
    const before = await snapshotTable();
    const attempts = [
      await netux('POST', '/organizations/', { label: 'surrogate', properties: { [lone]: 1 } }),
      await netux('PATCH', '/organizations/~usa/', { properties: { [lone]: 1 } }),
      await netux('PUT', '/organizations/~usa/', { label: 'usa', properties: { nested: { [lone]: true } } }),
      await netux('PATCH', '/organizations/~usa/', { description: `a${lone}b` }),
    ];
    for (const reply of attempts) {
      expect(reply.status, reply.text).toBe(400);
      expect(reply.body.code).toBe(400001);
    }
    expect(attempts[0]!.body.detail).toEqual({ properties: [expect.stringContaining('well-formed Unicode')] });
    expect(attempts[3]!.body.detail).toEqual({ description: [expect.stringContaining('well-formed Unicode')] });
    const bulk = await netux('PATCH', '/organizations/_/bulk/update/', [
      { id: '0000000000000000000007', name: 'fine' },
      { id: '0000000000000000000007', properties: { [`x${lone}`]: 1 } },
    ]);
    expect(bulk.status, bulk.text).toBe(400);
    expect(bulk.body.detail).toEqual({ 1: { properties: [expect.stringContaining('well-formed Unicode')] } });
    expect(await snapshotTable()).toEqual(before);
  });

  it('Apidae refuses a lone surrogate in an indexed filter value (GET and POST) as a plain-text 400', async () => {
    for (const filter of [{ communeCodePostal: lone }, { types: ['Office', `\udc00`] }, { nom: lone }]) {
      const query = JSON.stringify({ projetId: 1234, apiKey: 'demoApidaeKey1', filter });
      const get = await apidaeQuery(query);
      const post = await raw('/api/v002/membre/get-membres', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `query=${encodeURIComponent(query)}`,
      });
      for (const reply of [get, post]) {
        expect(reply.status, reply.text).toBe(400);
        expect(reply.headers['content-type']).toMatch(/^text\/plain/);
        expect(reply.text).toContain('well-formed Unicode');
      }
    }
  });

  it('refuses undecodable path bytes in each dialect’s format (no 502), and keeps well-formed non-ASCII ids', async () => {
    const responsysToken = (await login('demo-user', 'demo-password-1', '127.0.9.1')).body.authToken;
    const before = await snapshotTable();
    for (const bad of ['%ED%A0%80', '%FF', '%C3', '%', '%zz', '%C0%AF']) {
      const key = await netux('GET', `/organizations/~ab${bad}/`);
      expect(key.status, `${bad} ${key.text}`).toBe(404);
      expect(key.body).toEqual({ code: 404001, message: 'Not found.', detail: 'Not found.' });
      for (const method of ['GET', 'PUT']) {
        const reply = await engagement(method, `/myorganization/ab${bad}`, method === 'PUT' ? '{"publisherIds":[]}' : undefined);
        expect(reply.status, `${method} ${bad} ${reply.text}`).toBe(400);
        expect(reply.body).toMatchObject({ ok: false, code: 'INVALID_PARAMS' });
      }
      const program = await raw(`/rest/api/v1.3/programs/Wel${bad}come`, { headers: { Authorization: responsysToken } });
      expect(program.status, `${bad} ${program.text}`).toBe(400);
      expect(program.body).toMatchObject({ errorCode: 'INVALID_PARAMETER', detail: expect.stringContaining('percent-encoded UTF-8') });
      const member = await raw(`/api/v002/membre/get-by-id/7${bad}?apiKey=demoApidaeKey1&projetId=1234`);
      expect(member.status, member.text).toBe(400);
      expect(member.headers['content-type']).toMatch(/^text\/plain/);
    }
    expect(await snapshotTable()).toEqual(before);
    const cafe = await engagement('PUT', '/myorganization/caf%C3%A9-%F0%9F%99%82', '{"publisherIds":["partenaire_id_1"]}');
    expect(cafe.status, cafe.text).toBe(200);
    expect((await engagement('GET', `/myorganization/${encodeURIComponent('café-🙂')}`)).status).toBe(200);
  });

  it('refuses bytes that are not UTF-8 inside a JSON body in each dialect’s format, and keeps the \\uFFFD escape', async () => {
    const responsysToken = (await login('demo-user', 'demo-password-1', '127.0.9.4')).body.authToken;
    // JSON text around raw bytes: 0xFF, a truncated é, an encoded surrogate (each becomes U+FFFD at the gateway).
    const bytes = (before: string, bad: number[], after: string) =>
      Buffer.concat([Buffer.from(before), Buffer.from(bad), Buffer.from(after)]);
    const json = { 'content-type': 'application/json' };
    const before = await snapshotTable();
    for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80]]) {
      const patch = await raw('/api/v2.0/organizations/~usa/', {
        method: 'PATCH',
        headers: { 'X-Auth-Token': TOKEN, ...json },
        body: bytes('{"description":"a', bad, 'b"}'),
      });
      expect(patch.status, patch.text).toBe(400);
      expect(patch.body).toMatchObject({ code: 400001, detail: { description: ['Must be valid UTF-8.'] } });
      const bulk = await raw('/api/v2.0/organizations/_/bulk/update/', {
        method: 'PATCH',
        headers: { 'X-Auth-Token': TOKEN, 'X-Bulk-Operation': 'True', ...json },
        body: bytes('[{"id":"0000000000000000000007","name":"fine"},{"id":"0000000000000000000007","name":"a', bad, '"}]'),
      });
      expect(bulk.status, bulk.text).toBe(400);
      expect(bulk.body.detail).toEqual({ 1: { name: ['Must be valid UTF-8.'] } });
      const put = await raw('/v0/myorganization/mon_organisation_id_1', {
        method: 'PUT',
        headers: { 'x-api-key': ENGAGEMENT_KEY, ...json },
        body: bytes('{"publisherIds":["partenaire_id_1"],"organizationName":"a', bad, '"}'),
      });
      expect(put.status, put.text).toBe(400);
      expect(put.body).toEqual({
        ok: false,
        code: 'INVALID_BODY',
        message: [{ path: ['organizationName'], message: 'Must be valid UTF-8.' }],
      });
      const access = await raw('/rest/api/v1.3/attributes/programs/Welcome', {
        method: 'POST',
        headers: { Authorization: responsysToken, ...json },
        body: bytes('{"attributes":{"organizations":{"attributeValues":[{"name":"US', bad, 'A"}]}}}'),
      });
      expect(access.status, access.text).toBe(400);
      expect(access.body).toMatchObject({ errorCode: 'INVALID_REQUEST_BODY' });
    }
    expect(await snapshotTable()).toEqual(before);
    // The escape is text the client wrote: stored as U+FFFD.
    const escaped = await netux('PATCH', '/organizations/~usa/', '{"description":"mark \\uFFFD"}');
    expect(escaped.status, escaped.text).toBe(200);
    expect(escaped.body.description).toBe('mark \uFFFD');
  });

  it('refuses undecodable bytes in query strings and form bodies in each dialect’s format, and keeps well-formed ones', async () => {
    const responsysToken = (await login('demo-user', 'demo-password-1', '127.0.9.2')).body.authToken;
    const before = await snapshotTable();
    for (const bad of ['%ED%A0%80', '%FF', '%C3', '%', '%zz', '%C0%AF', '%EF%BF%BD']) {
      const search = await netux('GET', `/organizations/?search=ab${bad}`);
      expect(search.status, `${bad} ${search.text}`).toBe(400);
      expect(search.body).toMatchObject({ code: 400001, detail: { search: [expect.stringContaining('percent-encoded UTF-8')] } });
      const found = await engagement('GET', `/organization?q=ab${bad}`);
      expect(found.status, `${bad} ${found.text}`).toBe(400);
      expect(found.body).toEqual({
        ok: false,
        code: 'INVALID_QUERY',
        message: [{ path: ['q'], message: 'Must be valid percent-encoded UTF-8.' }],
      });
      const tree = await raw(`/rest/api/v1.3/attributes/organizations?ab${bad}=1`, { headers: { Authorization: responsysToken } });
      expect(tree.status, `${bad} ${tree.text}`).toBe(400);
      expect(tree.body).toMatchObject({ errorCode: 'INVALID_PARAMETER' });
      const query = encodeURIComponent(JSON.stringify({ projetId: 1234, apiKey: 'demoApidaeKey1', filter: { nom: 'ab' } }));
      const members = [
        await raw(`/api/v002/membre/get-membres?query=${query.replace('ab', `ab${bad}`)}`),
        await raw('/api/v002/membre/get-membres', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `query=${query.replace('ab', `ab${bad}`)}`,
        }),
      ];
      for (const reply of members) {
        expect(reply.status, `${bad} ${reply.text}`).toBe(400);
        expect(reply.headers['content-type']).toMatch(/^text\/plain/);
        expect(reply.text).toContain('\nquery: Must be valid percent-encoded UTF-8.');
      }
      const form = await raw('/rest/api/v1.3/auth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `user_name=demo-user${bad}&password=demo-password-1&auth_type=password`,
        from: '127.0.9.3',
      });
      expect(form.status, `${bad} ${form.text}`).toBe(400);
      expect(form.body).toMatchObject({ errorCode: 'INVALID_REQUEST_BODY' });
    }
    // Every value of a repeated name is checked, not only the last; a form's stray `%` is refused, not stored as typed.
    const repeated = await netux('GET', '/organizations/?search=%FF&search=x');
    expect(repeated.status, repeated.text).toBe(400);
    expect(repeated.body.detail).toEqual({ search: ['Must be valid percent-encoded UTF-8.'] });
    const netuxForm = (body: string) =>
      raw('/api/v2.0/organizations/', {
        method: 'POST',
        headers: { 'X-Auth-Token': TOKEN, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    const stray = await netuxForm('label=percent-form&name=100%');
    expect(stray.status, stray.text).toBe(400);
    expect(stray.body.detail).toEqual({ name: [expect.stringContaining('percent-encoded UTF-8')] });
    expect(await snapshotTable()).toEqual(before);
    // A `\uFFFD` escape inside a form's JSON field is text, as in a JSON body.
    const escaped = await netuxForm(`label=percent-form&properties=${encodeURIComponent('{"mark":"\\uFFFD"}')}`);
    expect(escaped.status, escaped.text).toBe(201);
    expect(escaped.body.properties).toEqual({ mark: '\uFFFD' });
    expect((await netux('GET', '/organizations/?search=%C3%A9')).status).toBe(200);
    const words = await engagement('GET', '/organization?q=a+b');
    expect(words.status, words.text).toBe(200);
  });
});

describe('Responsys login guessing is throttled', () => {
  const throttled = (reply: RawReply) => {
    expect(reply.status, reply.text).toBe(429);
    expect(reply.body).toMatchObject({ type: '', errorCode: 'API_LIMIT_EXCEEDED', errorDetails: [] });
    return Number(reply.headers['retry-after']);
  };
  let users = 0;
  /** A user of the demo tenant of its own, so each scenario starts from zero. */
  async function newUser(password = 'right-password-1') {
    const userName = `guess-target-${++users}`;
    await putCredential({
      kind: 'responsys',
      lookupId: userName,
      tenantId: 'demo',
      credentialId: `cred-${userName}`,
      secretHash: await hashPassword(password),
    });
    return { userName, password };
  }
  /**
   * Windows are fixed: a scenario that straddles a window boundary would see its counter restart. It
   * then runs once more (the windows last minutes, a scenario seconds, so the second run fits).
   */
  async function inOneWindow<T>(windowSeconds: number, scenario: (run: number) => Promise<T>): Promise<T> {
    for (let run = 1; ; run++) {
      const window = () => Math.floor(Date.now() / 1000 / windowSeconds);
      const started = window();
      try {
        const result = await scenario(run);
        if (window() === started || run === 2) return result;
      } catch (error) {
        // A run that straddled a window boundary saw its counts reset midway: run it again in one window.
        if (window() === started || run === 2) throw error;
      }
    }
  }

  it('per user: after 10 failures even the right password gets 429 with Retry-After, as an unknown user does', async () => {
    await inOneWindow(LOGIN_LIMITS.user.windowSeconds, async (run) => {
      const { userName, password } = await newUser();
      const unknown = `nobody-${run}-${Date.now()}`;
      const from = `127.0.1.${run}`; // away from the addresses the per-address test exhausts
      for (let i = 0; i < LOGIN_LIMITS.user.attempts; i++) {
        expect((await login(userName, 'wrong', from)).body.errorCode).toBe('INVALID_CREDENTIALS');
        expect((await login(unknown, 'wrong', from)).body.errorCode).toBe('INVALID_CREDENTIALS');
      }
      const right = await login(userName, password, from);
      const retryAfter = throttled(right);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(LOGIN_LIMITS.user.windowSeconds);
      const ghost = await login(unknown, password, from);
      throttled(ghost);
      // An unknown user is told exactly the same (the seconds left may tick between the two answers).
      const seconds = (body: { detail: string }) => Number(/Retry after (\d+) seconds/.exec(body.detail)?.[1]);
      expect({ ...ghost.body, detail: undefined }).toEqual({ ...right.body, detail: undefined });
      expect(Math.abs(seconds(ghost.body) - seconds(right.body))).toBeLessThanOrEqual(1);
      // The lock is the user's, not the address's: another user from the same address logs in.
      const other = await newUser();
      expect((await login(other.userName, other.password, from)).status).toBe(200);
    });
  });

  it('a success resets the user’s counter', async () => {
    await inOneWindow(LOGIN_LIMITS.user.windowSeconds, async (run) => {
      const { userName, password } = await newUser();
      const from = `127.0.2.${run}`;
      for (let i = 0; i < LOGIN_LIMITS.user.attempts - 1; i++) expect((await login(userName, 'wrong', from)).status).toBe(401);
      expect((await login(userName, password, from)).status).toBe(200);
      for (let i = 0; i < LOGIN_LIMITS.user.attempts - 1; i++) expect((await login(userName, 'wrong', from)).status).toBe(401);
      expect((await login(userName, password, from)).status).toBe(200);
    });
  });

  it('per address: 50 failures over many user names stop that address for under a minute, not the users elsewhere', async () => {
    await inOneWindow(LOGIN_LIMITS.address.windowSeconds, async (run) => {
      const from = `127.0.3.${run}`;
      const target = await newUser();
      for (let i = 0; i < LOGIN_LIMITS.address.attempts; i++) {
        expect((await login(`sprayed-${run}-${i}`, 'wrong', from)).status).toBe(401);
      }
      const retryAfter = throttled(await login(target.userName, target.password, from));
      expect(retryAfter).toBeLessThanOrEqual(LOGIN_LIMITS.address.windowSeconds);
      // Refused for its address, the attempt did not count for the user: from elsewhere it logs in.
      expect((await login(target.userName, target.password, `127.0.4.${run}`)).status).toBe(200);
    });
  });

  it('checks the throttle before scrypt: throttled attempts cost a fraction of a password hash', async () => {
    const { userName } = await newUser();
    const from = '127.0.5.1';
    for (let i = 0; i < LOGIN_LIMITS.user.attempts; i++) await login(userName, 'wrong', from);
    // The server runs in this process: its CPU time (scrypt's thread pool included) is ours to measure.
    const cpu = async (work: () => Promise<unknown>) => {
      const start = process.cpuUsage();
      await work();
      const used = process.cpuUsage(start);
      return used.user + used.system;
    };
    const stored = await hashPassword('x');
    const tenHashes = await cpu(async () => {
      for (let i = 0; i < 10; i++) await verifyPassword('y', stored);
    });
    const twentyThrottled = await cpu(async () => {
      for (let i = 0; i < 20; i++) expect((await login(userName, 'wrong', from)).status).toBe(429);
    });
    // Were scrypt run, 20 attempts would cost about twice the 10 hashes.
    expect(twentyThrottled).toBeLessThan(tenHashes * 0.6);
  });

  it('an unknown and a known user cost the same: the password hash runs for both', async () => {
    const { userName } = await newUser();
    const cpu = async (name: string, from: string) => {
      const start = process.cpuUsage();
      for (let i = 0; i < 5; i++) expect((await login(name, 'wrong', from)).status).toBe(401);
      const used = process.cpuUsage(start);
      return used.user + used.system;
    };
    const known = await cpu(userName, '127.0.6.1');
    const unknown = await cpu(`nobody-at-all-${Date.now()}`, '127.0.6.2');
    expect(unknown / known).toBeGreaterThan(0.5);
    expect(unknown / known).toBeLessThan(2);
  });

  it('lets attempts in again once the window has passed (domain clock, real DynamoDB counters)', async () => {
    const t0 = Date.UTC(2030, 0, 1, 12, 0, 0); // the start of a window of both lengths
    const userName = `clocked-${Date.now()}`;
    for (let i = 0; i < LOGIN_LIMITS.user.attempts; i++) await admitLoginAttempt(userName, '10.9.9.9', t0 + i);
    const refused = await admitLoginAttempt(userName, '10.9.9.9', t0 + 60_000).catch((error: AppError) => error);
    expect(refused).toMatchObject({ kind: 'rate_limited', options: { retryAfterSeconds: LOGIN_LIMITS.user.windowSeconds - 60 } });
    await expect(admitLoginAttempt(userName, '10.9.9.9', t0 + LOGIN_LIMITS.user.windowSeconds * 1000)).resolves.toBeDefined();
    // IPv6 clients are counted by their /64: rotating the last 64 bits does not reset the address count.
    for (let i = 0; i < LOGIN_LIMITS.address.attempts; i++) await admitLoginAttempt(`v6-${i}`, `2001:db8:1:2::${i.toString(16)}`, t0);
    await expect(admitLoginAttempt('v6-last', '2001:db8:1:2:ffff::1', t0)).rejects.toMatchObject({ kind: 'rate_limited' });
    await expect(
      admitLoginAttempt('v6-last', '2001:db8:1:2:ffff::1', t0 + LOGIN_LIMITS.address.windowSeconds * 1000),
    ).resolves.toBeDefined();
  });
});

describe('absolute URLs come from the request context, never from the Host header', () => {
  const forged = { Host: 'evil.example.com', 'X-Forwarded-Host': 'evil.example.com', 'X-Forwarded-Proto': 'javascript' };

  it('Responsys endPoint is the address the server listens on', async () => {
    const reply = await raw('/rest/api/v1.3/auth/token', {
      method: 'POST',
      headers: { ...forged, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'user_name=demo-user&password=demo-password-1&auth_type=password',
      from: '127.0.7.1',
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.endPoint).toBe(server.url);
  });

  it('Netux url, next and previous too', async () => {
    const page = await raw('/api/v2.0/organizations/?page_size=1&page=2', { headers: { ...forged, 'X-Auth-Token': TOKEN } });
    expect(page.status, page.text).toBe(200);
    for (const link of [page.body.next, page.body.previous, page.body.results[0].url])
      expect(link.startsWith(`${server.url}/api/v2.0/`), link).toBe(true);
    const one = await raw('/api/v2.0/organizations/~usa/', { headers: { ...forged, 'X-Auth-Token': TOKEN } });
    expect(one.body.url).toBe(`${server.url}/api/v2.0/organizations/0000000000000000000007/`);
  });
});

describe('no answer exceeds Lambda’s 6 MB', () => {
  // Each organization carries ~100 KB of JSON that doubles when the body is escaped into Lambda's
  // result JSON (`"` → `\"` → `\\\"`): 35 of them make a 3.5 MB body but a 7 MB Lambda result.
  const quotes = '"'.repeat(49_990);
  const bigIds: string[] = [];

  beforeAll(async () => {
    // Several requests: one of 3.5 MB would itself be a 7 MB Lambda event once escaped (the gateway's 413).
    for (let batch = 0; batch < 5; batch++) {
      const items = Array.from({ length: 7 }, (_, i) => ({
        label: `big-${batch}-${i}`,
        name: `Big ${batch}.${i}`,
        properties: { rna: quotes },
      }));
      const accepted = await netux('POST', '/organizations/_/bulk/create/', items);
      expect(accepted.status, accepted.text).toBe(202);
      await server.stepFunctions.idle();
      const task = await netux('GET', `/tasks/${accepted.body.task.id}/`);
      expect(task.body.status).toBe('SUCCEEDED');
      bigIds.push(...task.body.created.map((c: { id: string }) => c.id));
    }
  });

  it('a Netux page that would exceed it is a 400001 asking for a smaller page_size; smaller pages chain with next', async () => {
    const tooBig = await netux('GET', '/organizations/?page_size=1000');
    expect(tooBig.status).toBe(400);
    expect(tooBig.body).toEqual({
      code: 400001,
      message: 'Validation Error.',
      detail: { page_size: [expect.stringContaining('smaller page_size')] },
    });
    const seen: string[] = [];
    let path: string | null = '/api/v2.0/organizations/?page_size=10';
    let count = 0;
    while (path) {
      const page: RawReply = await raw(path, { headers: { 'X-Auth-Token': TOKEN } });
      expect(page.status, page.text.slice(0, 200)).toBe(200);
      count = page.body.count;
      seen.push(...page.body.results.map((o: { id: string }) => o.id));
      path = page.body.next ? page.body.next.slice(server.url.length) : null;
    }
    expect(seen).toHaveLength(count);
    expect(new Set(seen).size).toBe(count);
    expect(seen).toEqual(expect.arrayContaining(bigIds));
  });

  it('an Engagement search that would exceed it is a 400 INVALID_QUERY asking for a smaller limit', async () => {
    const tooBig = await engagement('GET', '/organization?q=Big&limit=100');
    expect(tooBig.status).toBe(400);
    expect(tooBig.body).toEqual({
      ok: false,
      code: 'INVALID_QUERY',
      message: [{ path: ['limit'], message: expect.stringContaining('smaller limit') }],
    });
    const page = await engagement('GET', '/organization?q=Big&limit=10');
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(35);
  });

  it('Responsys answers the same rule (the whole tree has no paging) as 400 RESPONSE_TOO_LARGE', () => {
    const reply = responsys.formatError(
      new AppError('validation', RESPONSE_TOO_LARGE, { location: 'query', issues: [{ path: [], message: RESPONSE_TOO_LARGE }] }),
      {} as never,
    );
    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(reply.body)).toEqual({
      type: '',
      title: 'Response too large',
      errorCode: 'RESPONSE_TOO_LARGE',
      detail: RESPONSE_TOO_LARGE,
      errorDetails: [],
    });
  });
});

describe('headers and JSONP', () => {
  it('every answer carries X-Content-Type-Options: nosniff: each dialect, errors, the gateway’s own, the docs', async () => {
    const replies = [
      await netux('GET', '/organizations/~usa/'),
      await raw('/api/v2.0/organizations/'),
      await engagement('GET', '/publisher'),
      await raw('/v0/publisher'),
      await apidaeQuery(JSON.stringify({ projetId: 1234, apiKey: 'demoApidaeKey1' }), '&callback=cb'),
      await apidaeQuery('not json'),
      await login('demo-user', 'demo-password-1', '127.0.8.1'),
      await raw('/rest/api/v1.3/programs'),
      await raw('/nowhere'),
      await raw('/docs'),
      await raw('/openapi/netux.json'),
    ];
    for (const reply of replies)
      expect(reply.headers['x-content-type-options'], `${reply.status} ${reply.text.slice(0, 80)}`).toBe('nosniff');
    expect(replies.map((r) => r.status)).toEqual([200, 401, 200, 401, 200, 400, 200, 401, 403, 200, 200]);
  });

  it('JSONP escapes U+2028 and U+2029 (JSON keeps them, where they are legal)', async () => {
    expect((await netux('PATCH', '/organizations/~usa/', { name: 'USA\u2028line\u2029paragraph' })).status).toBe(200);
    const query = JSON.stringify({ projetId: 1234, apiKey: 'demoApidaeKey1', filter: { nom: 'paragraph' } });
    const jsonp = await apidaeQuery(query, '&callback=cb');
    expect(jsonp.headers['content-type']).toMatch(/^application\/javascript/);
    expect(jsonp.text).not.toMatch(/[\u2028\u2029]/);
    expect(jsonp.text).toContain('USA\\u2028line\\u2029paragraph');
    const json = await apidaeQuery(query);
    expect(json.body[0].nom).toBe('USA\u2028line\u2029paragraph');
    // What the callback receives is the same data.
    let received: unknown;
    new Function('cb', jsonp.text)((value: unknown) => (received = value));
    expect(received).toEqual(json.body);
  });
});
