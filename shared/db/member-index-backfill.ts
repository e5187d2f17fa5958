/**
 * Writes the member index items an organization should have and lacks (those added after it was
 * stored: the users by id and by e-mail). One Scan of the table: an admin migration, idempotent,
 * never on a request path. A stale item left by a concurrent change is harmless: every reader checks
 * the member it reads (the lookups match the user, the searches re-apply their filter).
 */
import { paginateScan, PutCommand } from '@aws-sdk/lib-dynamodb';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import type { Organization } from '#shared/domain/organization.ts';

import { db, tableName } from './client.ts';
import { entity } from './keys.ts';
import { memberIndexKeys } from './organizations.ts';
import { isConditionFailure, stripKeys } from './query.ts';

/** Returns how many index items it wrote. */
export async function backfillMemberIndex(): Promise<number> {
  let written = 0;
  const pages = paginateScan(
    { client: db(), pageSize: 1000 },
    { TableName: tableName(), FilterExpression: 'entity = :org', ExpressionAttributeValues: { ':org': entity.organization } },
  );
  for await (const page of pages) {
    const wanted = (page.Items ?? []).flatMap((item) => {
      const organization = stripKeys<Organization>(item);
      const tenantId = (item.PK as string).slice('T#'.length);
      return memberIndexKeys(tenantId, organization).map((key) => ({ key, orgId: organization.id }));
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
