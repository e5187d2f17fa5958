/** The local API Gateway builds events the way API Gateway REST does. */
import { describe, expect, it } from 'vitest';

import type { Route } from '#functions/routes.ts';
import { buildEvent, createRouter } from '#infra/local/api-gateway.ts';

const route = (path: string, method: Route['method'] = 'GET'): Route => ({
  name: path,
  dialect: 'netux',
  method,
  path,
  handler: 'x.ts',
  tableActions: [],
});

describe('router', () => {
  const match = createRouter([
    route('/api/v2.0/organizations/{key}'),
    route('/api/v2.0/organizations/_/bulk/update', 'PATCH'),
    route('/api/v2.0/organizations/_/bulk/update', 'POST'),
    route('/api/v2.0/organizations'),
  ]);

  it('matches with and without a trailing slash and decodes path parameters', () => {
    expect(match('GET', '/api/v2.0/organizations/')?.route.path).toBe('/api/v2.0/organizations');
    expect(match('GET', '/api/v2.0/organizations/%7Eacme%20x/')?.params).toEqual({ key: '~acme x' });
  });

  it('prefers static segments and the method', () => {
    expect(match('PATCH', '/api/v2.0/organizations/_/bulk/update/')?.route.method).toBe('PATCH');
    expect(match('DELETE', '/api/v2.0/organizations/x')).toBeUndefined();
    expect(match('GET', '/nope')).toBeUndefined();
  });
});

describe('router with catch-alls (ANY, {proxy+})', () => {
  const match = createRouter([
    route('/api/v2.0/{proxy+}', 'ANY'),
    route('/api/v2.0/organizations/{key}', 'ANY'),
    route('/api/v2.0/organizations', 'ANY'),
    route('/api/v2.0/organizations/{key}'),
    route('/api/v2.0/organizations'),
  ]);

  it('tries every route of the method first, then ANY from the most specific path to the greedy one', () => {
    expect(match('GET', '/api/v2.0/organizations/abc/')?.route).toMatchObject({ method: 'GET', path: '/api/v2.0/organizations/{key}' });
    expect(match('POST', '/api/v2.0/organizations/abc/')?.route).toMatchObject({ method: 'ANY', path: '/api/v2.0/organizations/{key}' });
    expect(match('DELETE', '/api/v2.0/organizations')?.route).toMatchObject({ method: 'ANY', path: '/api/v2.0/organizations' });
    expect(match('GET', '/api/v2.0/organizations/abc/def')).toMatchObject({
      route: { method: 'ANY', path: '/api/v2.0/{proxy+}' },
      params: { proxy: 'organizations/abc/def' },
    });
    expect(match('GET', '/api/v2.0')).toBeUndefined();
    expect(match('GET', '/elsewhere')).toBeUndefined();
  });
});

describe('buildEvent', () => {
  const request = {
    method: 'GET',
    url: '/a?x=1&x=2',
    headers: [['Host', 'h'] as [string, string]],
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
  };

  it('uses null for absent maps and keeps multi-values', () => {
    const event = buildEvent({ ...request, url: '/a' }, route('/a'), {}, 'local');
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
    expect(event.pathParameters).toBeNull();
    expect(event.body).toBeNull();
    const withQuery = buildEvent(request, route('/a'), {}, 'local');
    expect(withQuery.queryStringParameters).toEqual({ x: '2' });
    expect(withQuery.multiValueQueryStringParameters).toEqual({ x: ['1', '2'] });
    expect(withQuery.headers.Host).toBe('h');
  });

  it('base64-encodes binary bodies only', () => {
    const binary = buildEvent(
      { ...request, method: 'POST', headers: [['content-type', 'image/png']], body: Buffer.from([0xff, 0x00]) },
      route('/a', 'POST'),
      {},
      'local',
    );
    expect(binary).toMatchObject({ isBase64Encoded: true, body: '/wA=' });
    const json = buildEvent(
      { ...request, method: 'POST', headers: [['content-type', 'application/json']], body: Buffer.from('{"a":1}') },
      route('/a', 'POST'),
      {},
      'local',
    );
    expect(json).toMatchObject({ isBase64Encoded: false, body: '{"a":1}' });
  });
});
