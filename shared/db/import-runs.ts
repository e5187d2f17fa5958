/**
 * Import runs: how a seed import creates organizations without carrying their search postings (and the
 * entries keyed by the organization: imported-entries.ts) in its transactions (DynamoDB bills a
 * transactional write twice, and the ~30 trusted postings of an organization would fill most of each
 * group). A run batches a new organization's postings before its transaction, the trusted ones marked
 * `f` = the run's number; a reader trusts such a posting only once its run has finished, that is once
 * every organization of the run is committed or refused with its postings taken back. Until then (and
 * forever for a run that was killed) the reader checks those candidates against the organization: a
 * cost, never a wrong answer.
 *
 * One item per tenant: `last` (the highest run number given) and `u<run>` = the fingerprint of each
 * unfinished run's records. A run that finishes clears every unfinished run with its fingerprint: a
 * re-run of the same records after a kill commits (or refuses and takes back) every organization the
 * killed run had posted, so the killed run's postings are then true too.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

import { db, tableName } from './client.ts';
import * as keys from './keys.ts';
import { entity } from './keys.ts';
import { isConditionFailure } from './query.ts';

const unfinishedAttribute = (run: number) => `u${run}`;
const UNFINISHED = /^u(\d+)$/;

export interface ImportRunsState {
  last: number;
  unfinished: Set<number>;
}

async function readState(tenantId: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.importRuns(tenantId), ConsistentRead: true }));
  return Item;
}

/** A new run of records with this fingerprint: its number, recorded as unfinished before any of its postings is written. */
export async function beginImportRun(tenantId: string, fingerprint: string): Promise<number> {
  for (;;) {
    const last = ((await readState(tenantId))?.last as number | undefined) ?? 0;
    const run = last + 1;
    try {
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.importRuns(tenantId),
          UpdateExpression: 'SET entity = :entity, #last = :run, #unfinished = :fingerprint',
          // Two runs starting at once: one of them reads again and takes the next number.
          ConditionExpression: last === 0 ? 'attribute_not_exists(#last)' : '#last = :seen',
          ExpressionAttributeNames: { '#last': 'last', '#unfinished': unfinishedAttribute(run) },
          ExpressionAttributeValues: {
            ':entity': entity.importRuns,
            ':run': run,
            ':fingerprint': fingerprint,
            ...(last === 0 ? {} : { ':seen': last }),
          },
        }),
      );
      return run;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

/** The run finished (every organization committed or refused and taken back): it and every unfinished run of the same records are. */
export async function finishImportRun(tenantId: string, run: number, fingerprint: string): Promise<void> {
  const state = (await readState(tenantId)) ?? {};
  const names = new Set([unfinishedAttribute(run)]);
  for (const [name, value] of Object.entries(state)) if (UNFINISHED.test(name) && value === fingerprint) names.add(name);
  const aliases = [...names].map((_, i) => `#u${i}`);
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.importRuns(tenantId),
      UpdateExpression: `REMOVE ${aliases.join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries([...names].map((name, i) => [aliases[i]!, name])),
    }),
  );
}

/** Which runs are finished, read strongly consistent. */
export async function importRunsState(tenantId: string): Promise<ImportRunsState> {
  const state = (await readState(tenantId)) ?? {};
  const unfinished = new Set<number>();
  for (const name of Object.keys(state)) {
    const match = UNFINISHED.exec(name);
    if (match) unfinished.add(Number(match[1]));
  }
  return { last: (state.last as number | undefined) ?? 0, unfinished };
}

/** A run not yet given (a posting read before the state) counts as unfinished. */
export const isRunFinished = (state: ImportRunsState, run: number) => run <= state.last && !state.unfinished.has(run);

/** The last state read of each table's tenant. A finished run stays finished (numbers only grow), so "finished" here is final. */
const lastRead = new Map<string, ImportRunsState>();
/** The read in flight of each table's tenant, which concurrent readers share. */
const reading = new Map<string, Promise<ImportRunsState>>();

/**
 * The state, read (strongly consistent) only when one of `runs` is not known to be finished: a reader
 * meeting entries of finished runs, the usual case once an import is done, reads nothing more. Readers
 * that miss at once (the 16 listing shards of one page) share one read: a read begun before a reader met
 * its entries can only show their run unfinished (a check, never a wrong answer), as a run finishes for good.
 */
export function importRunsStateFor(tenantId: string, runs: Iterable<number>): Promise<ImportRunsState> {
  const cacheKey = `${tableName()}\u0000${tenantId}`;
  const known = lastRead.get(cacheKey);
  if (known && [...runs].every((run) => isRunFinished(known, run))) return Promise.resolve(known);
  let state = reading.get(cacheKey);
  if (!state) {
    state = importRunsState(tenantId)
      .then((read) => {
        lastRead.set(cacheKey, read);
        return read;
      })
      .finally(() => reading.delete(cacheKey));
    reading.set(cacheKey, state);
  }
  return state;
}
