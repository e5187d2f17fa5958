/** Bulk tasks and their chunk records (never in the state-machine payload), kept 8 days by TTL. */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

import type { Chunk, ChunkResult, ChunkSummary, Task, TaskStatus } from '#shared/domain/task.ts';
import { gsi1 } from '#shared/table-definition.ts';

import { db, tableName } from './client.ts';
import * as keys from './keys.ts';
import { entity, tenantPk } from './keys.ts';
import { batchWrite, conditionHeld, ignoringConditionFailure, isConditionFailure, queryPrefix, stripKeys } from './query.ts';

const RETENTION_SECONDS = 8 * 24 * 3600;
const expiry = () => Math.floor(Date.now() / 1000) + RETENTION_SECONDS;

/**
 * Stores the chunk records, then the task (so a task never exists without all of its items). Each
 * chunk is two records: its items (written once, up to 300 KB) and its outcome (small, rewritten as
 * the chunk progresses: a write costs by the size of the item it rewrites).
 */
export async function createTask(tenantId: string, task: Task, chunks: Chunk[]): Promise<void> {
  const expiresAt = expiry();
  await batchWrite(
    chunks.flatMap(({ items, ...summary }) => [
      { PutRequest: { Item: { ...keys.taskChunkItems(tenantId, task.id, summary.chunk), entity: entity.chunkItems, items, expiresAt } } },
      { PutRequest: { Item: { ...keys.taskChunk(tenantId, task.id, summary.chunk), entity: entity.chunk, ...summary, expiresAt } } },
    ]),
    // One batch at a time: a task's records share the tenant's partition and weigh up to 300 KB each.
    { concurrency: 1 },
  );
  await db().send(
    new PutCommand({
      TableName: tableName(),
      // Open tasks carry GSI1 keys (sparse index) so the reconciler finds ones left unfinished.
      Item: {
        ...keys.task(tenantId, task.id),
        ...keys.openTask(tenantId, task.id, task.createdAt),
        entity: entity.task,
        ...task,
        expiresAt,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export async function deleteTask(tenantId: string, task: Task): Promise<void> {
  await batchWrite([
    { DeleteRequest: { Key: keys.task(tenantId, task.id) } },
    ...Array.from({ length: task.chunkCount }, (_, chunk) => [
      { DeleteRequest: { Key: keys.taskChunk(tenantId, task.id, chunk) } },
      { DeleteRequest: { Key: keys.taskChunkItems(tenantId, task.id, chunk) } },
    ]).flat(),
  ]);
}

export async function getTask(tenantId: string, taskId: string): Promise<Task | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.task(tenantId, taskId), ConsistentRead: true }));
  return Item ? stripKeys<Task>(Item) : undefined;
}

export async function getChunk(tenantId: string, taskId: string, chunk: number): Promise<Chunk | undefined> {
  const get = (Key: Record<string, string>) => db().send(new GetCommand({ TableName: tableName(), Key, ConsistentRead: true }));
  const [summary, items] = await Promise.all([
    get(keys.taskChunk(tenantId, taskId, chunk)),
    get(keys.taskChunkItems(tenantId, taskId, chunk)),
  ]);
  if (!summary.Item) return undefined;
  // Chunks stored before items lived apart carry them inline.
  return stripKeys<Chunk>({ ...summary.Item, ...(items.Item ? { items: items.Item.items } : {}) });
}

/** Chunk outcomes without their items (the items can be megabytes; they are separate records). */
export const listChunkResults = (tenantId: string, taskId: string) =>
  queryPrefix<ChunkSummary>(tenantPk(tenantId), keys.taskChunkPrefix(taskId), {
    ProjectionExpression: 'chunk, firstIndex, #status, succeeded, failed, failures, created, outcomes, updatedAt',
    ExpressionAttributeNames: { '#status': 'status' },
  });

/** PENDING → RUNNING (a re-run of the first state finds it RUNNING already and carries on). */
export async function markTaskRunning(tenantId: string, taskId: string): Promise<void> {
  await ignoringConditionFailure(
    db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.task(tenantId, taskId),
        UpdateExpression: 'SET #status = :running',
        ConditionExpression: '#status IN (:pending, :running)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':running': 'RUNNING', ':pending': 'PENDING' },
      }),
    ),
  );
}

/** The attributes of a chunk's outcome, set from resultValues. */
const SET_RESULT =
  'succeeded = :succeeded, failed = :failed, failures = :failures, created = :created, outcomes = :outcomes, updatedAt = :now';

/** Records a chunk's outcome once; a duplicate delivery finds it DONE and leaves it. */
export async function recordChunkResult(tenantId: string, taskId: string, chunk: number, result: ChunkResult): Promise<void> {
  await ignoringConditionFailure(
    db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.taskChunk(tenantId, taskId, chunk),
        UpdateExpression: `SET #status = :done, ${SET_RESULT}`,
        ConditionExpression: '#status <> :done',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':done': 'DONE', ...resultValues(result) },
      }),
    ),
  );
}

