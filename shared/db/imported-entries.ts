/**
 * Listing, index and child entries a seed import writes ahead of its organizations' transactions, under
 * the import-run protocol its search postings follow (import-runs.ts): DynamoDB Local applies a
 * transactional item at about half the rate of a batched one, and these are most of a new organization's
 * items, so only the organization, its guards and the entries keyed by a shared value stay in the
 * transaction. Each entry written ahead is marked `f` = the run's number. A reader trusts it once its run has
 * finished (every organization of the run committed, or refused with its entries taken back); until then,
 * and forever for a run that was killed and never re-run, it checks the entry against the organization
 * (`trustedEntries`): a cost, never a wrong answer. `settleImportedEntries` (an admin migration) clears
 * what a killed run left.
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import type { Organization } from '#shared/domain/organization.ts';

import { db, tableName } from './client.ts';
import { importRunsState, importRunsStateFor, isRunFinished } from './import-runs.ts';
import * as keys from './keys.ts';
import { entity, tenantPk } from './keys.ts';
import { creationItems, derivedKeys, entryKey } from './organization-index.ts';
import { batchGet, ignoringConditionFailure, isConditionFailure, scanTable } from './query.ts';

/** A stored entry as a reader projects it: its key, and the import run that wrote it ahead, if one did. */
export interface StoredEntry {
  PK: string;
  SK: string;
  f?: unknown;
}

/** The attributes a reader of entries projects besides its own (add them to its ProjectionExpression). */
export const ENTRY_CHECK_ATTRIBUTES = 'PK, SK, f';

/**
 * The entries of a new organization an import writes ahead in run `importRun`, and how to take them back
 * after a refusal: each one the organization stored under that id (if another writer stored it) does not
 * have is deleted, while it is still the run's (a write since then made it another writer's).
 */
export function importedEntries(tenantId: string, organization: Organization, importRun: number) {
  const items = creationItems(tenantId, organization, true).map((item) => ({ ...item, f: importRun }));
  return {
    items,
    async withdraw(): Promise<void> {
      const [stored] = await batchGet<Organization>([keys.organization(tenantId, organization.id)]);
      const kept = stored ? derivedKeys(tenantId, stored) : new Set<string>();
      await mapWithConcurrency(
        items.filter((item) => !kept.has(entryKey(item))),
        4,
        (item) =>
          ignoringConditionFailure(
            db().send(
              new DeleteCommand({
                TableName: tableName(),
                Key: { PK: item.PK, SK: item.SK },
                ConditionExpression: 'f = :run',
                ExpressionAttributeValues: { ':run': importRun },
              }),
            ),
          ),
      );
    },
  };
}

const runOf = (entry: StoredEntry) => (typeof entry.f === 'number' ? entry.f : undefined);

/**
 * `entries` without those an unfinished import run wrote ahead for an organization that does not have them
 * (never committed, refused, or changed since), read strongly consistent. `organizationId` names the
 * organization an entry belongs to. Entries of finished runs, and entries no import wrote, are trusted as read.
 */
export async function trustedEntries<T extends StoredEntry>(
  tenantId: string,
  entries: T[],
  organizationId: (entry: T) => string,
): Promise<T[]> {
  const runsMet = new Set(entries.flatMap((entry) => runOf(entry) ?? []));
  if (runsMet.size === 0) return entries;
  const runs = await importRunsStateFor(tenantId, runsMet);
  const inDoubt = (entry: T) => {
    const run = runOf(entry);
    return run !== undefined && !isRunFinished(runs, run);
  };
  const doubtful = entries.filter(inDoubt);
  if (doubtful.length === 0) return entries;
  const organizations = await batchGet<Organization>(
    [...new Set(doubtful.map(organizationId))].map((id) => keys.organization(tenantId, id)),
  );
  const keysOf = new Map(organizations.map((organization) => [organization.id, derivedKeys(tenantId, organization)]));
  return entries.filter((entry) => !inDoubt(entry) || keysOf.get(organizationId(entry))?.has(entryKey(entry)) === true);
}

/** The tenant and organization of a scanned entry written ahead (listing and index entries name it; a child entry is keyed by it). */
function ownerOf(item: Record<string, unknown>): { tenantId: string; id: string } | undefined {
  const pk = String(item.PK);
  if (!pk.startsWith(tenantPk(''))) return undefined;
  const tenantId = pk.slice(tenantPk('').length).split('#')[0]!;
  const id = item.entity === entity.child ? item.SK : item.orgId;
  return typeof id === 'string' ? { tenantId, id } : undefined;
}

/**
 * Settles the entries that unfinished import runs wrote ahead (runs killed and never re-run): one that its
 * organization has is trusted from then on (its mark removed), any other is deleted; both only while the
 * entry is still the run's. One Scan of the table: an admin migration, idempotent, safe while the API
 * serves. Returns how many entries it settled.
 */
export async function settleImportedEntries(onProgress?: (scanned: number) => void): Promise<number> {
  let settled = 0;
  let scanned = 0;
  const states = new Map<string, ReturnType<typeof importRunsState>>();
  const pages = scanTable('attribute_exists(f) AND entity IN (:listing, :index, :child)', {
    ':listing': entity.listing,
    ':index': entity.memberIndex,
    ':child': entity.child,
  });
  for await (const page of pages) {
    scanned += page.ScannedCount ?? 0;
    const unsettled: { item: Record<string, unknown>; tenantId: string; id: string; run: number }[] = [];
    for (const item of page.Items ?? []) {
      const owner = ownerOf(item);
      const run = typeof item.f === 'number' ? item.f : undefined;
      if (!owner || run === undefined) continue;
      if (!states.has(owner.tenantId)) states.set(owner.tenantId, importRunsState(owner.tenantId));
      if (!isRunFinished(await states.get(owner.tenantId)!, run)) unsettled.push({ item, ...owner, run });
    }
    const organizations = await batchGet<Organization & { PK?: string }>([
      ...new Map(unsettled.map(({ tenantId, id }) => [`${tenantId}\u0000${id}`, keys.organization(tenantId, id)])).values(),
    ]);
    const stored = new Map(organizations.map((organization) => [organization.id, organization]));
    await mapWithConcurrency(unsettled, 16, async ({ item, tenantId, id, run }) => {
      const organization = stored.get(id);
      const key = { PK: item.PK, SK: item.SK };
      const condition = { ConditionExpression: 'f = :run', ExpressionAttributeValues: { ':run': run } };
      const write =
        organization && derivedKeys(tenantId, organization).has(entryKey(key as StoredEntry))
          ? new UpdateCommand({ TableName: tableName(), Key: key, UpdateExpression: 'REMOVE f', ...condition })
          : new DeleteCommand({ TableName: tableName(), Key: key, ...condition });
      try {
        await db().send(write);
        settled += 1;
      } catch (error) {
        // Changed since scanned (rewritten by its organization's write, or settled by a concurrent run): not ours to count.
        if (!isConditionFailure(error)) throw error;
      }
    });
    onProgress?.(scanned);
  }
  return settled;
}
