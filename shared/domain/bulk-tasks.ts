/**
 * Bulk tasks: a validated request becomes chunk records and a task, a state machine applies each
 * chunk (one worker invocation per chunk), and a final step sets the status. Every item is applied
 * at most once in effect, whatever the retries and re-deliveries.
 */
import { randomBytes } from 'node:crypto';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import { AppError, validationError } from '#shared/errors.ts';

import { parseOrganizationKey } from './organization.ts';
import { createOrganization, deleteOrganization, type OrganizationFields, updateOrganization } from './organization-writes.ts';
import { ports, taskRunner } from './ports.ts';
import type { Chunk, ChunkResult, ItemFailure, Task, TaskKind, TaskStatus } from './task.ts';

/** One validated item: the organization key (id or `~label`; absent for creates) and its fields. */
export interface BulkItem {
  key?: string;
  fields?: OrganizationFields;
}

export const MAX_ITEMS = 10_000;
const CHUNK_ITEMS = 250;
/** Chunk records stay well below DynamoDB's 400 KB item limit. */
const CHUNK_BYTES = 300 * 1024;
/** Items of one chunk applied in parallel (items on the same organization stay in order). */
const ITEM_CONCURRENCY = 16;

/** 20 hex characters: 8 of creation time (epoch seconds), then random; ages of applied-operation records derive from it. */
const newTaskId = () =>
  Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0') + randomBytes(6).toString('hex');

export function chunkItems(items: BulkItem[]): Chunk[] {
  const chunks: Chunk[] = [];
  let current: string[] = [];
  let bytes = 0;
  let firstIndex = 0;
  const flush = () => {
    if (current.length === 0) return;
    chunks.push({ chunk: chunks.length, firstIndex, items: `[${current.join(',')}]`, status: 'PENDING' });
    firstIndex += current.length;
    current = [];
    bytes = 0;
  };
  for (const item of items) {
    const json = JSON.stringify(item);
    if (current.length >= CHUNK_ITEMS || bytes + json.length > CHUNK_BYTES) flush();
    current.push(json);
    bytes += json.length + 1;
  }
  flush();
  return chunks;
}

/** A task record before any of its chunks ran. */
export const newTask = (id: string, kind: TaskKind, total: number, chunkCount: number, createdAt = new Date().toISOString()): Task => ({
  id,
  kind,
  status: 'PENDING',
  createdAt,
  finishedAt: null,
  total,
  succeeded: 0,
  failed: 0,
  chunkCount,
});

export interface Submission {
  kind: TaskKind;
  items: BulkItem[];
  idempotency?: { key: string; bodyDigest: string };
}

/** Stores the task and its chunks, starts the state machine, and returns the task id. */
export async function submitBulkTask(tenantId: string, submission: Submission): Promise<string> {
  const taskId = newTaskId();
  const { idempotency } = submission;
  if (idempotency) {
    const existing = await ports().tasks.claimIdempotencyKey(tenantId, idempotency.key, idempotency.bodyDigest, taskId);
    if (existing) {
      if (existing.bodyDigest === idempotency.bodyDigest) return existing.taskId;
      throw validationError(
        'body',
        [{ path: ['Idempotency-Key'], message: 'This Idempotency-Key was already used with a different request body.' }],
        'Idempotency-Key reused with another body.',
      );
    }
  }
  const chunks = chunkItems(submission.items);
  const task = newTask(taskId, submission.kind, submission.items.length, chunks.length);
  try {
    await ports().tasks.create(tenantId, task, chunks);
    await taskRunner()(tenantId, taskId);
  } catch (error) {
    // Nothing half-started is left behind: no task, no claimed key.
    await ports()
      .tasks.remove(tenantId, task)
      .catch(() => undefined);
    if (idempotency)
      await ports()
        .tasks.releaseIdempotencyKey(tenantId, idempotency.key)
        .catch(() => undefined);
    throw error;
  }
  return taskId;
}

export interface TaskRef {
  tenantId: string;
  taskId: string;
}

/** First state: marks the task RUNNING and lists its chunk numbers for the Map state. */
export async function prepareTask(ref: TaskRef): Promise<TaskRef & { chunks: number[] }> {
  const task = await ports().tasks.get(ref.tenantId, ref.taskId);
  if (!task) throw new Error(`Task ${ref.taskId} not found`);
  await ports().tasks.markRunning(ref.tenantId, ref.taskId);
  return { tenantId: ref.tenantId, taskId: ref.taskId, chunks: Array.from({ length: task.chunkCount }, (_, i) => i) };
}

/** An item's refusal as the task records it; an error that is not a refusal rethrows (the chunk is retried). */
function failureOf(index: number, item: BulkItem, error: unknown): ItemFailure {
  if (!(error instanceof AppError)) throw error;
  const { issues, detail } = error.options;
  return {
    index,
    id: item.key ?? null,
    problem: { kind: error.kind, message: error.message, ...(issues ? { issues } : {}), ...(detail !== undefined ? { detail } : {}) },
  };
}

async function applyItem(
  tenantId: string,
  kind: TaskKind,
  item: BulkItem,
  op: { taskId: string; index: number },
  intId: () => Promise<number>,
): Promise<string | undefined> {
  switch (kind) {
    case 'create':
      return (await createOrganization(tenantId, item.fields as OrganizationFields & { label: string }, { op, intId: await intId() })).id;
    case 'update':
    case 'replace':
      await updateOrganization(tenantId, parseOrganizationKey(item.key!), item.fields ?? {}, kind === 'update' ? 'partial' : 'full', op);
      return undefined;
    case 'delete':
      await deleteOrganization(tenantId, parseOrganizationKey(item.key!), op);
      return undefined;
  }
}

