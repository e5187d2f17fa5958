/**
 * Bulk tasks under faults: throttling, a worker crash in the middle of a chunk, a worker process
 * killed between two items, a chunk delivered twice at once, a poison item the database refuses every
 * time, an outage that outlasts every retry, and tasks whose execution never finished. Every item
 * ends applied exactly once in effect, every task reaches a final status with exact counts, none
 * stays RUNNING forever. Faults are injected into the real DynamoDB client (SDK middleware), against
 * DynamoDB Local.
 */
import '#functions/tasks/reconcile-tasks.ts'; // installs the task resumer, as the reconciler's Lambda does

import { spawn } from 'node:child_process';

import type { MiddlewareStack } from '@smithy/types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { repoRoot } from '#functions/routes.ts';
import { config } from '#shared/config.ts';
import { db } from '#shared/db/client.ts';
import { findOrganizationIdByLabel, getOrganization, getOrganizations } from '#shared/db/organizations.ts';
import { createTask, getChunk, getTask, listOpenTasksCreatedBefore } from '#shared/db/tasks.ts';
import { applyChunk, chunkItems, MAX_RESUMES, newTask, reconcileAbandonedTasks } from '#shared/domain/bulk-tasks.ts';
import { touchesOrganizationItem } from '#test/support/organization-items.ts';
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
      const touchesOrganization = touchesOrganizationItem((args as { input?: unknown }).input);
      if (commands.test(context.commandName ?? '') && touchesOrganization && shouldFail()) throw error();
      return next(args);
    },
    { step: 'initialize', name: 'injectedFault' },
  );
}

/**
 * Makes DynamoDB itself refuse every write whose request carries `marker` as a map key: the key gets
 * a lone surrogate on the wire (after the SDK serialized it), which DynamoDB cannot store.
 */
function poisonWritesWith(marker: string) {
  (db().middlewareStack as MiddlewareStack<object, object>).add(
    (next) => async (args) => {
      const request = (args as { request?: { body?: unknown } }).request;
      const body = request?.body instanceof Uint8Array || typeof request?.body === 'string' ? Buffer.from(request.body).toString() : '';
      if (body.includes(`"${marker}":`)) request!.body = body.replaceAll(`"${marker}":`, `"${marker}\\ud800":`);
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'injectedFault' },
  );
}

const get = (path: string) => call(`${server.url}/api/v2.0${path}`, { headers: NETUX });

