/**
 * Bulk throughput end to end: request → chunk records → local Step Functions (the same ASL) →
 * SUCCEEDED, in items/s, beside raw UpdateItem on the same DynamoDB Local at the same concurrency.
 */
import { createHash } from 'node:crypto';

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';

import { readDefinition } from '#infra/state-machine/definition.ts';
import { mapWithConcurrency } from '#shared/concurrency.ts';
import { db, tableName } from '#shared/db/client.ts';
import * as keys from '#shared/db/keys.ts';
import { CHUNK_ITEMS, ITEM_CONCURRENCY } from '#shared/domain/bulk-tasks.ts';
import { updateOrganization } from '#shared/domain/organization-writes.ts';
import { loadSeed } from '#shared/seed/load.ts';
import { parseSeedFile } from '#shared/seed/schema.ts';

const TOKEN = 'oaXBo6ODhIjPsusNRPUGIK4d72bc73';
/** The bulk state machine's Map MaxConcurrency, read from the definition both runtimes run. */
const MAP_CONCURRENCY = Number(/"MaxConcurrency":\s*(\d+)/.exec(readDefinition())![1]);
const ITEMS_IN_FLIGHT_PER_CHUNK = ITEM_CONCURRENCY;
/** Map MaxConcurrency × items in flight per chunk: the workers' nominal concurrency per task. */
export const WORKER_CONCURRENCY = MAP_CONCURRENCY * ITEMS_IN_FLIGHT_PER_CHUNK;
/**
 * Items in flight in a task of `items` small items: fewer chunks than the Map's lanes leave lanes idle
 * (1,000 items are 4 chunks: 64 in flight), so raw runs at the task's concurrency, not the nominal one.
 */
const taskConcurrency = (items: number) => Math.min(MAP_CONCURRENCY, Math.ceil(items / CHUNK_ITEMS)) * ITEMS_IN_FLIGHT_PER_CHUNK;

export const benchOrgId = (i: number) => `b${i.toString(16).padStart(21, '0')}`;

/**
 * The description a run sets: 16 hex characters from its tag, so every run's text has as many trigrams
 * and shares almost none with the run before it. Each indexed write then moves the same number of
 * postings on both sides (a task that filled empty descriptions, before a raw run that changed a
 * few trigrams of a similar tag, measured the postings, not the task machinery).
 */
const descriptionOf = (tag: string) => createHash('sha256').update(tag).digest('hex').slice(0, 16);

/**
 * `count` organizations; only the first `described` have a description, the ones the indexed runs
 * change (the others' postings would only lengthen the seed: the logo runs never read them).
 */
export async function seedBenchOrganizations(count: number, described: number): Promise<void> {
  const organizations = Array.from({ length: count }, (_, i) => ({
    id: benchOrgId(i),
    intId: 1_000_000 + i,
    label: `bench-${i}`,
    name: `Bench ${i}`,
    ...(i < described ? { description: descriptionOf('seed') } : {}),
  }));
  await loadSeed(parseSeedFile({ tenants: [{ id: 'demo', name: 'Orgbridge demo', organizations }] }), { concurrency: 64 });
}

/**
 * How often the bench asks for a task's status: as often as a chunk records its progress (every 250 ms,
 * shared/domain/bulk-tasks.ts), so no news is missed. Each poll is a request (auth, rate limit, the task
 * and its chunk records): at 50 ms, ten polling clients made a third as many requests as the items.
 */
const POLL_MS = 250;

async function waitForTask(baseUrl: string, taskId: string): Promise<{ status: string; succeeded: number; failed: number }> {
  for (;;) {
    const task = (await (await fetch(`${baseUrl}/api/v2.0/tasks/${taskId}/`, { headers: { 'X-Auth-Token': TOKEN } })).json()) as {
      status: string;
      succeeded: number;
      failed: number;
    };
    if (!['PENDING', 'RUNNING'].includes(task.status)) return task;
    await new Promise((r) => setTimeout(r, POLL_MS));
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
  /** The field each item sets, and what "raw" is for it. */
  field: string;
  items: number;
  seconds: number;
  itemsPerSecond: number;
  rawSeconds: number;
  rawItemsPerSecond: number;
  ratio: number;
  statuses: string[];
}

/**
 * What each item sets, and the same stored change made directly at the task's concurrency ("raw"):
 * - `logo` is set in place (no index depends on it): the worker writes it without a read (25 to a
 *   BatchExecuteStatement, the same conditional change per item), so raw is one plain UpdateItem per
 *   item of what a reader sees change (the field, `updatedAt`, `version`), without the condition and
 *   the applied-operation record that make the task's write exactly once — the ratio is the task
 *   machinery's overhead alone.
 * - `description` is indexed (an exact-value index entry and trigram postings follow it): the worker
 *   reads the organization and writes one transaction plus the postings gained and lost, so raw is the
 *   same domain write (`updateOrganization`) called directly, without request, chunk records or state
 *   machine. Beside it, an UpdateItem of the attribute alone shows what the indexes cost.
 */
interface Workload {
  field: 'logo' | 'description';
  raw: string;
  /** The same stored change made directly, for `ids`, at `concurrency`; returns seconds. */
  direct(ids: string[], concurrency: number, tag: string): Promise<number>;
  /** Items of the untimed warm-up task (and direct run) before the measured pairs. */
  warmUp: number;
  /** Measured task/raw pairs (their times summed for the ratio). */
  pairs: number;
  /** Organizations each measured run covers (the first ones): all of them, or the indexed path's slice. */
  measured: number;
}

async function timed(ids: string[], concurrency: number, write: (id: string) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await mapWithConcurrency(ids, concurrency, write);
  return (performance.now() - started) / 1000;
}

const rawUpdateItem =
  (field: string) =>
  (ids: string[], concurrency: number, tag: string): Promise<number> =>
    timed(ids, concurrency, (id) =>
      db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.organization('demo', id),
          // The change a reader sees: the field, the update time and the version (the ETag) move.
          UpdateExpression: 'SET #f = :v, updatedAt = :now, version = version + :one',
          ExpressionAttributeNames: { '#f': field },
          ExpressionAttributeValues: {
            ':v': field === 'logo' ? `https://example.org/${tag}.png` : descriptionOf(tag),
            ':now': new Date().toISOString(),
            ':one': 1,
          },
        }),
      ),
    );

