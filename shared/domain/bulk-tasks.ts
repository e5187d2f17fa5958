/**
 * Bulk tasks: a validated request becomes chunk records and a task, a state machine applies each
 * chunk (one worker invocation per chunk), and a final step sets the status. Every item is applied
 * at most once in effect, whatever the retries, re-deliveries and resumes; each item's outcome is
 * recorded in its chunk record as it happens, so counts read at any moment are what is stored.
 */
import { randomBytes } from 'node:crypto';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import { AppError, isThrottling, validationError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';

import { isContended } from './lost-races.ts';
import { parseOrganizationKey } from './organization.ts';
import {
  applyBulkUpdate,
  applyBulkUpdateBatch,
  createOrganization,
  deleteOrganization,
  type OrganizationFields,
} from './organization-writes.ts';
import { IN_PLACE_BATCH_LIMIT, ports, taskResumer, taskRunner } from './ports.ts';
import {
  type Chunk,
  type ChunkResult,
  type ChunkSummary,
  type ItemFailure,
  type ItemProblem,
  type ItemStatus,
  OUTCOME,
  type Task,
  type TaskKind,
  type TaskStatus,
} from './task.ts';

/** One validated item: the organization key (id or `~label`; absent for creates) and its fields. */
export interface BulkItem {
  key?: string;
  fields?: OrganizationFields;
}

export const MAX_ITEMS = 10_000;
export const CHUNK_ITEMS = 250;
/** Chunk records stay well below DynamoDB's 400 KB item limit. */
const CHUNK_BYTES = 300 * 1024;
/** Items of one chunk applied in parallel (items on the same organization stay in order). */
export const ITEM_CONCURRENCY = 16;
/**
 * Batches of updates of one chunk in flight at once (each up to IN_PLACE_BATCH_LIMIT items): with the
 * Map's 8 chunks, 16 batches (400 statements) keep the table busy; 4 a chunk only queued more statements
 * (a 10,000-item task ~5% slower on DynamoDB Local).
 */
const BATCHES_IN_FLIGHT = 2;

/** 20 hex characters: 8 of creation time (epoch seconds), then random; ages of applied-operation records derive from it. */
const newTaskId = () =>
  Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0') + randomBytes(6).toString('hex');

const emptyResult = (size: number): ChunkResult => ({
  succeeded: 0,
  failed: 0,
  failures: [],
  created: [],
  outcomes: OUTCOME.pending.repeat(size),
});

export function chunkItems(items: BulkItem[]): Chunk[] {
  const chunks: Chunk[] = [];
  let current: string[] = [];
  let bytes = 0;
  let firstIndex = 0;
  const flush = () => {
    if (current.length === 0) return;
    chunks.push({
      chunk: chunks.length,
      firstIndex,
      items: `[${current.join(',')}]`,
      status: 'PENDING',
      ...emptyResult(current.length),
    });
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
      // The key names one request: its operation (a PATCH and a POST update differ only by it) and its body.
      const bound = await ports().tasks.get(tenantId, existing.taskId);
      if (bound !== undefined && bound.kind !== submission.kind) {
        throw validationError(
          'body',
          [{ path: ['Idempotency-Key'], message: 'This Idempotency-Key was already used with a different operation.' }],
          'Idempotency-Key reused with another operation.',
        );
      }
      if (existing.bodyDigest === idempotency.bodyDigest) {
        // The retry of a task that is stuck or that the system failed resumes it instead of returning it as it is.
        if (bound) await resumeIfStuck(tenantId, bound);
        return existing.taskId;
      }
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

/**
 * The database answered this item's write with an error that is not throttling (a 4xx such as a
 * ValidationException, or a 5xx that outlasted the SDK's retries): a candidate for the item's own
 * failure. Errors without an answer (network, crash) are the system's.
 */
function answeredByStore(error: unknown): boolean {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode !== undefined && !isThrottling(error);
}

/** Writes the store refused are tried this many times before the item is recorded as failed. */
const REFUSAL_ATTEMPTS = 2;
/** Resumes the reconciler and the local runtime make before a task is finalized as it stands (FAILED if unfinished). */
export const MAX_RESUMES = 5;
/** An open task without progress for this long is stuck: a retry with its Idempotency-Key resumes it. */
export const STUCK_AFTER_MS = 10 * 60 * 1000;

/** Each item's outcome characters, also for chunks recorded before outcomes were (DONE: applied unless failed). */
function outcomesOf(chunk: ChunkSummary, size: number): string {
  if (chunk.outcomes !== undefined) return chunk.outcomes;
  const chars = [...(chunk.status === 'DONE' ? OUTCOME.succeeded : OUTCOME.pending).repeat(size)];
  for (const failure of chunk.failures ?? []) chars[failure.index - chunk.firstIndex] = OUTCOME.failed;
  return chars.join('');
}

/** The chunk records in order, each with its outcomes, and the task's counts summed from them. */
async function readChunks(tenantId: string, task: Task) {
  const chunks = (await ports().tasks.listChunkResults(tenantId, task.id)).sort((a, b) => a.chunk - b.chunk);
  const withOutcomes = chunks.map((c, i) => ({ ...c, outcomes: outcomesOf(c, (chunks[i + 1]?.firstIndex ?? task.total) - c.firstIndex) }));
  const count = (char: string) => withOutcomes.reduce((sum, c) => sum + c.outcomes.split(char).length - 1, 0);
  const succeeded = count(OUTCOME.succeeded);
  const failed = count(OUTCOME.failed);
  return { chunks: withOutcomes, succeeded, failed, pending: task.total - succeeded - failed };
}

/** First state: marks the task RUNNING and lists the chunks not yet DONE (all of them, unless resumed). */
export async function prepareTask(ref: TaskRef): Promise<TaskRef & { chunks: number[] }> {
  const task = await ports().tasks.get(ref.tenantId, ref.taskId);
  if (!task) throw new Error(`Task ${ref.taskId} not found`);
  await ports().tasks.markRunning(ref.tenantId, ref.taskId);
  const chunks = await ports().tasks.listChunkResults(ref.tenantId, ref.taskId);
  return {
    tenantId: ref.tenantId,
    taskId: ref.taskId,
    chunks: chunks
      .filter((c) => c.status !== 'DONE')
      .map((c) => c.chunk)
      .sort((a, b) => a - b),
  };
}

/**
 * An item's refusal as the task records it: a domain refusal (AppError), or a write the database
 * refused while it still answers this task's own read (so the refusal is this item's, not an outage).
 * Anything else (throttling, a network or service failure) is the system's: it rethrows and the state
 * machine retries the chunk, which resumes from its recorded progress.
 */
async function failureOf(ref: TaskRef, index: number, item: BulkItem, error: unknown): Promise<ItemFailure> {
  const id = item.key ?? null;
  if (answeredByStore(error)) {
    await ports().tasks.get(ref.tenantId, ref.taskId); // throws when the database itself is failing
    return { index, id, problem: { kind: 'refused', message: `${(error as Error).name}: ${(error as Error).message}` } };
  }
  // A write that lost races for its whole time (lost-races.ts): contention is never the item's failure.
  if (!(error instanceof AppError) || isContended(error)) throw error;
  const { issues, detail } = error.options;
  return {
    index,
    id,
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
  for (let attempt = 1; ; attempt++) {
    try {
      switch (kind) {
        case 'create':
          return (await createOrganization(tenantId, item.fields as OrganizationFields & { label: string }, { op, intId: await intId() }))
            .id;
        case 'update':
        case 'replace':
          await applyBulkUpdate(tenantId, parseOrganizationKey(item.key!), item.fields ?? {}, kind === 'update' ? 'partial' : 'full', op);
          return undefined;
        case 'delete':
          await deleteOrganization(tenantId, parseOrganizationKey(item.key!), op);
          return undefined;
      }
    } catch (error) {
      if (!(answeredByStore(error) && attempt < REFUSAL_ATTEMPTS)) throw error;
    }
  }
}

/** Progress writes of one chunk are at least this far apart (a reader polls; the items' writes come first). */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Runs `write` after each `touch()`, at most one at a time and at most one per PROGRESS_INTERVAL_MS,
 * the latest state winning. A failed progress write is only logged (the chunk's final record is what
 * counts; a chunk retried without it redoes idempotent items). `settled()` stops the writer and waits
 * for the write in flight only: the final record supersedes any progress still to write.
 */
function coalescingWriter(write: () => Promise<void>, context: object) {
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const run = async () => {
    do {
      again = false;
      const started = Date.now();
      await write().catch((error: Error) =>
        logger.warn('bulk chunk progress not recorded', { ...context, error: error.name, reason: error.message }),
      );
      const wait = PROGRESS_INTERVAL_MS - (Date.now() - started);
      if (again && !closed && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    } while (again && !closed);
    running = undefined;
  };
  let inFlight: Promise<void> = Promise.resolve();
  return {
    touch: () => {
      if (closed) return;
      if (running) again = true;
      else inFlight = running = run();
    },
    settled: () => {
      closed = true;
      return inFlight;
    },
  };
}

const byIndex = <T extends { index: number }>(list: T[]) => [...list].sort((a, b) => a.index - b.index);

/** The first failures of a list, for log lines (the results endpoint pages all of them). */
const reasons = (failures: ItemFailure[]) =>
  failures.slice(0, 10).map((f) => ({ index: f.index, id: f.id, kind: f.problem.kind, reason: f.problem.message }));

/**
 * One Map iteration: applies a chunk's items and records each outcome in the chunk record as it goes.
 * A re-delivered or resumed chunk starts from what its record says is done (applied and refused
 * items are not redone; items applied after the last progress write are idempotent).
 */
export async function applyChunk(ref: TaskRef & { chunk: number }): Promise<{ chunk: number; succeeded: number; failed: number }> {
  const [task, chunk] = await Promise.all([
    ports().tasks.get(ref.tenantId, ref.taskId),
    ports().tasks.getChunk(ref.tenantId, ref.taskId, ref.chunk),
  ]);
  if (!task || !chunk) throw new Error(`Chunk ${ref.chunk} of task ${ref.taskId} not found`);
  if (chunk.status === 'DONE') return { chunk: ref.chunk, succeeded: chunk.succeeded ?? 0, failed: chunk.failed ?? 0 };

  const items = JSON.parse(chunk.items) as BulkItem[];
  const outcomes = [...outcomesOf(chunk, items.length)];
  const failures = [...(chunk.failures ?? [])];
  const created = [...(chunk.created ?? [])];
  const snapshot = (): ChunkResult => ({
    succeeded: outcomes.filter((o) => o === OUTCOME.succeeded).length,
    failed: outcomes.filter((o) => o === OUTCOME.failed).length,
    failures: byIndex(failures),
    created: byIndex(created),
    outcomes: outcomes.join(''),
  });
  const context = { tenantId: ref.tenantId, taskId: ref.taskId, chunk: ref.chunk };
  const progress = coalescingWriter(() => ports().tasks.recordChunkProgress(ref.tenantId, ref.taskId, ref.chunk, snapshot()), context);

  // Updates of organizations the chunk names once go first, a batch per round trip (most of an
  // in-place update's cost is the call itself); what a batch did not apply takes the lanes below.
  const batches: number[][] = [];
  if (task.kind === 'update') {
    const named = new Map<string, number>();
    items.forEach((item, i) => outcomes[i] === OUTCOME.pending && named.set(item.key!, (named.get(item.key!) ?? 0) + 1));
    const alone = items.flatMap((item, i) => (outcomes[i] === OUTCOME.pending && named.get(item.key!) === 1 ? [i] : []));
    for (let start = 0; start < alone.length; start += IN_PLACE_BATCH_LIMIT) batches.push(alone.slice(start, start + IN_PLACE_BATCH_LIMIT));
  }
  const applyBatch = async (positions: number[]) => {
    const applied = await applyBulkUpdateBatch(
      ref.tenantId,
      positions.map((position) => ({
        key: parseOrganizationKey(items[position]!.key!),
        fields: items[position]!.fields ?? {},
        mode: 'partial' as const,
        op: { taskId: ref.taskId, index: chunk.firstIndex + position },
      })),
    );
    positions.forEach((position, i) => {
      if (applied[i]) outcomes[position] = OUTCOME.succeeded;
    });
    progress.touch();
  };

  // Items on the same organization keep their request order; different organizations run in parallel.
  // Creates without an id share a lane by label, so the first of a label in the request is the one created.
  const lanes = new Map<string, number[]>();
  items.forEach((item, i) => {
    if (outcomes[i] !== OUTCOME.pending) return;
    const label = task.kind === 'create' ? item.fields?.label : undefined;
    const lane = item.key ?? (label !== undefined ? `label:${label}` : `#${i}`);
    lanes.set(lane, [...(lanes.get(lane) ?? []), i]);
  });
  // Creates draw their integer ids from one block reserved per chunk (one counter write, not one per item).
  let block: Promise<number> | undefined;
  let drawn = 0;
  const nextIntId = async () => {
    block ??= ports().organizations.allocateIntIds(ref.tenantId, items.length);
    const first = await block;
    return first + drawn++;
  };
  // One id per item, whatever its attempts: a retried create must not draw past the block.
  const intIds = new Map<number, Promise<number>>();
  const intIdOf = (position: number) => {
    if (!intIds.has(position)) intIds.set(position, nextIntId());
    return intIds.get(position)!;
  };
  try {
    await mapWithConcurrency(batches, BATCHES_IN_FLIGHT, applyBatch);
    await mapWithConcurrency(
      [...lanes.values()].map((positions) => positions.filter((p) => outcomes[p] === OUTCOME.pending)),
      ITEM_CONCURRENCY,
      async (positions) => {
        for (const position of positions) {
          const index = chunk.firstIndex + position;
          const item = items[position]!;
          try {
            const createdId = await applyItem(ref.tenantId, task.kind, item, { taskId: ref.taskId, index }, () => intIdOf(position));
            if (createdId) created.push({ index, id: createdId });
            outcomes[position] = OUTCOME.succeeded;
          } catch (error) {
            failures.push(await failureOf(ref, index, item, error)); // rethrows system errors: the chunk is retried
            outcomes[position] = OUTCOME.failed;
          }
          progress.touch();
        }
      },
    );
  } catch (error) {
    await progress.settled();
    const { succeeded, failed } = snapshot();
    logger.warn('bulk chunk interrupted', {
      ...context,
      succeeded,
      failed,
      error: (error as Error).name,
      reason: (error as Error).message,
    });
    throw error;
  }
  await progress.settled();
  const result = snapshot();
  await ports().tasks.recordChunkResult(ref.tenantId, ref.taskId, ref.chunk, result);
  logger.info('bulk chunk done', { ...context, succeeded: result.succeeded, failed: result.failed, failures: reasons(result.failures) });
  return { chunk: ref.chunk, succeeded: result.succeeded, failed: result.failed };
}

/**
 * Last state: the status from the chunk records. Every item applied → SUCCEEDED; every item applied
 * or refused, some refused → PARTIALLY_SUCCEEDED (FAILED is the system's, never an item's); items
 * left unapplied (a chunk that failed all its retries) → FAILED, with the exact counts and the rest
 * still pending (an Idempotency-Key retry resumes it).
 */
export async function finalizeTask(ref: TaskRef): Promise<{ status: TaskStatus }> {
  const task = await ports().tasks.get(ref.tenantId, ref.taskId);
  if (!task) throw new Error(`Task ${ref.taskId} not found`);
  if (!['PENDING', 'RUNNING'].includes(task.status)) return { status: task.status }; // finished already (once is enough)
  const { chunks, succeeded, failed, pending } = await readChunks(ref.tenantId, task);
  const status: TaskStatus = pending > 0 ? 'FAILED' : failed === 0 ? 'SUCCEEDED' : 'PARTIALLY_SUCCEEDED';
  await ports().tasks.finish(ref.tenantId, ref.taskId, { status, succeeded, failed });
  const log = status === 'FAILED' ? logger.error.bind(logger) : logger.info.bind(logger);
  log('bulk task finished', {
    tenantId: ref.tenantId,
    taskId: ref.taskId,
    kind: task.kind,
    status,
    total: task.total,
    succeeded,
    failed,
    pending,
    attempt: task.attempt ?? 0,
    failures: reasons(chunks.flatMap((c) => c.failures ?? [])),
  });
  return { status };
}

export interface TaskReport extends Task {
  pending: number;
  failures: ItemFailure[];
  created: { index: number; id: string }[];
}

/** The task with counts summed from its chunk records (the truth at this moment), its failures and created ids. */
export async function describeTask(tenantId: string, taskId: string): Promise<TaskReport | undefined> {
  const task = await ports().tasks.get(tenantId, taskId);
  if (!task) return undefined;
  const { chunks, succeeded, failed, pending } = await readChunks(tenantId, task);
  return {
    ...task,
    succeeded,
    failed,
    pending,
    failures: byIndex(chunks.flatMap((c) => c.failures ?? [])),
    created: byIndex(chunks.flatMap((c) => c.created ?? [])),
  };
}

export interface ItemResult {
  index: number;
  /** The organization: the created id, or the key the request named (null for a create not applied). */
  id: string | null;
  status: ItemStatus;
  problem?: ItemProblem;
}

const statusOf = Object.fromEntries(Object.entries(OUTCOME).map(([status, char]) => [char, status as ItemStatus]));

/**
 * One page of a task's item outcomes, in request order, optionally of one status. Reads the chunk
 * outcome records (small) and, for ids of applied or pending items, only the items of the chunks
 * the page falls in.
 */
export async function taskResults(
  tenantId: string,
  taskId: string,
  { status, offset, limit }: { status?: ItemStatus; offset: number; limit: number },
): Promise<{ count: number; results: ItemResult[] } | undefined> {
  const task = await ports().tasks.get(tenantId, taskId);
  if (!task) return undefined;
  const { chunks } = await readChunks(tenantId, task);
  let count = 0;
  const page: { chunk: (typeof chunks)[number]; position: number }[] = [];
  for (const chunk of chunks) {
    for (let position = 0; position < chunk.outcomes.length; position++) {
      if (status && statusOf[chunk.outcomes[position]!] !== status) continue;
      if (count >= offset && page.length < limit) page.push({ chunk, position });
      count += 1;
    }
  }
  const needItems =
    task.kind !== 'create'
      ? [...new Set(page.filter((p) => p.chunk.outcomes[p.position] !== OUTCOME.failed).map((p) => p.chunk.chunk))]
      : [];
  const items = new Map(
    await Promise.all(
      needItems.map(
        async (n) => [n, JSON.parse((await ports().tasks.getChunk(tenantId, taskId, n))?.items ?? '[]') as BulkItem[]] as const,
      ),
    ),
  );
  const results = page.map(({ chunk, position }): ItemResult => {
    const index = chunk.firstIndex + position;
    const itemStatus = statusOf[chunk.outcomes[position]!]!;
    const failure = itemStatus === 'failed' ? chunk.failures?.find((f) => f.index === index) : undefined;
    const id =
      failure?.id ??
      (task.kind === 'create'
        ? (chunk.created?.find((c) => c.index === index)?.id ?? null)
        : (items.get(chunk.chunk)?.[position]?.key ?? null));
    return { index, id, status: itemStatus, ...(failure ? { problem: failure.problem } : {}) };
  });
  return { count, results };
}

/** Starts the task's next execution over its unfinished chunks, once per attempt (a concurrent resume loses). */
async function resume(tenantId: string, task: Task, why: string): Promise<boolean> {
  const attempt = (task.attempt ?? 0) + 1;
  if (!(await ports().tasks.reopen(tenantId, task.id, attempt))) return false;
  logger.info('bulk task resumed', { tenantId, taskId: task.id, attempt, why });
  await taskResumer()(tenantId, task.id, attempt);
  return true;
}

/** A task the system failed (items left unapplied) or one open without progress for STUCK_AFTER_MS is resumed. */
async function resumeIfStuck(tenantId: string, task: Task, now = Date.now()): Promise<void> {
  if (['SUCCEEDED', 'PARTIALLY_SUCCEEDED'].includes(task.status)) return;
  const { chunks, pending } = await readChunks(tenantId, task);
  if (task.status === 'FAILED') {
    if (pending > 0) await resume(tenantId, task, 'idempotent retry of a task the system failed');
    return;
  }
  const lastActivity = Math.max(
    Date.parse(task.startedAt ?? task.createdAt),
    ...chunks.map((c) => (c.updatedAt ? Date.parse(c.updatedAt) : 0)),
  );
  if (now - lastActivity > STUCK_AFTER_MS) await resume(tenantId, task, 'idempotent retry of a stuck task');
}

/** Longer than the state machine's own timeout (1 hour): a task still open this long after its execution started was abandoned. */
export const ABANDONED_AFTER_MS = 2 * 60 * 60 * 1000;

export type ResumeOutcome = { tenantId: string; taskId: string; outcome: 'resumed' | TaskStatus };

/**
 * Resumes the open tasks whose execution was started before `cutoffIso` (their execution failed,
 * timed out, was aborted, or died with the local runtime): a new execution over the chunks not yet
 * DONE. A task whose chunks are all DONE is only finalized; one resumed MAX_RESUMES times already is
 * finalized as it stands (FAILED if items remain, with exact counts).
 */
export async function resumeOpenTasks(cutoffIso: string): Promise<ResumeOutcome[]> {
  const outcomes: ResumeOutcome[] = [];
  for (const ref of await ports().tasks.listOpenCreatedBefore(cutoffIso)) {
    const task = await ports().tasks.get(ref.tenantId, ref.taskId);
    if (!task || !['PENDING', 'RUNNING'].includes(task.status)) continue; // the index lags behind a finished task
    const { pending } = await readChunks(ref.tenantId, task);
    if (pending > 0 && (task.attempt ?? 0) < MAX_RESUMES) {
      // Lost to a concurrent resume: that one carries the task on.
      if (await resume(ref.tenantId, task, 'execution abandoned')) outcomes.push({ ...ref, outcome: 'resumed' });
    } else {
      outcomes.push({ ...ref, outcome: (await finalizeTask(ref)).status });
    }
  }
  return outcomes;
}

/** The scheduled reconciliation: no task stays RUNNING forever, and none is declared lost while it can be resumed. */
export const reconcileAbandonedTasks = (now = Date.now()) => resumeOpenTasks(new Date(now - ABANDONED_AFTER_MS).toISOString());
