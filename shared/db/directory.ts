/** Writes and reads of tenants, publishers, diffusion links, client mappings and access lists. */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

export const putClientMapping = (tenantId: string, mapping: ClientMapping) =>
  put({ ...keys.clientMapping(tenantId, mapping.publisherId, mapping.clientId), entity: 'MAP', ...mapping });

export const putAccessList = (tenantId: string, list: AccessList) =>
  put({
    ...(list.kind === 'program' ? keys.program(tenantId, list.name) : keys.campaign(tenantId, list.name)),
    entity: list.kind === 'program' ? 'PROG' : 'CAMP',
    ...list,
  });
