/**
 * The one entry point for bulk imports of organization records (the seed import, streamed or not):
 * `importOrganizations(tenantId, records)`. Records not stored yet are created in batched port calls
 * (`createMany`: several whole organizations per transaction); stored ones go one by one through
 * `importOrganization` (organization-writes.ts: the same guarded write as every other path). Contract:
 *
 * - Idempotent upsert: a record equal to what is stored is left alone (`unchanged`), a new or different
 *   one is written (`written`); re-running a call after a crash finishes the work without duplicates.
 * - Parents first: a record whose parent is in the same call is written after that parent; a parent
 *   that is neither stored nor in the call fails that record (reason `parent`). Sponsors
 *   (`member.sponsorIntId`) are taken as given, like every other field: the caller checks them
 *   (the seed file's validation, or `storedMemberIntIds` for a streamed file).
 * - One record's failure is its own: every other record is still written, then the call throws
 *   `OrganizationImportError` listing the failures by their index in `records`, with the counts of
 *   what was done.
 *
 * What a batched port must keep (a kill can land between any two of its calls, and the re-run trusts
 * "stored and equal" to mean "complete"): write a record's organization item last, after its guard,
 * index and listing items, so an equal organization item implies the rest is there; and never count
 * a record twice in a counter (a parent's child count, a tenant's count) on a re-run — condition the
 * increment on the organization item's absence, in the same transaction, or recompute the counter.
 * test/reliability/seed-import-kill.test.ts checks both after a SIGKILL mid-import.
 */
import { mapWithConcurrency } from '#shared/concurrency.ts';
import { sha256 } from '#shared/crypto.ts';

import { rerunLostRaces } from './lost-races.ts';
import type { Organization } from './organization.ts';
import { importOrganization, type ImportRecord, isConcurrentChange } from './organization-writes.ts';
import { ports } from './ports.ts';

export type { ImportRecord };

export interface ImportCounts {
  written: number;
  unchanged: number;
}

export type ImportFailureReason = 'parent' | 'rejected';

export interface ImportFailure {
  /** Index of the record in the call's `records`. */
  index: number;
  reason: ImportFailureReason;
  message: string;
  /** The AppError behind a `rejected` record (a label or integer id held by another organization, …). */
  error?: unknown;
}

export class OrganizationImportError extends Error {
  override name = 'OrganizationImportError';
  constructor(
    readonly failures: ImportFailure[],
    readonly counts: ImportCounts,
  ) {
    super(`${failures.length} organization(s) not imported: ${failures[0]?.message ?? ''}`);
  }
}

export interface ImportOptions {
  /** Batched creations (or single rewrites) in flight at once (default 16). */
  concurrency?: number;
}

/** New organizations per `createMany` call (it splits them into transactions of up to 100 items). */
const CREATE_BATCH = 50;

/** A record's parent is neither stored nor in the call (its transaction's parent condition failed for that). */
class MissingParent extends Error {}

/** Depth of each record within the call: 0 for a record whose parent is not in the call. */
function depthsInCall(records: readonly ImportRecord[]): number[] {
  const indexOf = new Map(records.map((r, i) => [r.id, i]));
  const depth = new Array<number>(records.length);
  const depthOf = (i: number, guard: number): number => {
    if (depth[i] !== undefined) return depth[i];
    const parent = records[i]!.parentId;
    const p = parent === null ? undefined : indexOf.get(parent);
    // A cycle inside the call (guard spent) is left to the write, which finds no stored parent.
    const value = p === undefined || p === i || guard > records.length ? 0 : depthOf(p, guard + 1) + 1;
    depth[i] = value;
    return value;
  };
  records.forEach((_, i) => depthOf(i, 0));
  return depth;
}

