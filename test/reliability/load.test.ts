/** A bounded loopback load (fixed rate and duration, mixed reads and writes of all dialects): zero errors. */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

import { mixedWorkload, runMixedLoad } from '#bench/mixed-load.ts';
import { responsysLogin, startSeededServer, type TestServer } from '#test/support/server.ts';

// Read once per process by shared/config.ts: set before any module is imported.
vi.hoisted(() => {
  process.env.RATE_LIMIT_DEFAULT = '100000';
});

let server: TestServer;

beforeAll(async () => {
  server = await startSeededServer();
});
afterAll(async () => {
  delete process.env.RATE_LIMIT_DEFAULT;
  await server.close();
});

it('holds 40 requests/s for 5 s of mixed reads and writes with no error', { timeout: 60_000 }, async () => {
  const result = await runMixedLoad(server.url, mixedWorkload(await responsysLogin(server.url)), 40, 5);
  expect(result.requests).toBe(200);
  expect(result.errors).toEqual([]);
});
