/**
 * Bulk tasks under faults: throttling, a worker crash in the middle of a chunk, a chunk delivered
 * twice at once, and a task whose execution never finished. Every item ends applied exactly once in
 * effect, every task reaches a final status with correct counts, none stays RUNNING forever.
 * Faults are injected into the real DynamoDB client (SDK middleware), against DynamoDB Local.
 */
import type { MiddlewareStack } from '@smithy/types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { db } from '#shared/db/client.ts';
import { getOrganization } from '#shared/db/organizations.ts';
import { createTask, getTask, listOpenTasksCreatedBefore } from '#shared/db/tasks.ts';
import { applyChunk, chunkItems, newTask, reconcileAbandonedTasks } from '#shared/domain/bulk-tasks.ts';
import { call, startSeededServer, type TestServer } from '#test/support/server.ts';

const NETUX = { 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73', 'X-Bulk-Operation': 'True', 'content-type': 'application/json' };
const IDS = ['409dba9c67d3bb19f554', '4923b1670068c9c54b06', '445da83878abc3c75756', '0000000000000012000007'];
let server: TestServer;

/**
 * Fails DynamoDB writes to organization items with `error` while `shouldFail` says so (injected
 * outside the SDK's own retries, so the worker sees them).
 */
function injectFault(commands: RegExp, shouldFail: () => boolean, error: () => Error) {
  (db().middlewareStack as MiddlewareStack<object, object>).add(
    (next, context) => async (args) => {
      const touchesOrganization = JSON.stringify((args as { input?: unknown }).input ?? {}).includes('ORG#');
      if (commands.test(context.commandName ?? '') && touchesOrganization && shouldFail()) throw error();
      return next(args);
    },
    { step: 'initialize', name: 'injectedFault' },
  );
}

const versions = async () => Promise.all(IDS.map(async (id) => (await getOrganization('demo', id))!.version));

async function runBulk(description: string) {
  const accepted = await call(`${server.url}/api/v2.0/organizations/_/bulk/update/`, {
    method: 'PATCH',
    headers: NETUX,
    body: JSON.stringify(IDS.map((id) => ({ id, description }))),
  });
  expect(accepted.status).toBe(202);
  await server.stepFunctions.idle();
  return (await call(`${server.url}/api/v2.0/tasks/${accepted.body.task.id}/`, { headers: NETUX })).body;
}

beforeAll(async () => {
  server = await startSeededServer();
});
afterEach(() => {
  db().middlewareStack.remove('injectedFault');
});
afterAll(() => server.close());

describe('faults', () => {
  it(
    'throttling beyond the SDK retries: the state machine retries the chunk with backoff; each item applied once',
    { timeout: 60_000 },
    async () => {
      const before = await versions();
      let throttled = 0;
      injectFault(
        /UpdateCommand|TransactWriteItemsCommand|UpdateItemCommand/,
        () => throttled++ < 3,
        () =>
          Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ProvisionedThroughputExceededException' }),
      );
      const report = await runBulk('after throttling');
      expect(throttled).toBeGreaterThan(3);
      expect(report).toMatchObject({ status: 'SUCCEEDED', total: 4, succeeded: 4, failed: 0 });
      expect(await versions()).toEqual(before.map((v) => v + 1));
      for (const id of IDS) expect((await getOrganization('demo', id))!.description).toBe('after throttling');
    },
  );

  it('a worker crash in the middle of a chunk: the retried chunk applies the rest, nothing twice', { timeout: 60_000 }, async () => {
    const before = await versions();
    let writes = 0;
    injectFault(
      /UpdateCommand|TransactWriteItemsCommand|UpdateItemCommand/,
      () => ++writes === 3,
      () => new Error('simulated worker crash'),
    );
    const report = await runBulk('after a crash');
    expect(writes).toBeGreaterThan(3);
    expect(report).toMatchObject({ status: 'SUCCEEDED', total: 4, succeeded: 4, failed: 0 });
    expect(await versions()).toEqual(before.map((v) => v + 1));
  });

  it('the same chunk delivered twice at once: each item applied once, the outcome recorded once', async () => {
    const before = await versions();
    const items = IDS.map((id) => ({ key: id, fields: { description: 'delivered twice' } }));
    const chunks = chunkItems(items);
    const taskId = 'dddddddddddddddddddd';
    await createTask('demo', { ...newTask(taskId, 'update', 4, 1), status: 'RUNNING' }, chunks);
    const [first, second] = await Promise.all([
      applyChunk({ tenantId: 'demo', taskId, chunk: 0 }),
      applyChunk({ tenantId: 'demo', taskId, chunk: 0 }),
    ]);
    expect(first).toEqual({ chunk: 0, succeeded: 4, failed: 0 });
    expect(second).toEqual({ chunk: 0, succeeded: 4, failed: 0 });
    expect(await versions()).toEqual(before.map((v) => v + 1));
  });
});

describe('no task stays RUNNING forever', () => {
  it('reconciliation finalizes a task whose execution never finished, counting unapplied items as failed', async () => {
    const taskId = 'eeeeeeeeeeeeeeeeeeee';
    const threeHoursAgo = new Date(Date.now() - 3 * 3600_000).toISOString();
    const chunks = chunkItems(IDS.map((id) => ({ key: id, fields: { name: 'never applied' } })));
    await createTask('demo', { ...newTask(taskId, 'update', 4, 1, threeHoursAgo), status: 'RUNNING' }, chunks);
    expect((await listOpenTasksCreatedBefore(new Date().toISOString())).map((t) => t.taskId)).toContain(taskId);

    const finished = await reconcileAbandonedTasks();
    expect(finished).toContainEqual({ tenantId: 'demo', taskId, status: 'FAILED' });
    expect(await getTask('demo', taskId)).toMatchObject({ status: 'FAILED', succeeded: 0, failed: 4, finishedAt: expect.any(String) });
    expect((await listOpenTasksCreatedBefore(new Date().toISOString())).map((t) => t.taskId)).not.toContain(taskId);
    const report = (await call(`${server.url}/api/v2.0/tasks/${taskId}/`, { headers: NETUX })).body;
    expect(report.failures[0]).toMatchObject({ index: 0, code: 500001 });
  });

  it('a recent open task is left to its execution', async () => {
    const taskId = 'ffffffffffffffffff01';
    await createTask('demo', { ...newTask(taskId, 'update', 1, 0), status: 'RUNNING' }, []);
    await reconcileAbandonedTasks();
    expect((await getTask('demo', taskId))!.status).toBe('RUNNING');
  });
});