/** One Map iteration: applies a chunk's items and records its counts and failures. */
export async function applyChunk(ref: TaskRef & { chunk: number }): Promise<{ chunk: number; succeeded: number; failed: number }> {
  const [task, chunk] = await Promise.all([
    ports().tasks.get(ref.tenantId, ref.taskId),
    ports().tasks.getChunk(ref.tenantId, ref.taskId, ref.chunk),
  ]);
  if (!task || !chunk) throw new Error(`Chunk ${ref.chunk} of task ${ref.taskId} not found`);
  if (chunk.status === 'DONE') return { chunk: ref.chunk, succeeded: chunk.succeeded ?? 0, failed: chunk.failed ?? 0 };

  const items = JSON.parse(chunk.items) as BulkItem[];
  // Items on the same organization keep their request order; different organizations run in parallel.
  const lanes = new Map<string, number[]>();
  items.forEach((item, i) => {
    const lane = item.key ?? `#${i}`;
    lanes.set(lane, [...(lanes.get(lane) ?? []), i]);
  });
  const result: ChunkResult = { succeeded: 0, failed: 0, failures: [], created: [] };
  // Creates draw their integer ids from one block reserved per chunk (one counter write, not one per item).
  let block: Promise<number> | undefined;
  let drawn = 0;
  const nextIntId = async () => {
    block ??= ports().organizations.allocateIntIds(ref.tenantId, items.length);
    const first = await block;
    return first + drawn++;
  };
  await mapWithConcurrency([...lanes.values()], ITEM_CONCURRENCY, async (positions) => {
    for (const position of positions) {
      const index = chunk.firstIndex + position;
      const item = items[position]!;
      try {
        const createdId = await applyItem(ref.tenantId, task.kind, item, { taskId: ref.taskId, index }, nextIntId);
        result.succeeded += 1;
        if (createdId) result.created.push({ index, id: createdId });
      } catch (error) {
        result.failed += 1;
        result.failures.push(failureOf(index, item, error)); // rethrows unexpected errors: the chunk is retried
      }
    }
  });
  result.failures.sort((a, b) => a.index - b.index);
  result.created.sort((a, b) => a.index - b.index);
  await ports().tasks.recordChunkResult(ref.tenantId, ref.taskId, ref.chunk, result);
  return { chunk: ref.chunk, succeeded: result.succeeded, failed: result.failed };
}

/** Last state: sums the chunk outcomes and sets the final status (items never applied count as failed). */
export async function finalizeTask(ref: TaskRef): Promise<{ status: TaskStatus }> {
  const task = await ports().tasks.get(ref.tenantId, ref.taskId);
  if (!task) throw new Error(`Task ${ref.taskId} not found`);
  const chunks = await ports().tasks.listChunkResults(ref.tenantId, ref.taskId);
  const succeeded = chunks.reduce((sum, c) => sum + (c.succeeded ?? 0), 0);
  const failed = task.total - succeeded;
  const status: TaskStatus = failed === 0 ? 'SUCCEEDED' : succeeded === 0 ? 'FAILED' : 'PARTIALLY_SUCCEEDED';
  await ports().tasks.finish(ref.tenantId, ref.taskId, { status, succeeded, failed });
  return { status };
}

export interface TaskReport extends Task {
  failures: ItemFailure[];
  created: { index: number; id: string }[];
}

export async function describeTask(tenantId: string, taskId: string): Promise<TaskReport | undefined> {
  const task = await ports().tasks.get(tenantId, taskId);
  if (!task) return undefined;
  const chunks = task.status === 'PENDING' ? [] : await ports().tasks.listChunkResults(tenantId, taskId);
  const unprocessed = ['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED'].includes(task.status) ? chunks.filter((c) => c.status !== 'DONE') : [];
  return {
    ...task,
    failures: [
      ...chunks.flatMap((c) => c.failures ?? []),
      ...unprocessed.map((c) => ({
        index: c.firstIndex,
        id: null,
        problem: { kind: 'unprocessed' as const, message: `Chunk ${c.chunk} was not processed.` },
      })),
    ].sort((a, b) => a.index - b.index),
    created: chunks.flatMap((c) => c.created ?? []).sort((a, b) => a.index - b.index),
  };
}

/** Longer than the state machine's own timeout (1 hour): a task still open after this was abandoned. */
export const ABANDONED_AFTER_MS = 2 * 60 * 60 * 1000;

/**
 * Reconciliation: finalizes tasks whose execution ended without finishing them (timeout, a failure
 * outside the Catch, an execution that never started), so no task stays RUNNING forever. Items of
 * chunks never applied count as failed.
 */
export async function reconcileAbandonedTasks(now = Date.now()): Promise<{ tenantId: string; taskId: string; status: TaskStatus }[]> {
  const stale = await ports().tasks.listOpenCreatedBefore(new Date(now - ABANDONED_AFTER_MS).toISOString());
  const finished = [];
  for (const ref of stale) finished.push({ ...ref, ...(await finalizeTask(ref)) });
  return finished;
}
