/** Writes and reads of tenants, publishers, diffusion links, client mappings and access lists. */
import { PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AccessList, ClientMapping, Publisher, Tenant } from '../domain/directory.ts';
import { db, tableName } from './client.ts';
import { keys } from './keys.ts';

const put = (Item: Record<string, unknown>) => db.send(new PutCommand({ TableName: tableName(), Item }));

/** Creates or renames a tenant; never touches its integer-id counter. */
export async function putTenant(tenant: Tenant): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.tenant(tenant.id),
      UpdateExpression: 'SET entity = :entity, id = :id, #name = :name',
      ExpressionAttributeNames: { '#name': 'name' },
      ExpressionAttributeValues: { ':entity': 'TENANT', ':id': tenant.id, ':name': tenant.name },
    }),
  );
}

export const putPublisher = (tenantId: string, publisher: Publisher) =>
  put({ ...keys.publisher(tenantId, publisher.id), entity: 'PUB', ...publisher });

export const putDiffusion = (tenantId: string, annonceurId: string, diffuseurId: string) =>
  put({ ...keys.diffusion(tenantId, annonceurId, diffuseurId), entity: 'DIFF', annonceurId, diffuseurId });

/** A mapping and its reverse reference (found by organization when that organization is deleted). */
export async function putClientMapping(tenantId: string, mapping: ClientMapping): Promise<void> {
  await db.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName(), Item: { ...keys.clientMapping(tenantId, mapping.publisherId, mapping.clientId), entity: 'MAP', ...mapping } } },
        {
          Put: {
            TableName: tableName(),
            Item: { ...keys.mappingRef(tenantId, mapping.organizationId, mapping.publisherId, mapping.clientId), entity: 'REF', ...mapping },
          },
        },
      ],
    }),
  );
}

export const putAccessList = (tenantId: string, list: AccessList) =>
  put({
    ...(list.kind === 'program' ? keys.program(tenantId, list.name) : keys.campaign(tenantId, list.name)),
    entity: list.kind === 'program' ? 'PROG' : 'CAMP',
    ...list,
  });
