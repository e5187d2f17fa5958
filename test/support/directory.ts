/** Direct reads of directory items for assertions (through the repositories, never raw keys). */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

import { db, tableName } from '#shared/db/client.ts';
import * as keys from '#shared/db/keys.ts';

export async function getMappingForTest(tenantId: string, publisherId: string, clientId: string) {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.clientMapping(tenantId, publisherId, clientId), ConsistentRead: true }),
  );
  return Item;
}

export async function getAccessListForTest(tenantId: string, kind: 'program' | 'campaign', name: string) {
  const key = kind === 'program' ? keys.program(tenantId, name) : keys.campaign(tenantId, name);
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  return Item;
}

/** Makes a credential look as it was stored before the admin listings existed (no GSI1 keys). */
export async function dropListingKeys(kind: string, lookupId: string) {
  await db().send(
    new UpdateCommand({ TableName: tableName(), Key: keys.credential(kind, lookupId), UpdateExpression: 'REMOVE GSI1PK, GSI1SK' }),
  );
}

/** A program as it was stored before its documented fields and listing entries existed. */
export async function putLegacyProgram(tenantId: string, id: number, name: string) {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.program(tenantId, name),
        entity: 'PROG',
        kind: 'program',
        id,
        name,
        status: 'ACTIVE',
        description: null,
        organizationIds: [],
      },
    }),
  );
}

/** Makes a member look as it was stored before its users were indexed (no utilisateur/mail items). */
export async function dropUserIndexItems(tenantId: string, member: { id: string; intId: number }, userId: number, eMail: string) {
  for (const key of [
    keys.memberIndex(tenantId, 'utilisateur', userId, member.intId, member.id),
    keys.memberIndex(tenantId, 'mail', eMail, member.intId, member.id),
  ]) {
    await db().send(new DeleteCommand({ TableName: tableName(), Key: key }));
  }
}