const resultValues = (result: ChunkResult) => ({
  ':succeeded': result.succeeded,
  ':failed': result.failed,
  ':failures': result.failures,
  ':created': result.created,
  ':outcomes': result.outcomes,
  ':now': new Date().toISOString(),
});

/** A running chunk's progress, only forward (neither count goes back) and never over a DONE record. */
export async function recordChunkProgress(tenantId: string, taskId: string, chunk: number, progress: ChunkResult): Promise<void> {
  await ignoringConditionFailure(
    db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.taskChunk(tenantId, taskId, chunk),
        UpdateExpression: `SET ${SET_RESULT}`,
        ConditionExpression:
          'attribute_exists(PK) AND #status <> :done AND (attribute_not_exists(succeeded) OR (succeeded <= :succeeded AND failed <= :failed))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':done': 'DONE', ...resultValues(progress) },
      }),
    ),
  );
}

/**
 * Reopens a task for execution number `attempt`: RUNNING again, listed as open from now (so the
 * reconciler gives the new execution its full time), and only from attempt - 1 (one winner).
 */
export async function reopenTask(tenantId: string, taskId: string, attempt: number): Promise<boolean> {
  const now = new Date().toISOString();
  return conditionHeld(
    db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.task(tenantId, taskId),
        UpdateExpression:
          'SET #status = :running, attempt = :attempt, startedAt = :now, finishedAt = :null, GSI1PK = :gsi1pk, GSI1SK = :gsi1sk',
        ConditionExpression:
          'attribute_exists(PK) AND #status IN (:pending, :running, :failed) AND ' +
          (attempt === 1 ? '(attribute_not_exists(attempt) OR attempt = :zero)' : 'attempt = :previous'),
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':running': 'RUNNING',
          ':pending': 'PENDING',
          ':failed': 'FAILED',
          ':attempt': attempt,
          ...(attempt === 1 ? { ':zero': 0 } : { ':previous': attempt - 1 }),
          ':now': now,
          ':null': null,
          ':gsi1pk': keys.openTask(tenantId, taskId, now).GSI1PK,
          ':gsi1sk': keys.openTask(tenantId, taskId, now).GSI1SK,
        },
      }),
    ),
  );
}

/** Sets the final status once (the first finisher wins; later calls change nothing). */
export async function finishTask(tenantId: string, taskId: string, outcome: Pick<Task, 'status' | 'succeeded' | 'failed'>): Promise<void> {
  await ignoringConditionFailure(
    db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.task(tenantId, taskId),
        UpdateExpression: 'SET #status = :status, succeeded = :succeeded, failed = :failed, finishedAt = :now REMOVE GSI1PK, GSI1SK',
        ConditionExpression: '#status IN (:pending, :running)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': outcome.status satisfies TaskStatus,
          ':succeeded': outcome.succeeded,
          ':failed': outcome.failed,
          ':now': new Date().toISOString(),
          ':pending': 'PENDING',
          ':running': 'RUNNING',
        },
      }),
    ),
  );
}

/**
 * Claims an Idempotency-Key for a request body. Returns the task id already bound to the key (and
 * the body digest it was bound with), or undefined when this call claimed it.
 */
export async function claimIdempotencyKey(
  tenantId: string,
  key: string,
  bodyDigest: string,
  taskId: string,
): Promise<{ taskId: string; bodyDigest: string } | undefined> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.idempotencyKey(tenantId, key), entity: entity.idempotencyKey, taskId, bodyDigest, expiresAt: expiry() },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return undefined;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const { Item } = await db().send(
      new GetCommand({ TableName: tableName(), Key: keys.idempotencyKey(tenantId, key), ConsistentRead: true }),
    );
    return { taskId: Item!.taskId as string, bodyDigest: Item!.bodyDigest as string };
  }
}

export async function releaseIdempotencyKey(tenantId: string, key: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.idempotencyKey(tenantId, key) }));
}

/**
 * Tasks still PENDING/RUNNING whose current execution was started (or created) before `cutoffIso` (GSI1, eventually consistent: a
 * task finishing right now may still be listed; finishing it again changes nothing).
 */
export async function listOpenTasksCreatedBefore(cutoffIso: string): Promise<{ tenantId: string; taskId: string }[]> {
  const items: { tenantId: string; taskId: string }[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: gsi1,
        KeyConditionExpression: 'GSI1PK = :open AND GSI1SK < :cutoff',
        ExpressionAttributeValues: { ':open': keys.openTaskPartition, ':cutoff': cutoffIso },
        ProjectionExpression: 'PK, id',
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) items.push({ tenantId: String(item.PK).slice(2), taskId: item.id as string });
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
