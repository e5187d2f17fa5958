/**
 * An answer that outlasts the function's time: Middy answers for it (the dialect's 500) and the work's
 * further reads are refused, so it does not run on into the next invocation's time. The reads of a scan
 * (an empty `description` filter: no index narrows it) are held in the real DynamoDB client until the
 * answer has gone, then let go.
 */
import type { MiddlewareStack } from '@smithy/types';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { db } from '#shared/db/client.ts';
import { call, startSeededServer, type TestServer } from '#test/support/server.ts';

const NETUX = { 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73' };
let server: TestServer;

beforeAll(async () => {
  server = await startSeededServer({ invocationMs: 4_000 });
});
afterAll(() => server.close());

it('stops the reads of a request that timed out, and answers it in the dialect', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held: Promise<unknown>[] = [];
  let sent = 0;
  const stack = db().middlewareStack as MiddlewareStack<object, object>;
  // Every organization read of the scan waits for the gate, then goes on through the client.
  stack.add(
    (next, context) => (args) => {
      if (context.commandName !== 'BatchGetItemCommand') return next(args);
      const outcome = gate.then(() => next(args));
      held.push(outcome.catch((error: unknown) => error));
      return outcome;
    },
    { step: 'initialize', name: 'holdScanReads' },
  );
  // What reaches the wire.
  stack.add(
    (next, context) => (args) => {
      if (context.commandName === 'BatchGetItemCommand') sent += 1;
      return next(args);
    },
    { step: 'deserialize', name: 'countSentReads' },
  );
  try {
    const answer = await call(`${server.url}/api/v2.0/organizations/?description=`, { headers: NETUX });
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ code: 500001 });
    expect(held.length).toBeGreaterThan(0);

    release();
    const outcomes = await Promise.all(held);
    expect(outcomes.every((outcome) => outcome instanceof Error && outcome.name === 'AbortError')).toBe(true);
    expect(sent).toBe(0);
  } finally {
    release();
    stack.remove('holdScanReads');
    stack.remove('countSentReads');
  }

  // The next request is whole again.
  const next = await call(`${server.url}/api/v2.0/organizations/?description=`, { headers: NETUX });
  expect(next.status).toBe(200);
});
