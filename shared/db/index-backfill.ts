/**
 * Gives the organizations of earlier versions this version's index items, then marks their tenants
 * (tenant-marks.ts) and removes what the earlier layout left. One admin migration (`migrate listings`),
 * idempotent, safe while the API serves, never on a request path:
 * 1. one Scan of the organizations: each gets the items it lacks of those later versions added or moved — the
 *    entries of its spread fields in their shards (organization-index.ts: SPREAD_FIELDS), its users by id and
 *    e-mail, its non-scalar properties, its no-description listing entry — in a transaction conditioned on the
 *    organization still being at the version read (read again when it changed), so an entry is only ever what the
 *    organization says: a reader that skips entries without reading their organization (Apidae's `first`) may
 *    trust them once the tenant is marked;
 * 2. a Scan of the index entries deletes those of the earlier layout's spread partitions (one per value), and a
 *    shard entry whose organization does not have it (written by this version, then the value changed by a
 *    process of the earlier one during the deploy), while that organization is still as read;
 * 3. every tenant item is marked: its readers read those items, and no longer the earlier partitions.
 * Organizations still in the legacy layout get every item when `migrateLayout` moves them (it saves them whole).
 * Run it once no process of an earlier version writes any more (after the deploy has replaced every function).
 */
import { DeleteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import type { Organization } from '#shared/domain/organization.ts';
import type { IndexedField } from '#shared/domain/ports.ts';

import { db, tableName } from './client.ts';
import * as keys from './keys.ts';
import { entity } from './keys.ts';
import { checkedEntries, derivedKeys, entryKey, NO_DESCRIPTION_PREFIX, SPREAD_FIELDS } from './organization-index.ts';
import { batchGet, cancellationCodes, conditionHeld, scanTable, storedKeys, stripKeys } from './query.ts';
import { setTenantMark, TENANT_MARKS } from './tenant-marks.ts';

/** Fields whose entries later versions added (the spread fields' moved to their shards: all of them). */
const FIELDS_ADDED_LATER: IndexedField[] = ['utilisateur', 'mail', 'property', ...SPREAD_FIELDS];

const addedLater = (tenantId: string, item: { PK: string; SK: string }) =>
  item.SK.startsWith(NO_DESCRIPTION_PREFIX) ||
  FIELDS_ADDED_LATER.some((field) => item.PK.startsWith(keys.memberIndexPartition(tenantId, field, '')));

/** Rounds of one organization's backfill (each lost to a write of it) before the migration stops, to be run again. */
const ATTEMPTS = 20;
/** Items of one transaction: the organization's version check and 99 puts. */
const PUTS_PER_TRANSACTION = 99;

/**
 * Returns how many index items it wrote, how many tenants it marked, and how many entries it removed (the earlier
 * layout's, and shard entries their organization no longer has). A tenant one of whose organizations kept changing
 * through every attempt is left unmarked (run the migration again).
 */
export async function backfillIndexEntries(): Promise<{ items: number; tenants: number; removed: number }> {
  let items = 0;
  const tenants = new Set<string>();
  const busy = new Set<string>();
  const pages = scanTable('(entity = :org AND SK = :sk) OR entity = :tenant', {
    ':org': entity.organization,
    ':sk': keys.organization('t', 'o').SK,
    ':tenant': entity.tenant,
  });
  for await (const page of pages) {
    const organizations = (page.Items ?? []).flatMap((item) => {
      if (item.entity === entity.tenant) tenants.add(item.id as string);
      const tenantId = item.entity === entity.organization ? keys.tenantOfOrganization(item.PK as string, item.id as string) : undefined;
      return tenantId === undefined ? [] : [{ tenantId, organization: stripKeys<Organization>(item) }];
    });
    await mapWithConcurrency(organizations, 16, async ({ tenantId, organization }) => {
      const written = await backfillOne(tenantId, organization);
      if (written === undefined) busy.add(tenantId);
      else items += written;
    });
  }
  const removed = await settleSpreadEntries(busy);
  let marked = 0;
  for (const tenantId of tenants) if (!busy.has(tenantId) && (await setTenantMark(tenantId, TENANT_MARKS.indexes))) marked += 1;
  return { items, tenants: marked, removed };
}

/** The items one organization lacks, put while it is still at the version they follow from: how many, or undefined (it kept changing). */
async function backfillOne(tenantId: string, read: Organization): Promise<number | undefined> {
  let organization: Organization | undefined = read;
  for (let attempt = 1; organization && attempt <= ATTEMPTS; attempt++) {
    const wanted = checkedEntries(tenantId, organization).filter((entry) => addedLater(tenantId, entry));
    const present = new Set((await storedKeys(wanted.map(({ PK, SK }) => ({ PK, SK })))).map(entryKey));
    const missing = wanted.filter((entry) => !present.has(entryKey(entry)));
    try {
      for (let at = 0; at < missing.length; at += PUTS_PER_TRANSACTION) {
        const puts = missing.slice(at, at + PUTS_PER_TRANSACTION).map((Item) => ({ Put: { TableName: tableName(), Item } }));
        await db().send(new TransactWriteCommand({ TransactItems: [stillAsRead(tenantId, read.id, organization), ...puts] }));
      }
      return missing.length;
    } catch (error) {
      // Changed since read (a write each time, which wrote its own entries): read again.
      if (!cancellationCodes(error)) throw error;
      [organization] = await batchGet<Organization>([keys.organization(tenantId, read.id)]);
    }
  }
  return organization ? undefined : 0;
}

/** A transaction's check that the organization is still as read: at that version, or still absent. */
const stillAsRead = (tenantId: string, id: string, organization: Organization | undefined) => ({
  ConditionCheck: {
    TableName: tableName(),
    Key: keys.organization(tenantId, id),
    ...(organization
      ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': organization.version } }
      : { ConditionExpression: 'attribute_not_exists(PK)' }),
  },
});

/** `T#<tenant>#M#<field>#<value>` and, in a spread field's shard, `#<shard>` (a value is URI-encoded: no `#`). */
const INDEX_PARTITION = /^T#([^#]+)#M#([^#]+)#[^#]*(#\d+)?$/;

/**
 * One Scan of the index entries: those of the earlier layout's spread partitions (one per value, no shard) are
 * deleted; a shard entry whose organization does not have it (a process of the earlier version changed the value
 * after one of this version wrote it, during the deploy) is deleted while the organization is still as read. An
 * entry an import wrote ahead (`f`) is left to the import's own settling. Returns how many it deleted; a tenant
 * one of whose organizations kept changing joins `busy`.
 */
async function settleSpreadEntries(busy: Set<string>): Promise<number> {
  let removed = 0;
  for await (const page of scanTable('entity = :index', { ':index': entity.memberIndex })) {
    const spread = (page.Items ?? []).flatMap((item) => {
      const match = INDEX_PARTITION.exec(String(item.PK));
      return match && SPREAD_FIELDS.has(match[2] as IndexedField) ? [{ item, tenantId: match[1]!, earlier: match[3] === undefined }] : [];
    });
    // The organizations of the shard entries, per tenant (ids are unique within a tenant).
    const owners = new Map<string, Organization>();
    const owner = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;
    const wanted = new Map<string, Set<string>>();
    for (const { item, tenantId, earlier } of spread)
      if (!earlier && item.f === undefined) wanted.set(tenantId, (wanted.get(tenantId) ?? new Set()).add(String(item.orgId)));
    for (const [tenantId, ids] of wanted)
      for (const organization of await batchGet<Organization>([...ids].map((id) => keys.organization(tenantId, id))))
        owners.set(owner(tenantId, organization.id), organization);
    await mapWithConcurrency(spread, 16, async ({ item, tenantId, earlier }) => {
      const key = { PK: String(item.PK), SK: String(item.SK) };
      if (earlier) {
        if (
          await conditionHeld(
            db().send(new DeleteCommand({ TableName: tableName(), Key: key, ConditionExpression: 'attribute_exists(PK)' })),
          )
        )
          removed += 1;
        return;
      }
      if (item.f !== undefined) return;
      const outcome = await removeUnheld(tenantId, String(item.orgId), key, owners.get(owner(tenantId, String(item.orgId))));
      if (outcome === undefined) busy.add(tenantId);
      else removed += outcome;
    });
  }
  return removed;
}

/** Deletes a shard entry its organization (as read, or absent) does not have, while it is still so: 1, 0 (it has it), or undefined. */
async function removeUnheld(tenantId: string, id: string, key: { PK: string; SK: string }, read: Organization | undefined) {
  let organization = read;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (organization && derivedKeys(tenantId, organization).has(entryKey(key))) return 0;
    try {
      await db().send(
        new TransactWriteCommand({
          TransactItems: [stillAsRead(tenantId, id, organization), { Delete: { TableName: tableName(), Key: key } }],
        }),
      );
      return 1;
    } catch (error) {
      if (!cancellationCodes(error)) throw error;
      [organization] = await batchGet<Organization>([keys.organization(tenantId, id)]);
    }
  }
  return undefined;
}