/** Polls the task report until it is final; every reading must account for every item, and progress only grows. */
async function pollUntilFinal(taskId: string) {
  let previous = { succeeded: 0, failed: 0 };
  for (;;) {
    const report = (await get(`/tasks/${taskId}/`)).body;
    expect(report.succeeded + report.failed + report.pending).toBe(report.total);
    expect(report.succeeded).toBeGreaterThanOrEqual(previous.succeeded);
    expect(report.failed).toBeGreaterThanOrEqual(previous.failed);
    previous = report;
    if (!['PENDING', 'RUNNING'].includes(report.status)) return report;
    await new Promise((resolve) => setTimeout(resolve, 100)); // polling interval, not a wait for a state
  }
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

describe('one item fails alone', () => {
  it(
    'a poison item (DynamoDB refuses its write every time) is recorded failed with its reason; its chunk and the other chunks are applied',
    { timeout: 180_000 },
    async () => {
      poisonWritesWith('poison-key');
      const items = Array.from({ length: 520 }, (_, i) => ({
        label: `poison-run-${i}`,
        ...(i === 260 ? { properties: { 'poison-key': 1 } } : {}),
      }));
      const accepted = await call(`${server.url}/api/v2.0/organizations/_/bulk/create/`, {
        method: 'POST',
        headers: NETUX,
        body: JSON.stringify(items),
      });
      expect(accepted.status).toBe(202);
      const report = await pollUntilFinal(accepted.body.task.id);
      expect(report, JSON.stringify(report.failures)).toMatchObject({
        status: 'PARTIALLY_SUCCEEDED',
        total: 520,
        succeeded: 519,
        failed: 1,
        pending: 0,
      });
      expect(report.failures).toEqual([{ index: 260, id: null, code: 500001, detail: expect.stringContaining('InternalFailure') }]);
      // `created` names every organization the task made, and exactly those are stored.
      expect(report.created.map((c: { index: number }) => c.index)).toEqual(items.map((_, i) => i).filter((i) => i !== 260));
      const stored = await getOrganizations(
        'demo',
        report.created.map((c: { id: string }) => c.id),
      );
      expect(stored.map((o) => o.label).sort()).toEqual(report.created.map((c: { index: number }) => `poison-run-${c.index}`).sort());
      expect(await findOrganizationIdByLabel('demo', 'poison-run-260')).toBeUndefined();
      // Other chunks than the poison's (250 items a chunk) were applied: the first and the last item.
      expect(await findOrganizationIdByLabel('demo', 'poison-run-0')).toBeDefined();
      expect(await findOrganizationIdByLabel('demo', 'poison-run-519')).toBeDefined();
      const failed = (await get(`/tasks/${report.id}/results/?status=failed`)).body;
      expect(failed).toMatchObject({ count: 1, results: [{ index: 260, id: null, status: 'failed', code: 500001 }] });
    },
  );
});

describe('a worker dies between two items', () => {
  it(
    'killed (SIGKILL) right after its second write: progress never claims more than was applied; the retry applies the rest once',
    { timeout: 60_000 },
    async () => {
      const id = IDS[0]!;
      const before = (await getOrganization('demo', id))!.version;
      // Four items on one organization run in request order: the kill falls between items 1 and 2.
      const fields = [{ description: 'k0' }, { name: 'k1' }, { description: 'k2' }, { name: 'k3' }];
      const taskId = 'cccccccccccccccccccc';
      await createTask(
        'demo',
        { ...newTask(taskId, 'update', 4, 1), status: 'RUNNING' },
        chunkItems(fields.map((f) => ({ key: id, fields: f }))),
      );
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'test/support/apply-chunk-child.ts', JSON.stringify({ tenantId: 'demo', taskId, chunk: 0 })],
        {
          cwd: repoRoot,
          env: { ...process.env, DYNAMODB_ENDPOINT: config.dynamodbEndpoint, TABLE_NAME: config.tableName, KILL_AFTER_WRITES: '2' },
          stdio: 'ignore',
        },
      );
      const signal = await new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      expect(signal).toBe('SIGKILL');
      expect((await getOrganization('demo', id))!.version).toBe(before + 2);
      const crashed = (await getChunk('demo', taskId, 0))!;
      expect(crashed.status).toBe('PENDING');
      expect(crashed.succeeded).toBeLessThanOrEqual(2);
      expect(crashed.outcomes!.slice(2)).toBe('..');

      // The state machine's retry of the chunk (same worker code, in this process).
      expect(await applyChunk({ tenantId: 'demo', taskId, chunk: 0 })).toEqual({ chunk: 0, succeeded: 4, failed: 0 });
      expect(await getOrganization('demo', id)).toMatchObject({ version: before + 4, description: 'k2', name: 'k3' });
    },
  );
});

