/**
 * Fuzzing every route of the route table over HTTP (fast-check). Properties: never a 5xx; every
 * rejection in the dialect's own error format; a rejected request changes nothing in the table; every
 * answer carries `X-Content-Type-Options: nosniff`; no item of an accepted bulk task fails for a reason
 * of the system's own (500001: an item the data store could not take is a 5xx that arrives late).
 * FUZZ_RUNS cases per route (100 in `npm test`, 1,000 in `npm run test:fuzz`).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { routes } from '#functions/routes.ts';
import { configure } from '#shared/config.ts';
import { loadSeed } from '#shared/seed/load.ts';
import { call, responsysLogin, startTestServer, type TestServer } from '#test/support/server.ts';
import { createTable, readSeedFile, snapshotTable } from '#test/support/table.ts';

import { isDialectError } from './dialect-format.ts';
import { type Credentials, requestFor } from './requests.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
let server: TestServer;
const credentials: Credentials = { responsysToken: '' };

beforeAll(async () => {
  // The fuzzer is not testing rate limits.
  configure({ defaultRateLimit: { limit: 100_000_000, windowSeconds: 60 } });
  await createTable();
  await loadSeed(readSeedFile('seeds/demo.json'));
  server = await startTestServer();
  credentials.responsysToken = await responsysLogin(server.url);
});
afterAll(() => server.close());

describe.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', (_name, route) => {
  it(`survives ${RUNS} generated requests`, { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(requestFor(route, credentials), async (request) => {
        await server.stepFunctions.idle(); // accepted bulk tasks from earlier cases have finished
        const before = await snapshotTable();
        const reply = await call(`${server.url}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
        const about = `${request.method} ${request.path} ${request.body?.slice(0, 300) ?? ''} → ${reply.status} ${reply.text.slice(0, 300)}`;
        expect(reply.status, about).toBeLessThan(500);
        expect(reply.headers.get('x-content-type-options'), about).toBe('nosniff');
        if (reply.status === 202 && route.startsExecutions) {
          await server.stepFunctions.idle();
          const task = await call(`${server.url}/api/v2.0/tasks/${reply.body.task.id}/`, { headers: request.headers });
          expect(
            (task.body.failures as { code: number }[]).filter((f) => f.code >= 500000),
            `${about}: ${task.text.slice(0, 500)}`,
          ).toEqual([]);
        }
        if (reply.status >= 400) {
          expect(
            isDialectError(route.dialect, reply),
            `not in the ${route.dialect} error format: ${reply.status} ${reply.text.slice(0, 300)}`,
          ).toBe(true);
          expect(await snapshotTable(), `${request.method} ${request.path} was rejected (${reply.status}) but changed the table`).toEqual(
            before,
          );
        }
      }),
      { numRuns: RUNS },
    );
  });
});
