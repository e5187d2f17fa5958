/**
 * Credentials: revocation takes effect on the next request, expired tokens are refused, secrets are
 * compared in constant time, header names are matched whatever their capitalisation, and no secret
 * appears in any log line of a full run.
 */
import { request } from 'node:http';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { sha256 } from '#shared/crypto.ts';
import { deleteCredential, putCredential } from '#shared/db/credentials.ts';
import { logger } from '#shared/logger.ts';
import { call, startSeededServer, type TestServer } from '#test/support/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startSeededServer();
});
afterAll(() => server.close());

/** A GET whose header names reach the server exactly as written (fetch would lowercase them). */
function getWithRawHeaders(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

describe('header names', () => {
  it('are matched whatever capitalisation the client sends, as API Gateway passes them through', async () => {
    const netux = `${server.url}/api/v2.0/organizations/~usa/`;
    for (const name of ['X-Auth-Token', 'X-AUTH-TOKEN', 'x-auth-token']) {
      expect(await getWithRawHeaders(netux, { [name]: 'oaXBo6ODhIjPsusNRPUGIK4d72bc73' })).toBe(200);
    }
    expect(await getWithRawHeaders(netux, { 'X-Auth-Token': 'not-a-token' })).toBe(401);
    for (const name of ['X-API-KEY', 'X-Api-Key', 'ApiKey']) {
      expect(await getWithRawHeaders(`${server.url}/v0/publisher`, { [name]: 'demo-engagement-key-0001' })).toBe(200);
    }
  });
});

describe('revocation', () => {
  it('a revoked Netux token and Engagement key are refused on the very next request', async () => {
    const token = 'revocable-netux-token-0001';
    await putCredential({ kind: 'netux', lookupId: sha256(token), tenantId: 'demo', credentialId: 'netux-revocable', scopes: ['read'] });
    const get = () => call(`${server.url}/api/v2.0/organizations/~usa/`, { headers: { 'X-Auth-Token': token } });
    expect((await get()).status).toBe(200);
    await deleteCredential('netux', sha256(token));
    expect((await get()).status).toBe(401);

    const key = 'revocable-engagement-key-01';
    await putCredential({
      kind: 'engagement',
      lookupId: sha256(key),
      tenantId: 'demo',
      credentialId: 'engagement-revocable',
      principalId: 'mon_annonceur',
    });
    expect((await call(`${server.url}/v0/publisher`, { headers: { 'x-api-key': key } })).status).toBe(200);
    await deleteCredential('engagement', sha256(key));
    expect((await call(`${server.url}/v0/publisher`, { headers: { 'x-api-key': key } })).status).toBe(401);
  });

  it('a revoked Apidae project is refused on the next request', async () => {
    await putCredential({
      kind: 'apidae',
      lookupId: '4242',
      tenantId: 'demo',
      credentialId: 'apidae-revocable',
      secretHash: sha256('revocableApidae'),
      access: 'full',
    });
    const search = () => call(`${server.url}/api/v002/membre/get-by-id/7?projetId=4242&apiKey=revocableApidae`);
    expect((await search()).status).toBe(200);
    await deleteCredential('apidae', '4242');
    expect((await search()).text).toBe('Accès interdit');
  });
});

describe('secrets in logs', () => {
  it('no secret appears in any log line of a run through all four dialects, successes and failures', async () => {
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    logger.setLogLevel('DEBUG');
    const secrets = [
      'oaXBo6ODhIjPsusNRPUGIK4d72bc73',
      'demo-engagement-key-0001',
      'demoApidaeKey1',
      'demo-password-1',
      'wrong-password-9',
      'not-a-real-token-1',
    ];
    try {
      const login = await call(`${server.url}/rest/api/v1.3/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'user_name=demo-user&password=demo-password-1&auth_type=password',
      });
      secrets.push(login.body.authToken);
      await call(`${server.url}/rest/api/v1.3/auth/token`, {
        method: 'POST',
        body: 'user_name=demo-user&password=wrong-password-9&auth_type=password',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      await call(`${server.url}/rest/api/v1.3/attributes/organizations`, { headers: { Authorization: login.body.authToken } });
      await call(`${server.url}/api/v2.0/organizations/?token=oaXBo6ODhIjPsusNRPUGIK4d72bc73`);
      await call(`${server.url}/api/v2.0/organizations/~nope/`, { headers: { 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73' } });
      await call(`${server.url}/api/v2.0/organizations/`, { headers: { 'X-Auth-Token': 'not-a-real-token-1' } });
      await call(`${server.url}/api/v2.0/organizations/_/bulk/update/`, {
        method: 'PATCH',
        headers: { 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73', 'X-Bulk-Operation': 'True' },
        body: JSON.stringify([{ id: '409dba9c67d3bb19f554', name: 'logged?' }, { id: 'ffffffffffffffffffff' }]),
      });
      await server.stepFunctions.idle();
      await call(`${server.url}/v0/myorganization/mon_organisation_id_1`, { headers: { 'x-api-key': 'demo-engagement-key-0001' } });
      await call(`${server.url}/v0/publisher`, { headers: { apikey: 'not-a-real-token-1' } });
      await call(
        `${server.url}/api/v002/membre/get-membres?query=${encodeURIComponent(JSON.stringify({ projetId: 1234, apiKey: 'demoApidaeKey1' }))}`,
      );
      await call(`${server.url}/api/v002/membre/get-by-id/7?apiKey=demoApidaeKey1&projetId=1234`);
      await call(`${server.url}/api/v002/membre/get-by-id/7?apiKey=not-a-real-token-1&projetId=1234`);
    } finally {
      logger.setLogLevel('SILENT');
      stdout.mockRestore();
      stderr.mockRestore();
    }
    const requestLines = lines.filter((line) => line.includes('"message":"request"'));
    expect(requestLines.length).toBeGreaterThanOrEqual(12); // the run was logged…
    for (const line of lines) for (const secret of secrets) expect(line, 'a log line carries a secret').not.toContain(secret); // …without a secret
  });
});
