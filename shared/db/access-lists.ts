/**
 * Program and campaign items: one item each (its access set an ordered list of organization ids), and
 * small listing entries beside it, one per facet it is listed under (`all` and its status for a program,
 * its type for a campaign), written in the same transaction, so a page of GET /programs or /campaigns
 * reads entries only, never the access sets.
 */
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

import type { AccessList, AccessListFilter, AccessListKind, AccessListSummary } from '#shared/domain/directory.ts';
import { AppError } from '#shared/errors.ts';

import { db, tableName } from './client.ts';
import * as keys from './keys.ts';
import { entity, tenantPk } from './keys.ts';
import { cancellationCodes, queryPrefix, queryPrefixUpTo, stripKeys, type TransactItem } from './query.ts';

const keyOf = (tenantId: string, kind: AccessListKind, name: string) =>
  kind === 'program' ? keys.program(tenantId, name) : keys.campaign(tenantId, name);

/** The facets a list is listed under. */
const facetsOf = (list: AccessListSummary): string[] =>
  list.kind === 'program' ? ['all', `status=${list.status}`] : [`type=${list.type}`];

/** The facets a filter reads (several statuses: several facets, merged in id order). */
const facetsRead = (filter: AccessListFilter): string[] =>
  filter.kind === 'program'
    ? filter.statuses === undefined
      ? ['all']
      : [...new Set(filter.statuses)].map((status) => `status=${status}`)
    : [`type=${filter.type}`];

const summaryOf = (list: AccessList): AccessListSummary => {
  const { organizationIds: _ids, ...summary } = list;
  return summary;
};

export async function getAccessList(tenantId: string, kind: AccessListKind, name: string): Promise<AccessList | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keyOf(tenantId, kind, name), ConsistentRead: true }));
  return Item ? stripKeys<AccessList>(Item) : undefined;
}

/** Every list of a kind, access sets included (admin listings and the delete clean-up). */
export const listAccessLists = (tenantId: string, kind: AccessListKind) =>
  queryPrefix<Record<string, unknown>>(tenantPk(tenantId), kind === 'program' ? keys.programPrefix : keys.campaignPrefix).then((items) =>
    items.map((item) => stripKeys<AccessList>(item)),
  );

/** A page in id order: at most offset + limit entries read per facet, strongly consistent. */
export async function pageAccessLists(
  tenantId: string,
  filter: AccessListFilter,
  offset: number,
  limit: number,
): Promise<AccessListSummary[]> {
  const perFacet = await Promise.all(
    facetsRead(filter).map((facet) =>
      queryPrefixUpTo<Record<string, unknown>>(tenantPk(tenantId), keys.accessListingPrefix(filter.kind, facet), offset + limit),
    ),
  );
  // Each facet is in SK order (id, then name hash): merging on that suffix keeps every facet's own order.
  const order = (item: Record<string, unknown>) => (item.SK as string).split('#').slice(-2).join('#');
  return perFacet
    .flat()
    .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
    .slice(offset, offset + limit)
    .map((item) => stripKeys<AccessListSummary>(item));
}

/**
 * Writes a list with its listing entries, all or nothing. A new list must not exist yet; an existing one
 * must still hold `previous`'s access set (a concurrent access change is never overwritten: a retryable
 * conflict instead).
 */
export async function putAccessList(tenantId: string, list: AccessList, previous: AccessList | undefined): Promise<void> {
  const listing = (of: AccessListSummary) => facetsOf(of).map((facet) => keys.accessListing(tenantId, of.kind, facet, of.id, of.name));
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tableName(),
        Item: { ...keyOf(tenantId, list.kind, list.name), entity: list.kind === 'program' ? entity.program : entity.campaign, ...list },
        ...(previous
          ? { ConditionExpression: 'organizationIds = :previous', ExpressionAttributeValues: { ':previous': previous.organizationIds } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    },
  ];
  const next = listing(list);
  for (const key of previous ? listing(previous) : []) {
    if (!next.some((k) => k.SK === key.SK)) items.push({ Delete: { TableName: tableName(), Key: key } });
  }
  for (const key of next) {
    items.push({ Put: { TableName: tableName(), Item: { ...key, entity: entity.accessListing, ...summaryOf(list) } } });
  }
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (!cancellationCodes(error)) throw error;
    throw new AppError('conflict', `The ${list.kind} ${list.name} was changed concurrently.`, { detail: { retryable: true } });
  }
}

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
