/** Netux bulk tasks end to end: request → chunk records → local Step Functions (same ASL) → task report. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { handler as applyChunkWorker } from '#functions/tasks/apply-chunk.ts';
import { db, tableName } from '#shared/db/client.ts';
import * as keys from '#shared/db/keys.ts';
import { getOrganization } from '#shared/db/organizations.ts';
import { call, startSeededServer, type TestServer } from '#test/support/server.ts';
import { snapshotTable } from '#test/support/table.ts';

const TOKEN = 'oaXBo6ODhIjPsusNRPUGIK4d72bc73';
let server: TestServer;

const bulk = (method: string, op: string, body: unknown, headers: Record<string, string> = { 'X-Bulk-Operation': 'True' }) =>
  call(`${server.url}/api/v2.0/organizations/_/bulk/${op}/`, {
    method,
    headers: { 'content-type': 'application/json', 'X-Auth-Token': TOKEN, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const get = (path: string) => call(`${server.url}/api/v2.0${path}`, { headers: { 'X-Auth-Token': TOKEN } });

/** Submits, waits for the execution to finish (no polling, no sleeps) and returns the task report. */
async function runTask(method: string, op: string, body: unknown, headers?: Record<string, string>) {
  const accepted = await bulk(method, op, body, headers);
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  expect(accepted.body).toEqual({ task: { id: expect.stringMatching(/^[0-9a-f]{20}$/) } });
  await server.stepFunctions.idle();
  return (await get(`/tasks/${accepted.body.task.id}/`)).body;
}

beforeAll(async () => {
  server = await startSeededServer();
});
afterAll(() => server.close());

describe('PATCH /organizations/_/bulk/update/', () => {
  it("runs the seed document's example to SUCCEEDED", async () => {
    const report = await runTask('PATCH', 'update', [
      { id: '409dba9c67d3bb19f554', name: 'Organization Third' },
      { id: '4923b1670068c9c54b06', name: 'Organization Fourth' },
      { id: '445da83878abc3c75756', name: 'Organization Fifth (renamed)' },
    ]);
    expect(report).toMatchObject({ kind: 'bulk_update', status: 'SUCCEEDED', total: 3, succeeded: 3, failed: 0, failures: [] });
    expect(report.finishedAt).toEqual(expect.any(String));
    const fifth = (await get('/organizations/445da83878abc3c75756/')).body;
    // Absent fields stay unchanged.
    expect(fifth).toMatchObject({ name: 'Organization Fifth (renamed)', label: 'organization-fifth', isActive: true });
    expect((await get('/organizations/4923b1670068c9c54b06/')).body.isActive).toBe(false);
  });

  it('fails only the items whose id does not exist (PARTIALLY_SUCCEEDED)', async () => {
    const report = await runTask('PATCH', 'update', [
      { id: '409dba9c67d3bb19f554', description: 'ok' },
      { id: 'ffffffffffffffffffff', name: 'ghost' },
    ]);
    expect(report).toMatchObject({ status: 'PARTIALLY_SUCCEEDED', total: 2, succeeded: 1, failed: 1, pending: 0 });
    expect(report.failures).toEqual([{ index: 1, id: 'ffffffffffffffffffff', code: 404001, detail: 'Not found.' }]);
  });

  it('a task whose every item is refused is PARTIALLY_SUCCEEDED, not FAILED (FAILED is the system failing)', async () => {
    const report = await runTask('PATCH', 'update', [{ id: 'fffffffffffffffffff1' }, { id: 'fffffffffffffffffff2' }]);
    expect(report).toMatchObject({ status: 'PARTIALLY_SUCCEEDED', total: 2, succeeded: 0, failed: 2, pending: 0 });
  });

  it('answers the exact header error without X-Bulk-Operation, and starts nothing', async () => {
    const before = await snapshotTable();
    const reply = await bulk('PATCH', 'update', [{ id: '409dba9c67d3bb19f554' }], {});
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ detail: 'Header `X-BULK-OPERATION` should be provided for bulk operation.' });
    expect(await snapshotTable()).toEqual(before);
  });

  it('validates the whole request first: not an array, or any invalid item, starts nothing', async () => {
    const before = await snapshotTable();
    const executions = server.stepFunctions.executions.size;
    const notArray = await bulk('PATCH', 'update', { id: 'x' });
    expect(notArray.status).toBe(400);
    expect(notArray.body).toEqual({
      code: 400001,
      message: 'Validation Error.',
      detail: { non_field_errors: ['Expected a list of items but got type "dict".'] },
    });
    const invalid = await bulk('PATCH', 'update', [{ id: '409dba9c67d3bb19f554' }, { name: 'no id' }, { id: 'x', isActive: 'yes' }, 7]);
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.detail).sort()).toEqual(['1', '2', '3']);
    expect(invalid.body.detail['1']).toEqual({ id: ['This field is required.'] });
    expect(Object.keys(invalid.body.detail['2'])).toEqual(['isActive']);
    const broken = await bulk('PATCH', 'update', '[{"id": ');
    expect(broken.body.code).toBe(400001);
    expect(await snapshotTable()).toEqual(before);
    expect(server.stepFunctions.executions.size).toBe(executions);
  });

  it('refuses more than 10,000 items with 413001', async () => {
    const items = Array.from({ length: 10_001 }, () => ({ id: '409dba9c67d3bb19f554' }));
    const reply = await bulk('PATCH', 'update', items);
    expect(reply.status).toBe(413);
    expect(reply.body.code).toBe(413001);
  });

  it('refuses a body over 5 MB with 413001', async () => {
    const reply = await bulk('PATCH', 'update', [{ id: '409dba9c67d3bb19f554', description: 'x'.repeat(5 * 1024 * 1024) }]);
    expect(reply.status).toBe(413);
    expect(reply.body.code).toBe(413001);
  });

  it('a single PATCH racing a bulk update loses no field', async () => {
    const [accepted, patched] = await Promise.all([
      bulk('PATCH', 'update', [{ id: '0000000000000012000007', name: 'Global (bulk)' }]),
      call(`${server.url}/api/v2.0/organizations/0000000000000012000007/`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'X-Auth-Token': TOKEN },
        body: JSON.stringify({ description: 'patched concurrently' }),
      }),
    ]);
    expect(accepted.status).toBe(202);
    expect(patched.status).toBe(200);
    await server.stepFunctions.idle();
    expect((await get('/organizations/0000000000000012000007/')).body).toMatchObject({
      name: 'Global (bulk)',
      description: 'patched concurrently',
    });
  });
});

