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
 * Makes DynamoDB itself refuse every write whose request carries `marker` (after the SDK serialized
 * it): a map key gets a lone surrogate, which DynamoDB cannot store; a string value gets a second
 * type, an attribute value DynamoDB rejects.
 */
function poisonWritesWith(marker: string) {
  (db().middlewareStack as MiddlewareStack<object, object>).add(
    (next) => async (args) => {
      const request = (args as { request?: { body?: unknown } }).request;
      const body = request?.body instanceof Uint8Array || typeof request?.body === 'string' ? Buffer.from(request.body).toString() : '';
      if (body.includes(`"${marker}"`)) {
        request!.body = body
          .replaceAll(`"${marker}":`, `"${marker}\\ud800":`)
          .replaceAll(`{"S":"${marker}"}`, `{"S":"${marker}","BOOL":true}`);
      }
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'injectedFault' },
  );
}

/** Runs chunk 0 of `taskId` in a worker process that SIGKILLs itself after its `writes`-th organization write; its exit signal. */
async function applyChunkInChildKilledAfter(writes: number, taskId: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/apply-chunk-child.ts', JSON.stringify({ tenantId: 'demo', taskId, chunk: 0 })],
    {
      cwd: repoRoot,
      env: { ...process.env, DYNAMODB_ENDPOINT: config.dynamodbEndpoint, TABLE_NAME: config.tableName, KILL_AFTER_WRITES: String(writes) },
      stdio: 'ignore',
    },
  );
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
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
      expect(await applyChunkInChildKilledAfter(2, taskId)).toBe('SIGKILL');
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