describe('no task stays RUNNING forever, none is declared lost', () => {
  it('the reconciler resumes a task whose execution died, from its chunk records, to exact counts', { timeout: 60_000 }, async () => {
    const before = await versions();
    const taskId = 'eeeeeeeeeeeeeeeeeeee';
    const threeHoursAgo = new Date(Date.now() - 3 * 3600_000).toISOString();
    const chunks = chunkItems(IDS.map((id) => ({ key: id, fields: { name: 'resumed' } })));
    await createTask('demo', { ...newTask(taskId, 'update', 4, 1, threeHoursAgo), status: 'RUNNING' }, chunks);
    // Half of it was applied before the execution died (as a crashed chunk leaves it).
    const partial = await applyChunk({ tenantId: 'demo', taskId, chunk: 0 }).catch(() => undefined);
    expect(partial).toBeDefined(); // sanity: the worker ran; now forget that it finished
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { db, tableName } = await import('#shared/db/client.ts');
    const keys = await import('#shared/db/keys.ts');
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.taskChunk('demo', taskId, 0),
        UpdateExpression: 'SET #status = :pending, outcomes = :outcomes, succeeded = :two',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'PENDING', ':outcomes': 'ss..', ':two': 2 },
      }),
    );

    expect(await reconcileAbandonedTasks()).toContainEqual({ tenantId: 'demo', taskId, outcome: 'resumed' });
    expect(await getTask('demo', taskId)).toMatchObject({ status: 'RUNNING', attempt: 1 });
    await server.stepFunctions.idle();
    expect(await getTask('demo', taskId)).toMatchObject({ status: 'SUCCEEDED', succeeded: 4, failed: 0, attempt: 1 });
    expect(await versions()).toEqual(before.map((v) => v + 1)); // the resumed items were not applied twice
    expect((await listOpenTasksCreatedBefore(new Date().toISOString())).map((t) => t.taskId)).not.toContain(taskId);
  });

  it(`a task resumed ${MAX_RESUMES} times is finalized FAILED as it stands: exact counts, the rest pending`, async () => {
    const taskId = 'eeeeeeeeeeeeeeeeeee1';
    const threeHoursAgo = new Date(Date.now() - 3 * 3600_000).toISOString();
    const chunks = chunkItems(IDS.map((id) => ({ key: id, fields: { name: 'never applied' } })));
    await createTask('demo', { ...newTask(taskId, 'update', 4, 1, threeHoursAgo), status: 'RUNNING', attempt: MAX_RESUMES }, chunks);
    expect(await reconcileAbandonedTasks()).toContainEqual({ tenantId: 'demo', taskId, outcome: 'FAILED' });
    expect(await getTask('demo', taskId)).toMatchObject({ status: 'FAILED', succeeded: 0, failed: 0, finishedAt: expect.any(String) });
    const report = (await get(`/tasks/${taskId}/`)).body;
    expect(report).toMatchObject({ status: 'FAILED', total: 4, succeeded: 0, failed: 0, pending: 4, failures: [] });
    expect((await get(`/tasks/${taskId}/results/?status=pending`)).body).toMatchObject({
      count: 4,
      results: IDS.map((id, index) => ({ index, id, status: 'pending', code: null, detail: null })),
    });
  });

  it('a recent open task is left to its execution', async () => {
    const taskId = 'ffffffffffffffffff01';
    await createTask('demo', { ...newTask(taskId, 'update', 1, 0), status: 'RUNNING' }, []);
    await reconcileAbandonedTasks();
    expect((await getTask('demo', taskId))!.status).toBe('RUNNING');
  });

  it(
    'an outage outlasting every retry ends the task FAILED with exact counts; a retry with its Idempotency-Key resumes it',
    { timeout: 120_000 },
    async () => {
      const before = await versions();
      let outage = true;
      injectFault(
        /UpdateCommand|TransactWriteItemsCommand|UpdateItemCommand/,
        () => outage,
        () => new Error('simulated outage'),
      );
      const request = {
        method: 'PATCH',
        headers: { ...NETUX, 'Idempotency-Key': 'outage-1' },
        body: JSON.stringify(IDS.map((id) => ({ id, description: 'after the outage' }))),
      };
      const accepted = await call(`${server.url}/api/v2.0/organizations/_/bulk/update/`, request);
      expect(accepted.status).toBe(202);
      await server.stepFunctions.idle();
      expect((await get(`/tasks/${accepted.body.task.id}/`)).body).toMatchObject({
        status: 'FAILED',
        total: 4,
        succeeded: 0,
        failed: 0,
        pending: 4,
      });
      expect(await versions()).toEqual(before);

      outage = false;
      const retried = await call(`${server.url}/api/v2.0/organizations/_/bulk/update/`, request);
      expect(retried.body).toEqual(accepted.body);
      await server.stepFunctions.idle();
      expect((await get(`/tasks/${accepted.body.task.id}/`)).body).toMatchObject({
        status: 'SUCCEEDED',
        succeeded: 4,
        failed: 0,
        pending: 0,
      });
      expect(await versions()).toEqual(before.map((v) => v + 1));
    },
  );
});