describe('POST bulk create, full update and delete', () => {
  it('creates, reporting the new ids per index; a taken label fails only that item', async () => {
    const report = await runTask('POST', 'create', [{ label: 'bulk-a', name: 'Bulk A' }, { label: 'usa' }, { label: 'bulk-b' }]);
    expect(report).toMatchObject({ kind: 'bulk_create', status: 'PARTIALLY_SUCCEEDED', succeeded: 2, failed: 1 });
    expect(report.failures).toEqual([
      { index: 1, id: null, code: 400001, detail: { label: ['Organization with this label already exists.'] } },
    ]);
    expect(report.created.map((c: { index: number }) => c.index)).toEqual([0, 2]);
    const a = (await get(`/organizations/${report.created[0].id}/`)).body;
    expect(a).toMatchObject({ label: 'bulk-a', name: 'Bulk A' });
    expect((await get('/organizations/~bulk-b/')).body.name).toBe('bulk-b');
  });

  it('the same label twice in one request: the first is created, the later one fails, every time', async () => {
    const labels = Array.from({ length: 8 }, (_, i) => `bulk-twice-${i}`);
    // Each label first as "first", then (after every other label) as "second".
    const body = [...labels.map((label) => ({ label, name: 'first' })), ...labels.map((label) => ({ label, name: 'second' }))];
    const report = await runTask('POST', 'create', body);
    expect(report).toMatchObject({ status: 'PARTIALLY_SUCCEEDED', succeeded: 8, failed: 8 });
    expect(report.created.map((c: { index: number }) => c.index)).toEqual(labels.map((_, i) => i));
    expect(report.failures.map((f: { index: number }) => f.index)).toEqual(labels.map((_, i) => i + 8));
    for (const label of labels) expect((await get(`/organizations/~${label}/`)).body.name).toBe('first');
  });

  it('POST update is a full update: label required, absent fields reset', async () => {
    const invalid = await bulk('POST', 'update', [{ id: '409dba9c67d3bb19f554', name: 'x' }]);
    expect(invalid.body.detail).toEqual({ '0': { label: ['This field is required.'] } });
    const report = await runTask('POST', 'update', [{ id: '409dba9c67d3bb19f554', label: 'third-full' }]);
    expect(report.status).toBe('SUCCEEDED');
    expect((await get('/organizations/409dba9c67d3bb19f554/')).body).toMatchObject({
      label: 'third-full',
      name: 'third-full',
      description: '',
      properties: {},
    });
  });

  it('deletes by "<id>", "~label" and {"id"}', async () => {
    const ids = await Promise.all(
      ['del-1', 'del-2', 'del-3'].map(async (label) => (await runTask('POST', 'create', [{ label }])).created[0].id),
    );
    const report = await runTask('POST', 'delete', [ids[0], '~del-2', { id: ids[2] }, '~never-existed']);
    expect(report).toMatchObject({ kind: 'bulk_delete', status: 'PARTIALLY_SUCCEEDED', succeeded: 3, failed: 1 });
    expect(report.failures[0]).toMatchObject({ index: 3, id: '~never-existed', code: 404001 });
    for (const id of ids) expect((await get(`/organizations/${id}/`)).status).toBe(404);
  });

  it("accepts DELETE as well, as the vendor's devices and events bulk-delete examples send it", async () => {
    const created = await runTask('POST', 'create', [{ label: 'del-by-delete-1' }, { label: 'del-by-delete-2' }]);
    // curl -X DELETE …/_/bulk/delete/ -H 'X-Bulk-Operation: True' -H 'Content-Type: application/json' -d '[…]'
    const report = await runTask('DELETE', 'delete', [created.created[0].id, '~del-by-delete-2']);
    expect(report).toMatchObject({ kind: 'bulk_delete', status: 'SUCCEEDED', succeeded: 2, failed: 0 });
    expect((await get('/organizations/~del-by-delete-1/')).status).toBe(404);
    expect((await get('/organizations/~del-by-delete-2/')).status).toBe(404);
    // The same rules as POST: the header is required and the body is validated whole.
    expect((await bulk('DELETE', 'delete', ['~usa'], {})).body).toEqual({
      detail: 'Header `X-BULK-OPERATION` should be provided for bulk operation.',
    });
    expect((await bulk('DELETE', 'delete', { id: 'x' })).body.code).toBe(400001);
  });

  // 600 creates, each a transaction of about ten items on DynamoDB Local: give it more than the default 30 s.
  it('spreads large requests over several chunks', { timeout: 120_000 }, async () => {
    const items = Array.from({ length: 600 }, (_, i) => ({ label: `many-${i}` }));
    const report = await runTask('POST', 'create', items);
    expect(report).toMatchObject({ status: 'SUCCEEDED', total: 600, succeeded: 600 });
    expect(new Set(report.created.map((c: { id: string }) => c.id)).size).toBe(600);
    expect((await get('/organizations/?label=many-599')).body.count).toBe(1);
  });
});

