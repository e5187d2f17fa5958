/** Writes and reads of tenants, publishers, diffusion links, client mappings and access lists. */
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

import type { ClickCount, ClientMapping, Publisher, Tenant } from '#shared/domain/directory.ts';

import { db, tableName } from './client.ts';
import * as keys from './keys.ts';
import { entity, tenantPk } from './keys.ts';
import { batchGet, conditionHeld, queryIndex, queryPartition, queryPrefix, stripKeys, type TransactItem } from './query.ts';
import { newTenantMarks } from './tenant-marks.ts';

const put = (Item: Record<string, unknown>) => db().send(new PutCommand({ TableName: tableName(), Item }));

/**
 * Creates or renames a tenant; never touches its integer-id counter. A tenant this version creates with
 * no organization yet keeps every index of this version from its first organization, so it carries every
 * mark (tenant-marks.ts: its gram vocabulary, its filter indexes); an existing one is only renamed (marked
 * once migrated).
 */
export async function putTenant(tenant: Tenant): Promise<void> {
  const fields = { entity: entity.tenant, id: tenant.id, name: tenant.name, GSI1PK: keys.tenantListingPartition, GSI1SK: tenant.id };
  // Organizations written before its tenant item (an earlier version's) may lack this version's index items.
  const counted = await queryPartition<{ organizations?: number }>(keys.counterPartition(tenant.id), { Limit: 64 });
  const empty = counted.every((shard) => !shard.organizations);
  const created = await conditionHeld(
    db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.tenant(tenant.id), ...fields, ...(empty ? newTenantMarks() : {}) },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    ),
  );
  if (created) return;
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.tenant(tenant.id),
      UpdateExpression: 'SET entity = :entity, id = :id, #name = :name, GSI1PK = :listing, GSI1SK = :id',
      ExpressionAttributeNames: { '#name': 'name' },
      ExpressionAttributeValues: {
        ':entity': entity.tenant,
        ':id': tenant.id,
        ':name': tenant.name,
        ':listing': keys.tenantListingPartition,
      },
    }),
  );
}

export const putPublisher = (tenantId: string, publisher: Publisher) =>
  put({ ...keys.publisher(tenantId, publisher.id), entity: entity.publisher, ...publisher });

export const putDiffusion = (tenantId: string, annonceurId: string, diffuseurId: string) =>
  put({ ...keys.diffusion(tenantId, annonceurId, diffuseurId), entity: entity.diffusion, annonceurId, diffuseurId });

/**
 * A mapping and its reverse reference (found by organization when that organization is deleted), as
 * transaction items. `mustBeNew` makes the first write of a client id win a race.
 */
export function clientMappingItems(tenantId: string, mapping: ClientMapping, mustBeNew = false): TransactItem[] {
  return [
    {
      Put: {
        TableName: tableName(),
        Item: { ...keys.clientMapping(tenantId, mapping.publisherId, mapping.clientId), entity: entity.mapping, ...mapping },
        ...(mustBeNew ? { ConditionExpression: 'attribute_not_exists(PK)' } : {}),
      },
    },
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...keys.mappingRef(tenantId, mapping.organizationId, mapping.publisherId, mapping.clientId),
          entity: entity.mappingRef,
          ...mapping,
        },
      },
    },
  ];
}

export async function putClientMapping(tenantId: string, mapping: ClientMapping): Promise<void> {
  await db().send(new TransactWriteCommand({ TransactItems: clientMappingItems(tenantId, mapping) }));
}

/**
 * Replaces a mapping's allow-list, only while the mapping still points at `organizationId` (a delete
 * of that organization in between makes this a not-found, never a resurrection).
 */
export async function setAllowedPublishers(tenantId: string, mapping: ClientMapping): Promise<boolean> {
  return conditionHeld(
    db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.clientMapping(tenantId, mapping.publisherId, mapping.clientId),
        UpdateExpression: 'SET allowedPublisherIds = :allowed',
        ConditionExpression: 'organizationId = :org',
        ExpressionAttributeValues: { ':allowed': mapping.allowedPublisherIds, ':org': mapping.organizationId },
      }),
    ),
  );
}

export async function getClientMapping(tenantId: string, publisherId: string, clientId: string): Promise<ClientMapping | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.clientMapping(tenantId, publisherId, clientId), ConsistentRead: true }),
  );
  return Item ? stripKeys<ClientMapping>(Item) : undefined;
}

/** The publishers that broadcast `annonceurId`'s missions (its diffuseurs): one query, then batched reads. */
export async function listDiffuseurs(tenantId: string, annonceurId: string): Promise<Publisher[]> {
  const links = await queryPrefix<{ diffuseurId: string }>(tenantPk(tenantId), keys.diffusionPrefix(annonceurId));
  return batchGet<Publisher>(links.map((link) => keys.publisher(tenantId, link.diffuseurId)));
}

export async function isDiffuseur(tenantId: string, annonceurId: string, diffuseurId: string): Promise<boolean> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.diffusion(tenantId, annonceurId, diffuseurId), ConsistentRead: true }),
  );
  return Item !== undefined;
}

export async function getPublisher(tenantId: string, id: string): Promise<Publisher | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.publisher(tenantId, id), ConsistentRead: true }));
  return Item ? stripKeys<Publisher>(Item) : undefined;
}

export async function getTenant(tenantId: string): Promise<Tenant | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.tenant(tenantId), ConsistentRead: true }));
  return Item ? { id: Item.id as string, name: Item.name as string } : undefined;
}

/** Every tenant (GSI1, eventually consistent: admin only). */
export const listTenants = () =>
  queryIndex<Record<string, unknown>>(keys.tenantListingPartition).then((items) =>
    items.map((item) => ({ id: item.id as string, name: item.name as string })),
  );

export const listPublishers = (tenantId: string) =>
  queryPrefix<Record<string, unknown>>(tenantPk(tenantId), keys.publisherPrefix).then((items) =>
    items.map((item) => stripKeys<Publisher>(item)),
  );

export const deleteDiffusion = (tenantId: string, annonceurId: string, diffuseurId: string) =>
  db().send(new DeleteCommand({ TableName: tableName(), Key: keys.diffusion(tenantId, annonceurId, diffuseurId) }));

export const listClientMappings = (tenantId: string, publisherId: string) =>
  queryPrefix<Record<string, unknown>>(tenantPk(tenantId), keys.clientMappingPrefix(publisherId)).then((items) =>
    items.map((item) => stripKeys<ClientMapping>(item)),
  );

/** The mappings that point at an organization (through their reverse references). */
export const listMappingsOfOrganization = (tenantId: string, organizationId: string) =>
  queryPrefix<Record<string, unknown>>(keys.organization(tenantId, organizationId).PK, keys.mappingRefPrefix).then((items) =>
    items.map((item) => stripKeys<ClientMapping>(item)),
  );

/** An organization's click counts from the partners named: one batched read of exactly those items. */
export const getClicks = (tenantId: string, organizationId: string, partnerIds: string[]) =>
  batchGet<ClickCount>([...new Set(partnerIds)].map((partnerId) => keys.clicks(tenantId, organizationId, partnerId)));

export const listClicks = (tenantId: string, organizationId: string) =>
  queryPrefix<Record<string, unknown>>(keys.organization(tenantId, organizationId).PK, keys.clicksPrefix).then((items) =>
    items.map((item) => stripKeys<ClickCount>(item)),
  );

export const putClicks = (tenantId: string, count: ClickCount) =>
  put({ ...keys.clicks(tenantId, count.organizationId, count.partnerId), entity: entity.clicks, ...count });
