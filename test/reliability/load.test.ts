/** A bounded loopback load (fixed rate and duration, mixed reads and writes of all dialects): zero errors. */
import { afterAll, beforeAll, expect, it } from 'vitest';

import { mixedWorkload, runMixedLoad } from '#bench/mixed-load.ts';
import { configure } from '#shared/config.ts';
import { responsysLogin, startSeededServer, type TestServer } from '#test/support/server.ts';

let server: TestServer;

beforeAll(async () => {
  // The load is not testing rate limits.
  configure({ defaultRateLimit: { limit: 100_000, windowSeconds: 60 } });
  server = await startSeededServer();
});
afterAll(() => server.close());

it('holds 40 requests/s for 5 s of mixed reads and writes with no error', { timeout: 60_000 }, async () => {
  const result = await runMixedLoad(server.url, mixedWorkload(await responsysLogin(server.url)), 40, 5);
  expect(result.requests).toBe(200);
  expect(result.errors).toEqual([]);
});
