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
 * 2. every tenant item is marked: its readers read those items, and no longer the earlier partitions;
 * 3. a Scan of the index entries deletes those of the earlier layout's spread partitions (one per value).
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
import { checkedEntries, entryKey, NO_DESCRIPTION_PREFIX, SPREAD_FIELDS } from './organization-index.ts';
import { batchGet, cancellationCodes, ignoringConditionFailure, scanTable, storedKeys, stripKeys } from './query.ts';
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

/** Returns how many index items it wrote, how many tenants it marked, and how many entries of the earlier layout it removed. */
export async function backfillIndexEntries(): Promise<{ items: number; tenants: number; removed: number }> {
  let items = 0;
  const tenants = new Set<string>();
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
    const written = await mapWithConcurrency(organizations, 16, ({ tenantId, organization }) => backfillOne(tenantId, organization));
    items += written.reduce((sum, n) => sum + n, 0);
  }
  let marked = 0;
  for (const tenantId of tenants) if (await setTenantMark(tenantId, TENANT_MARKS.indexes)) marked += 1;
  return { items, tenants: marked, removed: await removeEarlierSpreadEntries() };
}

/** The items one organization lacks, put while it is still at the version they follow from. Returns how many. */
async function backfillOne(tenantId: string, read: Organization): Promise<number> {
  let organization: Organization | undefined = read;
  for (let attempt = 1; organization; attempt++) {
    const wanted = checkedEntries(tenantId, organization).filter((entry) => addedLater(tenantId, entry));
    const present = new Set((await storedKeys(wanted.map(({ PK, SK }) => ({ PK, SK })))).map(entryKey));
    const missing = wanted.filter((entry) => !present.has(entryKey(entry)));
    try {
      for (let at = 0; at < missing.length; at += PUTS_PER_TRANSACTION) {
        const stillAtVersion = {
          ConditionCheck: {
            TableName: tableName(),
            Key: keys.organization(tenantId, organization.id),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': organization.version },
          },
        };
        const puts = missing.slice(at, at + PUTS_PER_TRANSACTION).map((Item) => ({ Put: { TableName: tableName(), Item } }));
        await db().send(new TransactWriteCommand({ TransactItems: [stillAtVersion, ...puts] }));
      }
      return missing.length;
    } catch (error) {
      // Changed since read (a write each time, which wrote its own entries): read again.
      if (!cancellationCodes(error) || attempt >= ATTEMPTS) throw error;
      [organization] = await batchGet<Organization>([keys.organization(tenantId, read.id)]);
    }
  }
  return 0;
}

/** Deletes the index entries of the earlier layout's spread partitions (one per value, no shard). Returns how many. */
async function removeEarlierSpreadEntries(): Promise<number> {
  let removed = 0;
  for await (const page of scanTable('entity = :index', { ':index': entity.memberIndex })) {
    const earlier = (page.Items ?? []).filter((item) => isEarlierSpreadPartition(String(item.PK)));
    await mapWithConcurrency(earlier, 16, async (item) => {
      await ignoringConditionFailure(
        db().send(
          new DeleteCommand({ TableName: tableName(), Key: { PK: item.PK, SK: item.SK }, ConditionExpression: 'attribute_exists(PK)' }),
        ),
      );
      removed += 1;
    });
  }
  return removed;
}

/** `T#<t>#M#<spread field>#<value>` without a shard: a value is URI-encoded, so a `#` after it is the shard's. */
function isEarlierSpreadPartition(pk: string): boolean {
  const match = /#M#([^#]+)#([^#]*)(#\d+)?$/.exec(pk);
  return match !== null && SPREAD_FIELDS.has(match[1] as IndexedField) && match[3] === undefined;
}