const workloads = (organizations: number, indexedOrganizations: number): Workload[] => [
  // The in-place path is cheap enough to warm on every organization and measure twice; the indexed
  // one (~35 items/s on DynamoDB Local) is measured once on its slice, after a warm-up of one chunk (the
  // logo runs before it have warmed the engine; a whole-slice warm-up was a minute of the bench).
  {
    field: 'logo',
    raw: 'UpdateItem',
    direct: rawUpdateItem('logo'),
    warmUp: Number.POSITIVE_INFINITY,
    pairs: 2,
    measured: organizations,
  },
  {
    field: 'description',
    raw: 'updateOrganization (the domain write, direct)',
    direct: (ids, concurrency, tag) =>
      timed(ids, concurrency, (id) => updateOrganization('demo', { id }, { description: descriptionOf(tag) }, 'partial')),
    warmUp: CHUNK_ITEMS,
    pairs: 1,
    measured: Math.min(organizations, indexedOrganizations),
  },
];

const itemOf = (field: Workload['field'], id: string, tag: string) =>
  field === 'logo' ? { id, logo: `https://example.org/${tag}.png` } : { id, description: descriptionOf(tag) };

/**
 * One task per workload (of `organizations` items for logo, of the first `indexedOrganizations` for the
 * indexed description: at 10,000 its task and raw runs took about 10 min on an Intel
 * Xeon × 2), then (logo only, the long run) `tasks` tasks together
 * over every organization, each starting at a different offset. Also the cost of the indexes: an
 * UpdateItem of `description` alone beside the domain's indexed write.
 */
