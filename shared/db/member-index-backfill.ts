/**
 * Writes the member index items an organization should have and lacks: the users by id and by e-mail,
 * indexed since the utilisateur services. One Scan of the table: an admin migration, idempotent, never
 * on a request path. Organizations still in the legacy layout get them when `migrateLayout` moves them
 * (it saves them whole); this covers those already moved. A stale item left by a concurrent change is
 * harmless: the lookups check the user on the member they read.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import { indexedValues } from '#shared/domain/indexed-values.ts';
import type { Organization } from '#shared/domain/organization.ts';

import { db, tableName } from './client.ts';
import * as keys from './keys.ts';
import { entity } from './keys.ts';
import { indexValue } from './organization-index.ts';
import { isConditionFailure, scanTable, stripKeys } from './query.ts';

const USER_FIELDS = new Set(['utilisateur', 'mail']);

/** Returns how many index items it wrote. */
export async function backfillMemberIndex(): Promise<number> {
  let written = 0;
  const pages = scanTable('entity = :org AND SK = :sk', { ':org': entity.organization, ':sk': keys.organization('t', 'o').SK });
  for await (const page of pages) {
    const wanted = (page.Items ?? []).flatMap((item) => {
      const organization = stripKeys<Organization>(item);
      const tenantId = keys.tenantOfOrganization(item.PK as string, organization.id);
      if (tenantId === undefined) return [];
      return indexedValues(organization)
        .filter(([field]) => USER_FIELDS.has(field))
        .map(([field, value]) => ({
          key: keys.memberIndex(tenantId, field, indexValue(value), organization.intId, organization.id),
          orgId: organization.id,
        }));
    });
    await mapWithConcurrency(wanted, 16, async ({ key, orgId }) => {
      try {
        await db().send(
          new PutCommand({
            TableName: tableName(),
            Item: { ...key, entity: entity.memberIndex, orgId },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
        written += 1;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    });
  }
  return written;
}
