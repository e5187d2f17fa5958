/**
 * Rate limits of every dialect, shared by concurrent requests and by separate instances (two API
 * processes on one table), each answered in the dialect's own format with its headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { call, type Reply, startSecondInstance, startSeededServer, type TestServer } from '#test/support/server.ts';

import { isDialectError } from './dialect-format.ts';

let server: TestServer;
let second: { url: string; stop(): Promise<void> };

beforeAll(async () => {
  server = await startSeededServer();
  second = await startSecondInstance();
}, 60_000);
afterAll(async () => {
  await second.stop();
  await server.close();
});

type Case = {
  dialect: 'netux' | 'engagement' | 'apidae' | 'responsys';
  limit: number;
  request: (base: string, token: string) => Promise<Reply>;
};

const cases: Case[] = [
  {
    dialect: 'netux',
    limit: 3,
    request: (base) => call(`${base}/api/v2.0/organizations/~usa/`, { headers: { 'X-Auth-Token': 'test-netux-rate-limited-token' } }),
  },
  {
    dialect: 'engagement',
    limit: 2,
    request: (base) => call(`${base}/v0/publisher`, { headers: { 'x-api-key': 'test-engagement-rate-limited-key' } }),
  },
  {
    dialect: 'apidae',
    limit: 2,
    request: (base) =>
      call(
        `${base}/api/v002/membre/get-membres?query=${encodeURIComponent(JSON.stringify({ projetId: 9001, apiKey: 'testApidaeRateLimit' }))}`,
      ),
  },
  {
    dialect: 'responsys',
    limit: 3,
    request: (base, token) => call(`${base}/rest/api/v1.3/programs`, { headers: { Authorization: token } }),
  },
];

describe.each(cases)('$dialect', ({ dialect, limit, request }) => {
  it(
    'counts concurrent requests across two instances against one limit, and answers 429 in the dialect format',
    { timeout: 30_000 },
    async () => {
      let token = '';
      if (dialect === 'responsys') {
        const login = await call(`${server.url}/rest/api/v1.3/auth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'user_name=test-rate-limited-user&password=limited-password&auth_type=password',
        });
        token = login.body.authToken;
      }
      const replies = await Promise.all(Array.from({ length: limit + 3 }, (_, i) => request(i % 2 ? second.url : server.url, token)));
      expect(replies.filter((r) => r.status === 200)).toHaveLength(limit);
      const limited = replies.filter((r) => r.status === 429);
      expect(limited).toHaveLength(3);
      for (const reply of limited) {
        expect(isDialectError(dialect, reply)).toBe(true);
        expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(reply.headers.get('x-ratelimit-limit')).toBe(String(limit));
        expect(reply.headers.get('x-ratelimit-remaining')).toBe('0');
      }
    },
  );
});