export async function measureBulk(
  baseUrl: string,
  organizations: number,
  tasks: number,
  indexedOrganizations: number,
): Promise<BulkResult[]> {
  const allOrganizationIds = Array.from({ length: organizations }, (_, i) => benchOrgId(i));
  const [logo, description] = workloads(organizations, indexedOrganizations) as [Workload, Workload];
  const results: BulkResult[] = [];
  let indexCost: BulkResult | undefined;
  const result = (name: string, workload: Workload, items: number, seconds: number, rawSeconds: number, statuses: string[]) => ({
    name,
    field: `${workload.field} (raw: ${workload.raw})`,
    items,
    seconds,
    itemsPerSecond: items / seconds,
    rawSeconds,
    rawItemsPerSecond: items / rawSeconds,
    ratio: rawSeconds / seconds,
    statuses,
  });

  for (const workload of [logo, description]) {
    const ids = allOrganizationIds.slice(0, workload.measured);
    // Warm both sides first, as the request path does: the server loads the bulk and worker handlers
    // and compiles their hot paths on its first task; the direct side warms on the same items. The
    // in-place path warms on every organization: after a 1,000-item warm-up the first full task still
    // ran at 0.56× and the next ones at 0.93× and 0.95× (DynamoDB Local's JVM compiling its
    // conditional-update path), which a single pair measured the engine's warm-up, not the tasks.
    const warmIds = ids.slice(0, Math.min(ids.length, workload.warmUp));
    await waitForTask(
      baseUrl,
      await submit(
        baseUrl,
        warmIds.map((id) => itemOf(workload.field, id, 'bulk-warm-up')),
      ),
    );
    await workload.direct(warmIds, taskConcurrency(warmIds.length), 'raw-warm-up');

    // Pairs in alternating order (task then raw, raw then task), so neither side always runs on the
    // warmer or fuller table; the ratio is of the summed times.
    let seconds = 0;
    let raw = 0;
    const statuses: string[] = [];
    for (let pair = 0; pair < workload.pairs; pair++) {
      const runTask = async () => {
        const started = performance.now();
        const task = await waitForTask(
          baseUrl,
          await submit(
            baseUrl,
            ids.map((id) => itemOf(workload.field, id, `bulk-single-${pair}`)),
          ),
        );
        seconds += (performance.now() - started) / 1000;
        statuses.push(task.status);
      };
      const runRaw = async () => {
        raw += await workload.direct(ids, taskConcurrency(ids.length), `raw-single-${pair}`);
      };
      for (const run of pair % 2 === 0 ? [runTask, runRaw] : [runRaw, runTask]) await run();
    }
    const runs = workload.pairs > 1 ? ` (${workload.pairs} pairs)` : '';
    results.push(
      result(`1 task × ${ids.length} updates${runs}`, workload, ids.length, seconds / workload.pairs, raw / workload.pairs, statuses),
    );
    if (workload === description) {
      // What the indexes cost, right after it: the domain's indexed write (this pair's raw side) beside an
      // UpdateItem of the attribute alone on the same organizations at the same concurrency (the last row).
      const attributeOnly = await rawUpdateItem('description')(ids, taskConcurrency(ids.length), 'attribute-only');
      const indexed = raw / workload.pairs;
      indexCost = {
        name: `direct × ${ids.length}: indexed write vs attribute alone`,
        field: 'description (raw: UpdateItem of the attribute alone, no index kept)',
        items: ids.length,
        seconds: indexed,
        itemsPerSecond: ids.length / indexed,
        rawSeconds: attributeOnly,
        rawItemsPerSecond: ids.length / attributeOnly,
        ratio: attributeOnly / indexed,
        statuses: ['-'],
      };
    }
  }

  const started = performance.now();
  const taskIds = await Promise.all(
    Array.from({ length: tasks }, (_, t) => {
      const rotated = [
        ...allOrganizationIds.slice((t * organizations) / tasks),
        ...allOrganizationIds.slice(0, (t * organizations) / tasks),
      ];
      return submit(
        baseUrl,
        rotated.map((id) => itemOf('logo', id, `bulk-task-${t}`)),
      );
    }),
  );
  const finished = await Promise.all(taskIds.map((id) => waitForTask(baseUrl, id)));
  const manySeconds = (performance.now() - started) / 1000;
  const allIds = Array.from({ length: tasks }, () => allOrganizationIds).flat();
  const rawMany = await logo.direct(allIds, WORKER_CONCURRENCY * tasks, 'raw-many');
  results.push(
    result(
      `${tasks} tasks × ${organizations} updates together`,
      logo,
      organizations * tasks,
      manySeconds,
      rawMany,
      finished.map((t) => t.status),
    ),
  );

  return [...results, indexCost!];
}

/** The Bulk section of BENCHMARKS.md. */
export function bulkSection(bulk: BulkResult[]): string {
  const f = (n: number, digits = 2) => n.toFixed(digits);
  return `## Bulk

End to end through the local server: the request, chunk records in DynamoDB, the local Step
Functions runner executing \`infra/state-machine/bulk-task.asl.json\`, until the task is final
(polled every ${POLL_MS} ms, as often as a chunk records its progress), after an untimed warm-up task and direct run on each side
(\`logo\`: all ${bulk[0]?.items ?? 0} organizations, then two pairs in alternating order, task then raw and raw then task, times
summed, seconds per run; \`description\`: the first ${bulk[1]?.items ?? 0} organizations (\`BENCH_BULK_INDEXED_ORGS\`), warmed on one chunk of ${CHUNK_ITEMS}, one pair). Raw = the same stored change made
directly on the same engine at the same concurrency (${WORKER_CONCURRENCY} per task: Map concurrency ${MAP_CONCURRENCY} × ${ITEMS_IN_FLIGHT_PER_CHUNK} items in
flight per chunk, fewer when a task has fewer than ${MAP_CONCURRENCY} chunks of ${CHUNK_ITEMS}: ${taskConcurrency(bulk[1]?.items ?? 0)} for \`description\`): for \`logo\` (set in place; the worker sends it 25 to a \`BatchExecuteStatement\`, two batches of a chunk
in flight) one plain \`UpdateItem\` of what a reader sees change (the field, \`updatedAt\`, \`version\`; no condition and no
applied-operation record, which make the task's write exactly once); for \`description\` (indexed: an
exact-value index entry and trigram postings follow it) the domain's own write called directly, so the
ratio is the task machinery's overhead. Goal: ≥ 0.8× raw. The last row is not a task: it shows what
keeping the indexes costs, the domain's indexed write (the \`description\` task's raw side) beside an \`UpdateItem\` of the attribute alone (and \`updatedAt\`, \`version\`) at the same concurrency, run right after it.

| Run | Field (raw) | Items | Seconds | Items/s | Raw seconds | Raw items/s | vs raw | Final statuses |
|---|---|---:|---:|---:|---:|---:|---:|---|
${bulk.map((b) => `| ${b.name} | ${b.field} | ${b.items} | ${f(b.seconds, 1)} | ${f(b.itemsPerSecond, 0)} | ${f(b.rawSeconds, 1)} | ${f(b.rawItemsPerSecond, 0)} | ${f(b.ratio)}× | ${[...new Set(b.statuses)].join(', ')} |`).join('\n')}
`;
}
