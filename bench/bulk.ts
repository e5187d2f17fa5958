/**
 * Bulk throughput end to end: request → chunk records → local Step Functions (the same ASL) →
 * SUCCEEDED, in items/s, beside raw UpdateItem on the same DynamoDB Local at the same concurrency.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import { db, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { loadSeed } from '#shared/seed/load.ts';
import { parseSeedFile } from '#shared/seed/schema.ts';

const TOKEN = 'oaXBo6ODhIjPsusNRPUGIK4d72bc73';
/** Map MaxConcurrency (8) × items in flight per chunk (16): the workers' nominal concurrency per task. */
export const WORKER_CONCURRENCY = 8 * 16;

export const benchOrgId = (i: number) => `b${i.toString(16).padStart(21, '0')}`;

export async function seedBenchOrganizations(count: number): Promise<void> {
  const organizations = Array.from({ length: count }, (_, i) => ({
    id: benchOrgId(i),
    intId: 1_000_000 + i,
    label: `bench-${i}`,
    name: `Bench ${i}`,
  }));
  await loadSeed(parseSeedFile({ tenants: [{ id: 'demo', name: 'Orgbridge demo', organizations }] }), { concurrency: 64 });
}

async function waitForTask(baseUrl: string, taskId: string): Promise<{ status: string; succeeded: number; failed: number }> {
  for (;;) {
    const task = (await (await fetch(`${baseUrl}/api/v2.0/tasks/${taskId}/`, { headers: { 'X-Auth-Token': TOKEN } })).json()) as {
      status: string;
      succeeded: number;
      failed: number;
    };
    if (!['PENDING', 'RUNNING'].includes(task.status)) return task;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function submit(baseUrl: string, items: unknown[]): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v2.0/organizations/_/bulk/update/`, {
    method: 'PATCH',
    headers: { 'X-Auth-Token': TOKEN, 'X-Bulk-Operation': 'True', 'content-type': 'application/json' },
    body: JSON.stringify(items),
  });
  const body = (await response.json()) as { task: { id: string } };
  if (response.status !== 202) throw new Error(`bulk submit failed: ${response.status} ${JSON.stringify(body)}`);
  return body.task.id;
}

export interface BulkResult {
  name: string;
  items: number;
  seconds: number;
  itemsPerSecond: number;
  rawSeconds: number;
  rawItemsPerSecond: number;
  ratio: number;
  statuses: string[];
}

async function rawUpdates(ids: string[], concurrency: number, tag: string): Promise<number> {
  const started = performance.now();
  await mapWithConcurrency(ids, concurrency, (id) =>
    db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.organization('demo', id),
        UpdateExpression: 'SET description = :d',
        ExpressionAttributeValues: { ':d': tag },
      }),
    ),
  );
  return (performance.now() - started) / 1000;
}

export async function measureBulk(baseUrl: string, organizations: number, tasks: number): Promise<BulkResult[]> {
  const ids = Array.from({ length: organizations }, (_, i) => benchOrgId(i));
  const results: BulkResult[] = [];

  // Warm both sides first, as the request path does: the server loads the bulk and worker handlers
  // and compiles their hot paths on its first task; the direct client warms on the same items.
  const warmIds = ids.slice(0, Math.min(ids.length, 1000));
  await waitForTask(
    baseUrl,
    await submit(
      baseUrl,
      warmIds.map((id) => ({ id, description: 'bulk warm-up' })),
    ),
  );
  await rawUpdates(warmIds, WORKER_CONCURRENCY, 'raw warm-up');

  // One task of `organizations` items.
  let started = performance.now();
  const one = await waitForTask(
    baseUrl,
    await submit(
      baseUrl,
      ids.map((id) => ({ id, description: 'bulk single' })),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const raw = await rawUpdates(ids, WORKER_CONCURRENCY, 'raw single');
  results.push({
    name: `1 task × ${organizations} updates`,
    items: organizations,
    seconds,
    itemsPerSecond: organizations / seconds,
    rawSeconds: raw,
    rawItemsPerSecond: organizations / raw,
    ratio: raw / seconds,
    statuses: [one.status],
  });

  // `tasks` tasks together, each over every organization, starting at a different offset.
  started = performance.now();
  const taskIds = await Promise.all(
    Array.from({ length: tasks }, (_, t) => {
      const rotated = [...ids.slice((t * organizations) / tasks), ...ids.slice(0, (t * organizations) / tasks)];
      return submit(
        baseUrl,
        rotated.map((id) => ({ id, description: `bulk task ${t}` })),
      );
    }),
  );
  const finished = await Promise.all(taskIds.map((id) => waitForTask(baseUrl, id)));
  const manySeconds = (performance.now() - started) / 1000;
  const allIds = Array.from({ length: tasks }, () => ids).flat();
  const rawMany = await rawUpdates(allIds, WORKER_CONCURRENCY * tasks, 'raw many');
  results.push({
    name: `${tasks} tasks × ${organizations} updates together`,
    items: organizations * tasks,
    seconds: manySeconds,
    itemsPerSecond: (organizations * tasks) / manySeconds,
    rawSeconds: rawMany,
    rawItemsPerSecond: (organizations * tasks) / rawMany,
    ratio: rawMany / manySeconds,
    statuses: finished.map((t) => t.status),
  });
  return results;
}
