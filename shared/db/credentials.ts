/** Credentials of the four kinds, keyed globally by their own lookup identifier. */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

import type { Credential, CredentialKind } from '#shared/domain/credential.ts';

import { db, tableName } from './client.ts';
import * as keys from './keys.ts';
import { entity } from './keys.ts';
import { conditionHeld, ignoringConditionFailure, queryIndex, scanTable, stripKeys } from './query.ts';

/** Strongly consistent, so a revocation takes effect on the very next request. */
export async function getCredential(kind: CredentialKind, lookupId: string): Promise<Credential | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.credential(kind, lookupId), ConsistentRead: true }));
  if (!Item) return undefined;
  const credential = stripKeys<Credential>(Item);
  // A credential with an expiry (Responsys tokens) is dead from that instant, before TTL removes it.
  if (credential.expiresAtMs !== undefined && credential.expiresAtMs <= Date.now()) return undefined;
  return credential;
}

/**
 * Stores a credential. Identifiers are unique across tenants: a lookup id owned by another tenant is
 * refused atomically (condition on the stored tenant), never by reading first.
 */
export async function putCredential(credential: Credential, ttlEpochSeconds?: number): Promise<boolean> {
  return conditionHeld(
    db().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.credential(credential.kind, credential.lookupId),
          ...keys.credentialListing(credential.tenantId, credential.kind, credential.credentialId, credential.lookupId),
          entity: entity.credential,
          ...credential,
          ...(ttlEpochSeconds ? { expiresAt: ttlEpochSeconds } : {}),
        },
        ConditionExpression: 'attribute_not_exists(PK) OR tenantId = :tenantId',
        ExpressionAttributeValues: { ':tenantId': credential.tenantId },
      }),
    ),
  );
}

export async function deleteCredential(kind: CredentialKind, lookupId: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.credential(kind, lookupId) }));
}

/** Every credential of a tenant, Responsys tokens included (admin only). */
export const listTenantCredentials = (tenantId: string) =>
  queryIndex<Record<string, unknown>>(keys.credentialListingPartition(tenantId)).then((items) =>
    items.map((item) => stripKeys<Credential>(item)),
  );

/**
 * Adds the GSI1 listing keys to tenants and credentials written before the admin listings existed
 * (one Scan of the table: an admin migration, idempotent, never on a request path). Returns how many
 * items it updated.
 */
export async function backfillListingKeys(): Promise<number> {
  let updated = 0;
  const pages = scanTable('entity IN (:cred, :tenant) AND attribute_not_exists(GSI1PK)', {
    ':cred': entity.credential,
    ':tenant': entity.tenant,
  });
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const listing =
        item.entity === entity.tenant
          ? keys.tenantListing(item.id as string)
          : keys.credentialListing(item.tenantId as string, item.kind as string, item.credentialId as string, item.lookupId as string);
      // Conditional on the item still being there, so a concurrent revocation is not undone.
      await ignoringConditionFailure(
        db().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { PK: item.PK, SK: item.SK },
            UpdateExpression: 'SET GSI1PK = :pk, GSI1SK = :sk',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':pk': listing.GSI1PK, ':sk': listing.GSI1SK },
          }),
        ),
      );
      updated += 1;
    }
  }
  return updated;
}