describe('in-place updates sent 25 to a round trip (BatchExecuteStatement)', () => {
  /** Five batches: more than a worker has in flight (4), so a worker killed after its first leaves some unsent. */
  const BATCHED = 125;
  const BATCHES = Math.ceil(BATCHED / 25);
  let batchIds: string[] = [];

  beforeAll(async () => {
    const accepted = await call(`${server.url}/api/v2.0/organizations/_/bulk/create/`, {
      method: 'POST',
      headers: NETUX,
      body: JSON.stringify(Array.from({ length: BATCHED }, (_, i) => ({ label: `batched-${i}` }))),
    });
    const report = await pollUntilFinal(accepted.body.task.id);
    expect(report).toMatchObject({ status: 'SUCCEEDED', succeeded: BATCHED });
    batchIds = [...report.created].sort((a, b) => a.index - b.index).map((c: { id: string }) => c.id);
  });

  /** The organizations in `ids` order (a batch read answers in any order). */
  const batchOrganizations = async (ids = batchIds) => {
    const byId = new Map((await getOrganizations('demo', ids)).map((o) => [o.id, o]));
    return ids.map((id) => byId.get(id)!);
  };
  const batchVersions = async () => new Map((await batchOrganizations()).map((o) => [o.id, o.version]));

  /**
   * Each operation of `applied` ([organization id, item index]) took effect exactly once: the task's
   * record on its organization lists its index once, and the version moved once per operation (a
   * prune does not move it); the organizations no operation applied to are untouched.
   */
  async function expectAppliedOnce(before: Map<string, number>, taskId: string, applied: [string, number][]) {
    for (const organization of await batchOrganizations()) {
      const indexes = applied.filter(([id]) => id === organization.id).map(([, index]) => index);
      expect(organization.version - before.get(organization.id)!, organization.label).toBe(indexes.length);
      expect(organization.appliedOps?.[taskId], organization.label).toEqual(indexes.length > 0 ? indexes : undefined);
    }
  }
  const everyIndex = (ids: string[]) => ids.map((id, index) => [id, index] as [string, number]);

  /** Observes each call of `command`: how many statements each carried. */
  function countCalls(command: string) {
    const statements: number[] = [];
    (db().middlewareStack as MiddlewareStack<object, object>).add(
      (next, context) => async (args) => {
        const input = (args as { input?: { Statements?: unknown[] } }).input;
        if (context.commandName === command) statements.push(input?.Statements?.length ?? 1);
        return next(args);
      },
      { step: 'initialize', name: 'injectedFault' },
    );
    return statements;
  }

  async function runBulkUpdate(items: object[]) {
    const accepted = await call(`${server.url}/api/v2.0/organizations/_/bulk/update/`, {
      method: 'PATCH',
      headers: NETUX,
      body: JSON.stringify(items),
    });
    expect(accepted.status).toBe(202);
    return pollUntilFinal(accepted.body.task.id);
  }
  const logoUpdates = (logo: string) => batchIds.map((id) => ({ id, logo }));

  it('batches what it can; the same organization twice, a label key, a missing id and an indexed change keep their own outcomes', async () => {
    const before = await batchVersions();
    const batches = countCalls('BatchExecuteStatementCommand');
    const [twice, byLabel, described] = [batchIds[50]!, batchIds[51]!, batchIds[52]!];
    const report = await runBulkUpdate([
      ...batchIds.slice(0, 50).map((id) => ({ id, logo: 'https://example.org/batched.png' })),
      { id: twice, logo: 'https://example.org/first.png' },
      { id: '~batched-51', favicon: 'https://example.org/label.ico' },
      { id: 'ffffffffffffffffffff', logo: 'https://example.org/missing.png' },
      { id: described, description: 'indexed, read first' },
      { id: twice, isActive: false },
    ]);
    expect(report).toMatchObject({ status: 'PARTIALLY_SUCCEEDED', total: 55, succeeded: 54, failed: 1 });
    expect(report.failures).toEqual([{ index: 52, id: 'ffffffffffffffffffff', code: 404001, detail: 'Not found.' }]);
    // The 50, the label key and the missing id went in batches; the repeated and the indexed ones did not.
    expect(batches).toEqual([25, 25, 2]);
    const applied = [...everyIndex(batchIds.slice(0, 50)), [twice, 50], [byLabel, 51], [described, 53], [twice, 54]] as [string, number][];
    await expectAppliedOnce(before, report.id, applied);
    const after = await batchOrganizations();
    expect(after.slice(0, 50).every((o) => o.logo === 'https://example.org/batched.png')).toBe(true);
    expect(after[50]).toMatchObject({ logo: 'https://example.org/first.png', isActive: false });
    expect(after[51]).toMatchObject({ favicon: 'https://example.org/label.ico' });
    expect(after[52]).toMatchObject({ description: 'indexed, read first' });
  });

  it('a batch applied but whose answer is lost: the single writes recognise every statement applied, none twice', async () => {
    const before = await batchVersions();
    let lost = 0;
    (db().middlewareStack as MiddlewareStack<object, object>).add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'BatchExecuteStatementCommand' && lost++ < 1) throw new Error('connection reset after the write');
        return result;
      },
      { step: 'initialize', name: 'injectedFault' },
    );
    const report = await runBulkUpdate(logoUpdates('https://example.org/lost-answer.png'));
    expect(lost).toBe(BATCHES);
    expect(report).toMatchObject({ status: 'SUCCEEDED', total: BATCHED, succeeded: BATCHED, failed: 0 });
    await expectAppliedOnce(before, report.id, everyIndex(batchIds));
  });

  it('batches throttled every time: the items are applied one by one, once each', async () => {
    const before = await batchVersions();
    let throttled = 0;
    injectFault(
      /BatchExecuteStatementCommand/,
      () => (throttled++, true),
      () => Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException' }),
    );
    const report = await runBulkUpdate(logoUpdates('https://example.org/throttled.png'));
    expect(throttled).toBe(BATCHES);
    expect(report).toMatchObject({ status: 'SUCCEEDED', succeeded: BATCHED, failed: 0 });
    await expectAppliedOnce(before, report.id, everyIndex(batchIds));
  });

  it('a poison statement inside a batch fails alone, with its reason; the rest of its batch is applied', async () => {
    const before = await batchVersions();
    poisonWritesWith('https://example.org/poison.png');
    const report = await runBulkUpdate(
      batchIds.slice(0, 25).map((id, i) => ({ id, logo: i === 7 ? 'https://example.org/poison.png' : 'https://example.org/fine.png' })),
    );
    expect(report).toMatchObject({ status: 'PARTIALLY_SUCCEEDED', succeeded: 24, failed: 1 });
    expect(report.failures).toEqual([{ index: 7, id: batchIds[7], code: 500001, detail: expect.stringContaining('ValidationException') }]);
    await expectAppliedOnce(
      before,
      report.id,
      everyIndex(batchIds.slice(0, 25)).filter(([, index]) => index !== 7),
    );
  });

  it('the same chunk delivered twice at once: each in-place item applied once', async () => {
    const before = await batchVersions();
    const taskId = 'dddddddddddddddddd01';
    const chunks = chunkItems(batchIds.map((id) => ({ key: id, fields: { logo: 'https://example.org/twice.png' } })));
    await createTask('demo', { ...newTask(taskId, 'update', BATCHED, 1), status: 'RUNNING' }, chunks);
    const both = await Promise.all([
      applyChunk({ tenantId: 'demo', taskId, chunk: 0 }),
      applyChunk({ tenantId: 'demo', taskId, chunk: 0 }),
    ]);
    expect(both).toEqual([0, 1].map(() => ({ chunk: 0, succeeded: BATCHED, failed: 0 })));
    await expectAppliedOnce(before, taskId, everyIndex(batchIds));
  });

  it('a record stored before the applied-operations map: refused in the batch, applied by the read-modify-write path', async () => {
    const [legacy] = batchIds;
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { tableName } = await import('#shared/db/client.ts');
    const keys = await import('#shared/db/keys.ts');
    await db().send(
      new UpdateCommand({ TableName: tableName(), Key: keys.organization('demo', legacy!), UpdateExpression: 'REMOVE appliedOps' }),
    );
    const before = await batchVersions();
    const report = await runBulkUpdate(logoUpdates('https://example.org/legacy.png').slice(0, 2));
    expect(report).toMatchObject({ status: 'SUCCEEDED', succeeded: 2, failed: 0 });
    // The read-modify-write path records the operation too (and prunes as it writes: no extra version).
    const after = await batchOrganizations(batchIds.slice(0, 2));
    expect(after.map((o) => o.version)).toEqual([before.get(legacy!)! + 1, expect.any(Number)]);
    expect(after[0]).toMatchObject({ logo: 'https://example.org/legacy.png', appliedOps: { [report.id]: [0] } });
  });

  it(
    'a worker killed (SIGKILL) right after its first batch returned: the retry applies the rest, nothing twice',
    { timeout: 60_000 },
    async () => {
      const before = await batchVersions();
      const taskId = 'cccccccccccccccccc01';
      const chunks = chunkItems(batchIds.map((id) => ({ key: id, fields: { isActive: true, logo: 'https://example.org/killed.png' } })));
      await createTask('demo', { ...newTask(taskId, 'update', BATCHED, 1), status: 'RUNNING' }, chunks);
      expect(await applyChunkInChildKilledAfter(1, taskId)).toBe('SIGKILL');
      const killed = await batchOrganizations();
      const applied = killed.filter((o) => o.appliedOps?.[taskId]).length;
      expect(applied).toBeGreaterThanOrEqual(25); // at least the batch that returned
      expect(applied).toBeLessThanOrEqual(100); // the fifth batch was never sent
      expect((await getChunk('demo', taskId, 0))!.status).toBe('PENDING');

      expect(await applyChunk({ tenantId: 'demo', taskId, chunk: 0 })).toEqual({ chunk: 0, succeeded: BATCHED, failed: 0 });
      await expectAppliedOnce(before, taskId, everyIndex(batchIds));
    },
  );
});
