/**
 * Writes the index items later versions added that an organization should have and lacks: its users by id
 * and by e-mail (the utilisateur services), its non-scalar properties and the property overflow entry (the
 * Netux `properties` filter), its entry in the no-description listing (`description=`). One Scan of the
 * table: an admin migration, idempotent, never on a request path; then each tenant is marked (tenant-marks.ts),
 * so its filters read those items instead of scanning. Organizations still in the legacy layout get them when
 * `migrateLayout` moves them (it saves them whole); this covers those already moved. A stale item left by a
 * concurrent change is harmless: every reader of these items checks the organization it reads.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import type { Organization } from '#shared/domain/organization.ts';
import type { IndexedField } from '#shared/domain/ports.ts';

import { db, tableName } from './client.ts';
import * as keys from './keys.ts';
import { entity } from './keys.ts';
import { checkedEntries, NO_DESCRIPTION_PREFIX } from './organization-index.ts';
import { isConditionFailure, scanTable, stripKeys } from './query.ts';
import { setTenantMark, TENANT_MARKS } from './tenant-marks.ts';

const FIELDS_ADDED_LATER: IndexedField[] = ['utilisateur', 'mail', 'property'];

const addedLater = (tenantId: string, item: { PK: string; SK: string }) =>
  item.SK.startsWith(NO_DESCRIPTION_PREFIX) ||
  FIELDS_ADDED_LATER.some((field) => item.PK.startsWith(keys.memberIndexPartition(tenantId, field, '')));

/** Returns how many index items it wrote, and how many tenants it marked. */
export async function backfillIndexEntries(): Promise<{ items: number; tenants: number }> {
  let written = 0;
  const tenants = new Set<string>();
  const pages = scanTable('(entity = :org AND SK = :sk) OR entity = :tenant', {
    ':org': entity.organization,
    ':sk': keys.organization('t', 'o').SK,
    ':tenant': entity.tenant,
  });
  for await (const page of pages) {
    const wanted = (page.Items ?? []).flatMap((item) => {
      if (item.entity === entity.tenant) {
        tenants.add(item.id as string);
        return [];
      }
      const organization = stripKeys<Organization>(item);
      const tenantId = keys.tenantOfOrganization(item.PK as string, organization.id);
      if (tenantId === undefined) return [];
      return checkedEntries(tenantId, organization).filter((entry) => addedLater(tenantId, entry));
    });
    await mapWithConcurrency(wanted, 16, async (Item) => {
      try {
        await db().send(new PutCommand({ TableName: tableName(), Item, ConditionExpression: 'attribute_not_exists(PK)' }));
        written += 1;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    });
  }
  let marked = 0;
  for (const tenantId of tenants) if (await setTenantMark(tenantId, TENANT_MARKS.filterIndex)) marked += 1;
  return { items: written, tenants: marked };
}
