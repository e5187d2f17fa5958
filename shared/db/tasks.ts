/** Bulk tasks and their chunk records (never in the state-machine payload), kept 8 days by TTL. */
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

import type { Chunk, ChunkResult, Task, TaskStatus } from '#shared/domain/task.ts';
import { gsi1 } from '#shared/table-definition.ts';

import { db, tableName } from './client.ts';
import { entity, keys, tenantPk } from './keys.ts';
import { ignoringConditionFailure, isConditionFailure, queryPrefix, stripKeys } from './query.ts';

const RETENTION_SECONDS = 8 * 24 * 3600;
const expiry = () => Math.floor(Date.now() / 1000) + RETENTION_SECONDS;

async function batchWrite(requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string]): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let pending: typeof requests | undefined = requests.slice(i, i + 25);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt) * Math.random()));
      const { UnprocessedItems }: { UnprocessedItems?: Record<string, typeof requests> } = await db().send(
        new BatchWriteCommand({ RequestItems: { [tableName()]: pending } }),
      );
      pending = UnprocessedItems?.[tableName()];
    }
  }
}

/** Stores the chunk records, then the task (so a task never exists without all of its items). */
export async function createTask(tenantId: string, task: Task, chunks: Chunk[]): Promise<void> {
  const expiresAt = expiry();
  await batchWrite(
    chunks.map((chunk) => ({
      PutRequest: { Item: { ...keys.taskChunk(tenantId, task.id, chunk.chunk), entity: entity.chunk, ...chunk, expiresAt } },
    })),
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
    ...Array.from({ length: task.chunkCount }, (_, chunk) => ({ DeleteRequest: { Key: keys.taskChunk(tenantId, task.id, chunk) } })),
  ]);
}

export async function getTask(tenantId: string, taskId: string): Promise<Task | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.task(tenantId, taskId), ConsistentRead: true }));
  return Item ? stripKeys<Task>(Item) : undefined;
}

export async function getChunk(tenantId: string, taskId: string, chunk: number): Promise<Chunk | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.taskChunk(tenantId, taskId, chunk), ConsistentRead: true }),
  );
  return Item ? stripKeys<Chunk>(Item) : undefined;
}

/** Chunk outcomes without their items (the items can be megabytes). */
export const listChunkResults = (tenantId: string, taskId: string) =>
  queryPrefix<Omit<Chunk, 'items'>>(tenantPk(tenantId), keys.taskChunkPrefix(taskId), {
    ProjectionExpression: 'chunk, firstIndex, #status, succeeded, failed, failures, created',
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

/** Records a chunk's outcome once; a duplicate delivery finds it DONE and leaves it. */
export async function recordChunkResult(tenantId: string, taskId: string, chunk: number, result: ChunkResult): Promise<void> {
  await ignoringConditionFailure(
    db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.taskChunk(tenantId, taskId, chunk),
        UpdateExpression:
          'SET #status = :done, succeeded = :succeeded, failed = :failed, failures = :failures, created = :created REMOVE #items',
        ConditionExpression: '#status <> :done',
        ExpressionAttributeNames: { '#status': 'status', '#items': 'items' },
        ExpressionAttributeValues: {
          ':done': 'DONE',
          ':succeeded': result.succeeded,
          ':failed': result.failed,
          ':failures': result.failures,
          ':created': result.created,
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
 * Tasks still PENDING/RUNNING that were created before `cutoffIso` (GSI1, eventually consistent: a
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
