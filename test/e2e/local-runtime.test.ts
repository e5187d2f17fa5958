/**
 * The local runtime as a network citizen (issue 18): every socket it opens binds 127.0.0.1 unless
 * `--host` opts the API in to another address (with a warning), and the local API Gateway holds
 * requests and answers to API Gateway + Lambda's limits and builds the request context itself.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type AddressInfo, connect } from 'node:net';
import { networkInterfaces } from 'node:os';

import { afterAll, describe, expect, it } from 'vitest';

import type { Route } from '#functions/routes.ts';
import { createGateway, type LambdaHandler } from '#infra/local/api-gateway.ts';
import { startLocalRuntime } from '#infra/local/runtime.ts';
import { config } from '#shared/config.ts';
import { LAMBDA_PAYLOAD_LIMIT_BYTES } from '#shared/http/types.ts';
import { call, spawnLocalRuntime } from '#test/support/server.ts';

/** The addresses listening on a TCP port, from the kernel's own tables (IPv4-mapped IPv6 shown as IPv4). */
function listeners(port: number): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local) continue; // 0A: LISTEN
      const [hex, portHex] = local.split(':');
      if (parseInt(portHex!, 16) !== port) continue;
      // Each 32-bit word is little-endian; the last word of an IPv4-mapped IPv6 address is the IPv4 one.
      const word = (w: string) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16));
      if (hex!.length === 8 || /^0{16}FFFF0000/i.test(hex!)) found.push(word(hex!.slice(-8)).join('.'));
      else found.push(hex === '0'.repeat(32) ? '::' : `ipv6:${hex}`);
    }
  }
  return found;
}

/** A non-loopback IPv4 address of this machine, to try to reach a socket from "outside". */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i?.family === 'IPv4' && !i.internal)?.address;

const refusedFrom = (address: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: address, port });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });

describe('loopback by default', () => {
  it('DynamoDB Local listens on 127.0.0.1 only (the instance of this test run, started by the same code as npm start)', async () => {
    const port = Number(new URL(config.dynamodbEndpoint!).port);
    expect(listeners(port)).toEqual(['127.0.0.1']);
    if (outsideAddress) expect(await refusedFrom(outsideAddress, port)).toBe(true);
  });

  it('the API and the local Step Functions endpoint listen on 127.0.0.1', async () => {
    const runtime = await startLocalRuntime({
      port: 0,
      dynamodbEndpoint: config.dynamodbEndpoint,
      tableName: config.tableName,
    });
    try {
      const apiPort = Number(new URL(runtime.baseUrl).port);
      const sfnPort = Number(new URL(config.stepFunctionsEndpoint!).port);
      expect(runtime.baseUrl).toBe(`http://127.0.0.1:${apiPort}`);
      expect(listeners(apiPort)).toEqual(['127.0.0.1']);
      expect(listeners(sfnPort)).toEqual(['127.0.0.1']);
      if (outsideAddress) {
        expect(await refusedFrom(outsideAddress, apiPort)).toBe(true);
        expect(await refusedFrom(outsideAddress, sfnPort)).toBe(true);
      }
    } finally {
      await runtime.stop();
    }
  });

  const started: ChildProcess[] = [];
  afterAll(() => started.forEach((child) => child.kill('SIGINT')));

  /** `npm start` as a user runs it (on this run's DynamoDB Local): its output once it is ready. */
  async function npmStart(args: string[]): Promise<{ port: number; stdout: string; stderr: string }> {
    const runtime = await spawnLocalRuntime({ args });
    started.push(runtime.child);
    return { port: runtime.port, stdout: runtime.stdout(), stderr: runtime.stderr() };
  }

  it('npm start -- --host 0.0.0.0 opts the API in to every interface, with a warning; without it, loopback and no warning', async () => {
    const quiet = await npmStart(['--table', config.tableName]);
    expect(listeners(quiet.port)).toEqual(['127.0.0.1']);
    expect(quiet.stderr).not.toContain('warning');
    const open = await npmStart(['--table', config.tableName, '--host', '0.0.0.0']);
    expect(listeners(open.port)).toEqual(['0.0.0.0']);
    expect(open.stderr).toMatch(/warning: --host 0\.0\.0\.0 serves the local API beyond this machine/);
    expect(open.stdout).toContain('DynamoDB Local at http://127.0.0.1:');
  });

  it('prints the credentials of the seed it loaded, exactly those, and none when it loaded no seed', { timeout: 180_000 }, async () => {
    const demoSecrets = ['demo-engagement-key-0001', 'oaXBo6ODhIjPsusNRPUGIK4d72bc73', 'demoApidaeKey1', 'demo-password-1'];
    const other = await npmStart(['--table', config.tableName, '--seed', 'test/fixtures/other-tenant-seed.json']);
    expect(other.stdout).toContain('Loaded test/fixtures/other-tenant-seed.json.');
    for (const secret of [
      'other-tenant-engagement-key',
      'other-tenant-netux-token',
      'apiKey otherTenantApidae1',
      'password other-password',
    ])
      expect(other.stdout).toContain(secret);
    for (const secret of demoSecrets) expect(other.stdout).not.toContain(secret);
    expect(other.stdout).toContain(`curl -H 'X-Auth-Token: other-tenant-netux-token'`);

    const kept = await npmStart(['--table', config.tableName]);
    expect(kept.stdout).toContain('no seed loaded');
    for (const secret of [...demoSecrets, 'other-tenant-netux-token']) expect(kept.stdout).not.toContain(secret);

    const demo = await npmStart(['--table', config.tableName, '--seed', 'seeds/demo.json']);
    for (const secret of demoSecrets) expect(demo.stdout).toContain(secret);
  });
});

