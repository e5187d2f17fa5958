/** Organizations in the single table, with their label and integer-id guard items. */
import { GetCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../errors.ts';
import type { Organization } from '../domain/organization.ts';
import { db, tableName } from './client.ts';
import { keys } from './keys.ts';
import { cancellationCodes, isConditionFailure, queryPrefix, stripKeys } from './query.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export async function getOrganization(tenantId: string, id: string): Promise<Organization | undefined> {
  const { Item } = await db.send(
    new GetCommand({ TableName: tableName(), Key: keys.organization(tenantId, id), ConsistentRead: true }),
  );
  return Item ? stripKeys<Organization>(Item) : undefined;
}

async function getGuardTarget(key: { PK: string; SK: string }): Promise<string | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  return Item?.orgId as string | undefined;
}

export const findOrganizationIdByLabel = (tenantId: string, label: string) =>
  getGuardTarget(keys.label(tenantId, label));

export const findOrganizationIdByIntId = (tenantId: string, intId: number) =>
  getGuardTarget(keys.intId(tenantId, intId));

/** Every organization of a tenant, strongly consistent (base-table query over the tenant partition). */
export const listOrganizations = (tenantId: string) =>
  queryPrefix<Record<string, unknown>>(keys.organization(tenantId, '').PK, keys.organizationPrefix).then((items) =>
    items.map((item) => stripKeys<Organization>(item)),
  );

/** Next integer id from the tenant's counter (one atomic ADD). */
export async function allocateIntId(tenantId: string): Promise<number> {
  const { Attributes } = await db.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.tenant(tenantId),
      UpdateExpression: 'ADD orgCounter :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Attributes!.orgCounter as number;
}

/** Raises the counter to at least `floor` so new ids stay above every seeded id. */
export async function raiseIntIdCounter(tenantId: string, floor: number): Promise<void> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.tenant(tenantId),
        UpdateExpression: 'SET orgCounter = :floor',
        ConditionExpression: 'attribute_not_exists(orgCounter) OR orgCounter < :floor',
        ExpressionAttributeValues: { ':floor': floor },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

const guardPut = (key: { PK: string; SK: string }, orgId: string, field: string): TransactItem => ({
  Put: {
    TableName: tableName(),
    Item: { ...key, entity: 'GUARD', orgId, field },
    // Claimed by nobody, or already by this organization (idempotent re-writes).
    ConditionExpression: 'attribute_not_exists(PK) OR orgId = :orgId',
    ExpressionAttributeValues: { ':orgId': orgId },
  },
});

/**
 * Writes an organization and its guards in one transaction. `expectedVersion` undefined means the
 * organization must not exist yet; otherwise the stored version must equal it (optimistic locking).
 * A label or integer id claimed by another organization fails with a `conflict` naming the field.
 */
export async function saveOrganization(
  tenantId: string,
  organization: Organization,
  previous: Organization | undefined,
  mode: 'create' | 'replace' | 'upsert' = previous ? 'replace' : 'create',
): Promise<void> {
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tableName(),
        Item: { ...keys.organization(tenantId, organization.id), entity: 'ORG', ...organization },
        ...(mode === 'create'
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : mode === 'replace'
            ? { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': previous!.version } }
            : {}),
      },
    },
    guardPut(keys.label(tenantId, organization.label), organization.id, 'label'),
    guardPut(keys.intId(tenantId, organization.intId), organization.id, 'intId'),
  ];
  if (previous && previous.label !== organization.label) {
    items.push({
      Delete: {
        TableName: tableName(),
        Key: keys.label(tenantId, previous.label),
        ConditionExpression: 'orgId = :orgId',
        ExpressionAttributeValues: { ':orgId': organization.id },
      },
    });
  }
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const codes = cancellationCodes(error);
    if (!codes) throw error;
    if (codes[1] === 'ConditionalCheckFailed') {
      throw new AppError('conflict', 'Organization with this label already exists.', { detail: { field: 'label' } });
    }
    if (codes[2] === 'ConditionalCheckFailed') {
      throw new AppError('conflict', 'Organization with this integer id already exists.', { detail: { field: 'intId' } });
    }
    if (codes[0] === 'ConditionalCheckFailed') {
      throw new AppError('conflict', mode === 'create' ? 'Organization with this id already exists.' : 'Organization was changed concurrently.', {
        detail: { field: mode === 'create' ? 'id' : 'version' },
      });
    }
    throw error;
  }
}