describe('exactly once in effect', () => {
  it('a chunk delivered again after a crash (items applied, outcome not recorded) applies nothing twice', async () => {
    const report = await runTask('PATCH', 'update', [{ id: '00000000000000004000007', description: 'once' }]);
    expect(report.status).toBe('SUCCEEDED');
    const before = await getOrganization('demo', '00000000000000004000007');
    // Simulate the crash: the chunk's outcome was never recorded, so Step Functions re-delivers it.
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.taskChunk('demo', report.id, 0),
        UpdateExpression: 'SET #status = :pending, outcomes = :none, succeeded = :zero, failed = :zero',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'PENDING', ':none': '.', ':zero': 0 },
      }),
    );
    const redelivered = await applyChunkWorker({ tenantId: 'demo', taskId: report.id, chunk: 0 }, {} as never);
    expect(redelivered).toEqual({ chunk: 0, succeeded: 1, failed: 0 });
    expect(await getOrganization('demo', '00000000000000004000007')).toEqual(before); // same version: not re-applied
    // A duplicate delivery of a recorded chunk changes nothing either.
    expect(await applyChunkWorker({ tenantId: 'demo', taskId: report.id, chunk: 0 }, {} as never)).toEqual({
      chunk: 0,
      succeeded: 1,
      failed: 0,
    });
  });
});