export async function importOrganizations(
  tenantId: string,
  records: readonly ImportRecord[],
  options: ImportOptions = {},
): Promise<ImportCounts> {
  const counts: ImportCounts = { written: 0, unchanged: 0 };
  const failures: ImportFailure[] = [];
  const failedIds = new Set<string>();
  const inCall = new Set(records.map((r) => r.id));
  const depth = depthsInCall(records);
  const levels: number[][] = [];
  depth.forEach((d, i) => (levels[d] ??= []).push(i));
  const fail = (index: number, reason: ImportFailureReason, message: string, error?: unknown) => {
    failures.push({ index, reason, message, error });
    failedIds.add(records[index]!.id);
  };

  /** One record through the single-record path, retried when it lost a race on a shared item. */
  const importOne = async (index: number) => {
    const record = records[index]!;
    try {
      const written = await rerunLostRaces(
        'The organization',
        async () => {
          try {
            return await importOrganization(tenantId, record);
          } catch (error) {
            // The transaction's parent condition failed: is the parent there at all? (One of the call is written at
            // an earlier level, or has failed; one that is not stored by now is in a cycle of parents within the call.)
            if (record.parentId !== null && !(await ports().organizations.get(tenantId, record.parentId))) throw new MissingParent();
            throw error;
          }
        },
        isConcurrentChange,
      );
      if (written) counts.written += 1;
      else counts.unchanged += 1;
    } catch (error) {
      if (error instanceof MissingParent) {
        const why = inCall.has(record.parentId!)
          ? `parent organization ${record.parentId} was not imported`
          : `unknown parent organization ${record.parentId}`;
        return fail(index, 'parent', why);
      }
      return fail(index, 'rejected', error instanceof Error ? error.message : String(error), error);
    }
  };

  // The run that creates this call's new organizations, begun at the first of them (a re-run of stored records needs none).
  const fingerprint = sha256(JSON.stringify(records));
  let importRun: Promise<number> | undefined;
  for (const level of levels) {
    const ready: number[] = [];
    for (const index of level ?? []) {
      const parent = records[index]!.parentId;
      if (parent !== null && failedIds.has(parent)) fail(index, 'parent', `parent organization ${parent} was not imported`);
      else ready.push(index);
    }
    const stored = new Set(
      (
        await ports().organizations.getMany(
          tenantId,
          ready.map((index) => records[index]!.id),
        )
      ).map((o) => o.id),
    );
    const fresh = ready.filter((index) => !stored.has(records[index]!.id));
    const batches: number[][] = [];
    for (let i = 0; i < fresh.length; i += CREATE_BATCH) batches.push(fresh.slice(i, i + CREATE_BATCH));
    const now = new Date().toISOString();
    await mapWithConcurrency(batches, options.concurrency ?? 16, async (batch) => {
      const refused = await ports().organizations.createMany(
        tenantId,
        batch.map((index): Organization => {
          const record = records[index]!;
          return { ...record, createdAt: record.createdAt ?? now, updatedAt: now, version: 1, appliedOps: {} };
        }),
        await (importRun ??= ports().organizations.beginImport(tenantId, fingerprint)),
      );
      counts.written += batch.length - refused.length;
      // A refusal is that record's alone (createMany retried it by itself): its own path says why, or
      // writes it when the refusal was a lost race.
      const refusedIds = new Set(refused.map((r) => r.id));
      for (const index of batch) if (refusedIds.has(records[index]!.id)) await importOne(index);
    });
    await mapWithConcurrency(
      ready.filter((index) => stored.has(records[index]!.id)),
      options.concurrency ?? 16,
      importOne,
    );
  }
  // Every new organization is committed or refused (and taken back): the run's postings are true.
  if (importRun) await ports().organizations.finishImport(tenantId, await importRun, fingerprint);
  if (failures.length > 0) throw new OrganizationImportError(failures, counts);
  return counts;
}

/** Which of these integer ids are stored members of the tenant (a sponsor must be one). */
export async function storedMemberIntIds(tenantId: string, intIds: readonly number[], options: ImportOptions = {}): Promise<Set<number>> {
  const stored = new Set<number>();
  await mapWithConcurrency([...new Set(intIds)], options.concurrency ?? 16, async (intId) => {
    if (await ports().organizations.idByIntId(tenantId, intId)) stored.add(intId);
  });
  return stored;
}