describe('the local API Gateway', () => {
  const route = (path: string): Route => ({ name: 'Probe', dialect: 'netux', method: 'POST', path, handler: 'unused', tableActions: [] });
  let answer: (event: Parameters<LambdaHandler>[0]) => Awaited<ReturnType<LambdaHandler>>;
  const gateway = createGateway({ routes: [route('/probe/{id}')], loadHandler: async () => async (event) => answer(event) });
  let url = '';
  const ready = new Promise<void>((resolve) =>
    gateway.listen(0, '127.0.0.1', () => {
      url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
      resolve();
    }),
  );
  afterAll(() => new Promise<void>((resolve) => gateway.close(() => resolve())));
  const echo = (event: Parameters<LambdaHandler>[0]) => ({
    statusCode: 200,
    body: JSON.stringify({ params: event.pathParameters, headers: event.headers, context: event.requestContext }),
  });

  it('decodes undecodable path bytes to U+FFFD instead of failing, and the rest as UTF-8', async () => {
    await ready;
    answer = echo;
    const param = async (raw: string) => (await call(`${url}/probe/${raw}`, { method: 'POST' })).body.params.id;
    expect(await param('caf%C3%A9')).toBe('café');
    expect(await param('ab%ED%A0%80')).toBe('ab\ufffd\ufffd\ufffd');
    expect(await param('%zz')).toBe('\ufffdzz');
    expect(await param('x%')).toBe('x\ufffd');
    expect(await param('%C3')).toBe('\ufffd');
  });

  it('decodes query strings by the same rule: `+` as a space, undecodable bytes to U+FFFD, repeated names in order', async () => {
    await ready;
    answer = (event) => ({
      statusCode: 200,
      body: JSON.stringify({ last: event.queryStringParameters, all: event.multiValueQueryStringParameters }),
    });
    const { body } = await call(`${url}/probe/1?q=caf%C3%A9+au+lait&bad=%zz&cut=x%&b%FF=1&q=2&flag`, { method: 'POST' });
    expect(body.last).toEqual({ q: '2', bad: '\ufffdzz', cut: 'x\ufffd', 'b\ufffd': '1', flag: '' });
    expect(body.all.q).toEqual(['café au lait', '2']);
  });

  it('builds the request context and forwarding headers itself: the socket’s addresses, never the client’s claims', async () => {
    await ready;
    answer = echo;
    const reply = await call(`${url}/probe/1`, {
      method: 'POST',
      headers: { 'X-Forwarded-For': '6.6.6.6', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Port': '443' },
    });
    const { headers, context } = reply.body;
    expect(context.domainName).toBe(url.slice('http://'.length));
    expect(context.identity.sourceIp).toBe('127.0.0.1');
    expect(headers['X-Forwarded-For']).toBe('6.6.6.6, 127.0.0.1'); // appended to, as API Gateway does
    expect(headers['X-Forwarded-Proto']).toBe('http');
    expect(headers['X-Forwarded-Port']).toBe(url.split(':').pop());
    expect(Object.keys(headers).filter((k) => /^x-forwarded-proto$/i.test(k))).toEqual(['X-Forwarded-Proto']);
  });

  it('answers 502 for a result over Lambda’s 6 MB, 413 for an event over it or a body over 10 MB; nosniff on all', async () => {
    await ready;
    answer = () => ({ statusCode: 200, body: 'x'.repeat(LAMBDA_PAYLOAD_LIMIT_BYTES) });
    const tooBig = await call(`${url}/probe/1`, { method: 'POST' });
    expect([tooBig.status, tooBig.body]).toEqual([502, { message: 'Internal server error' }]);
    answer = () => ({ statusCode: 200, body: 'x'.repeat(LAMBDA_PAYLOAD_LIMIT_BYTES - 64 * 1024) });
    expect((await call(`${url}/probe/1`, { method: 'POST' })).status).toBe(200);

    answer = echo;
    const post = (body: string) => call(`${url}/probe/1`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    expect((await post('y'.repeat(5 * 1024 * 1024))).status).toBe(200);
    // Escaping counts: 3.5 MB of quotes is a 7 MB event.
    for (const body of ['"'.repeat(3.5 * 1024 * 1024), 'z'.repeat(6.5 * 1024 * 1024), 'z'.repeat(11 * 1024 * 1024)]) {
      const refused = await post(body);
      expect([refused.status, refused.body]).toEqual([413, { message: 'Request Too Long' }]);
      expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(tooBig.headers.get('x-content-type-options')).toBe('nosniff');
    const unknown = await call(`${url}/nowhere`);
    expect([unknown.status, unknown.headers.get('x-content-type-options')]).toEqual([403, 'nosniff']);
  });
});