describe('Idempotency-Key (extension)', () => {
  it('returns the same task for a retried request, and 400001 for the same key with another body', async () => {
    const body = [{ id: '0000000000000000000007', description: 'idempotent' }];
    const first = await bulk('PATCH', 'update', body, { 'X-Bulk-Operation': 'True', 'Idempotency-Key': 'k-1' });
    const retry = await bulk('PATCH', 'update', body, { 'X-Bulk-Operation': 'True', 'Idempotency-Key': 'k-1' });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(retry.body.task.id).toBe(first.body.task.id);
    const other = await bulk('PATCH', 'update', [{ id: '0000000000000000000007' }], {
      'X-Bulk-Operation': 'True',
      'Idempotency-Key': 'k-1',
    });
    expect(other.status).toBe(400);
    expect(other.body.code).toBe(400001);
    expect(other.body.detail).toHaveProperty('Idempotency-Key');
    await server.stepFunctions.idle();
  });

  it('400001 for the same key and body on another operation (POST, a full update, after a PATCH), which changes nothing', async () => {
    const label = 'idempotent-operation';
    const created = await call(`${server.url}/api/v2.0/organizations/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Auth-Token': TOKEN },
      body: JSON.stringify({ label, description: 'keep me' }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const body = [{ id: created.body.id, label }];
    const patch = await bulk('PATCH', 'update', body, { 'X-Bulk-Operation': 'True', 'Idempotency-Key': 'k-op' });
    expect(patch.status).toBe(202);
    await server.stepFunctions.idle();
    const post = await bulk('POST', 'update', body, { 'X-Bulk-Operation': 'True', 'Idempotency-Key': 'k-op' });
    expect(post.status, JSON.stringify(post.body)).toBe(400);
    expect(post.body.code).toBe(400001);
    expect(post.body.detail['Idempotency-Key'][0]).toMatch(/different operation/);
    await server.stepFunctions.idle();
    // The full update was not applied: the description a POST would have reset is still there.
    const stored = await call(`${server.url}/api/v2.0/organizations/${created.body.id}/`, { headers: { 'X-Auth-Token': TOKEN } });
    expect(stored.body.description).toBe('keep me');
  });
});

describe('GET /tasks/{id}/results/ (extension)', () => {
  it('pages every item outcome, or those of one status, with index, id, status, code and detail', async () => {
    const items = Array.from({ length: 300 }, (_, i) => ({
      id: i % 100 === 7 ? `ffffffffffffffffff${String(i).padStart(2, '0')}` : '0000000000000000000007',
      description: `r${i}`,
    }));
    const report = await runTask('PATCH', 'update', items);
    expect(report).toMatchObject({ status: 'PARTIALLY_SUCCEEDED', total: 300, succeeded: 297, failed: 3, pending: 0 });
    const taskPath = `/tasks/${report.id}/results/`;

    const failed = (await get(`${taskPath}?status=failed`)).body;
    expect(failed).toEqual({
      count: 3,
      next: null,
      previous: null,
      results: [7, 107, 207].map((index) => ({
        index,
        id: `ffffffffffffffffff${String(index).padStart(2, '0')}`,
        status: 'failed',
        code: 404001,
        detail: 'Not found.',
      })),
    });
    // Across the chunk boundary (250 items a chunk): page 3 of 100 holds indexes 200..299.
    const third = (await get(`${taskPath}?page=3&page_size=100`)).body;
    expect(third.count).toBe(300);
    expect(third.results.map((r: { index: number }) => r.index)).toEqual(Array.from({ length: 100 }, (_, i) => 200 + i));
    expect(third.results[0]).toEqual({ index: 200, id: '0000000000000000000007', status: 'succeeded', code: null, detail: null });
    expect(third.next).toBeNull();
    expect(third.previous).toMatch(/\/tasks\/[0-9a-f]{20}\/results\/\?page=2&page_size=100$/);
    const succeeded = (await get(`${taskPath}?status=succeeded&page_size=1000`)).body;
    expect(succeeded.count).toBe(297);
    expect(succeeded.results.every((r: { status: string }) => r.status === 'succeeded')).toBe(true);
    expect((await get(`${taskPath}?status=pending`)).body).toMatchObject({ count: 0, results: [] });
  });

  it('answers bad parameters in the Netux format, and 404001 for an unknown task or a page past the last', async () => {
    const report = await runTask('PATCH', 'update', [{ id: '0000000000000000000007', description: 'one' }]);
    const bad = await get(`/tasks/${report.id}/results/?status=done&page_size=0`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      code: 400001,
      message: 'Validation Error.',
      detail: { status: expect.any(Array), page_size: expect.any(Array) },
    });
    expect((await get(`/tasks/${report.id}/results/?page=2`)).body).toEqual({ code: 404001, message: 'Not found.', detail: 'Not found.' });
    expect((await get('/tasks/ffffffffffffffffffff/results/')).status).toBe(404);
    const foreign = await call(`${server.url}/api/v2.0/tasks/${report.id}/results/`, {
      headers: { 'X-Auth-Token': 'other-tenant-netux-token' },
    });
    expect(foreign.status).toBe(404);
  });
});

describe('GET /tasks/{id}/', () => {
  it("answers 404001 for an unknown task and for another tenant's task", async () => {
    const report = await runTask('PATCH', 'update', [{ id: '0000000000000000000007', description: 'x' }]);
    expect((await get('/tasks/ffffffffffffffffffff/')).status).toBe(404);
    const foreign = await call(`${server.url}/api/v2.0/tasks/${report.id}/`, { headers: { 'X-Auth-Token': 'other-tenant-netux-token' } });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ code: 404001, message: 'Not found.', detail: 'Not found.' });
  });

  it('needs the bulk scope to submit', async () => {
    const reply = await call(`${server.url}/api/v2.0/organizations/_/bulk/update/`, {
      method: 'PATCH',
      headers: { 'X-Auth-Token': 'demo-netux-read-only-token', 'X-Bulk-Operation': 'True' },
      body: '[]',
    });
    expect(reply.status).toBe(403);
  });
});
