/** Program and campaign items: one item each, its access set an ordered list of organization ids. */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

import type { AccessList, AccessListKind } from '#shared/domain/directory.ts';

import { db, tableName } from './client.ts';
import { keys, tenantPk } from './keys.ts';
import { queryPrefix, stripKeys } from './query.ts';

const keyOf = (tenantId: string, kind: AccessListKind, name: string) =>
  kind === 'program' ? keys.program(tenantId, name) : keys.campaign(tenantId, name);

export async function getAccessList(tenantId: string, kind: AccessListKind, name: string): Promise<AccessList | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keyOf(tenantId, kind, name), ConsistentRead: true }));
  return Item ? stripKeys<AccessList>(Item) : undefined;
}

export const listAccessLists = (tenantId: string, kind: AccessListKind) =>
  queryPrefix<Record<string, unknown>>(tenantPk(tenantId), kind === 'program' ? keys.programPrefix : keys.campaignPrefix).then((items) =>
    items.map((item) => stripKeys<AccessList>(item)),
  );

/** One conditional write: the list must still exist (a replace never resurrects a removed program). */
export async function replaceAccess(tenantId: string, list: AccessList, organizationIds: string[]): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keyOf(tenantId, list.kind, list.name),
      UpdateExpression: 'SET organizationIds = :ids',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':ids': organizationIds },
    }),
  );
}
