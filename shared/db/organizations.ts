/**
 * Organizations in the single table, with their guard items: one per label and per integer id
 * (uniqueness by conditional write), a child counter on the parent (a delete is refused atomically
 * while children exist), their listing and index entries (organization-index.ts) in the same
 * transaction, their search postings around it (search-index.ts), and a short-lived tombstone per
 * bulk delete (exactly-once bulk deletes).
 */
import {
  BatchExecuteStatementCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

import type { ClientMapping } from '#shared/domain/directory.ts';
import type { Organization } from '#shared/domain/organization.ts';
import {
  type DeleteCleanups,
  IN_PLACE_BATCH_LIMIT,
  type InPlaceFields,
  type InPlaceResult,
  type InPlaceWrite,
  type LayoutProgress,
} from '#shared/domain/ports.ts';
import { AppError, validationError } from '#shared/errors.ts';

import { db, tableName } from './client.ts';
import { clientMappingItems } from './directory.ts';
import { putVocabulary } from './gram-vocabulary.ts';
import { importedEntries } from './imported-entries.ts';
import * as keys from './keys.ts';
import { entity } from './keys.ts';
import { type LayoutWriter, legacyGuardTarget, migrateLegacyLayout, migrateOne } from './legacy-layout.ts';
import { countChange, creationItems, derivedChanges } from './organization-index.ts';
import {
  batchGet,
  batchWrite,
  cancellationCodes,
  ignoringConditionFailure,
  isConditionFailure,
  retryingTransactionConflicts,
  stripKeys,
  type TransactItem,
} from './query.ts';
import { importedPostings, planPostings, type PostingPlan } from './search-index.ts';

/** A stored organization item as the domain sees it: without keys and data-layer attributes (childCount). */
function toOrganization(item: Record<string, unknown>): Organization {
  const { childCount: _children, ...organization } = stripKeys<Organization & { childCount?: number }>(item);
  return organization;
}

async function getCurrent(tenantId: string, id: string): Promise<Organization | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.organization(tenantId, id), ConsistentRead: true }));
  return Item ? toOrganization(Item) : undefined;
}

/** How the legacy layout's migration writes (the same save as every new organization). */
const layoutWriter: LayoutWriter = { getCurrent, saveNew: (tenantId, organization) => saveOrganization(tenantId, organization, undefined) };

/** Strongly consistent; an organization still in the legacy layout is migrated on the way (one more read on a miss). */
export async function getOrganization(tenantId: string, id: string): Promise<Organization | undefined> {
  return (await getCurrent(tenantId, id)) ?? migrateOne(tenantId, id, layoutWriter);
}

export const migrateLayout = (onProgress?: (progress: LayoutProgress) => void) => migrateLegacyLayout(layoutWriter, onProgress);

/** Strongly consistent batched reads; unknown ids are skipped and order is not kept. */
export const getOrganizations = (tenantId: string, ids: string[]) =>
  batchGet<Record<string, unknown>>(ids.map((id) => keys.organization(tenantId, id))).then((items) => items.map(toOrganization));

async function getGuardTarget(key: { PK: string; SK: string }): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  return Item?.orgId as string | undefined;
}

export const findOrganizationIdByLabel = async (tenantId: string, label: string) =>
  (await getGuardTarget(keys.label(tenantId, label))) ?? legacyGuardTarget(tenantId, `LABEL#${label}`, layoutWriter);

export const findOrganizationIdByIntId = async (tenantId: string, intId: number) =>
  (await getGuardTarget(keys.intId(tenantId, intId))) ?? legacyGuardTarget(tenantId, `INTID#${intId}`, layoutWriter);

/** Reserves `count` consecutive integer ids from the tenant's counter (one atomic ADD); returns the first. */
export async function allocateIntId(tenantId: string, count = 1): Promise<number> {
  const { Attributes } = await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.tenant(tenantId),
      UpdateExpression: 'ADD orgCounter :count',
      ExpressionAttributeValues: { ':count': count },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return (Attributes!.orgCounter as number) - count + 1;
}

/** Raises the counter to at least `floor` so new ids stay above every seeded id. */
export async function raiseIntIdCounter(tenantId: string, floor: number): Promise<void> {
  await ignoringConditionFailure(
    db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.tenant(tenantId),
        UpdateExpression: 'SET orgCounter = :floor',
        ConditionExpression: 'attribute_not_exists(orgCounter) OR orgCounter < :floor',
        ExpressionAttributeValues: { ':floor': floor },
      }),
    ),
  );
}

const guardPut = (key: { PK: string; SK: string }, orgId: string): TransactItem => ({
  Put: {
    TableName: tableName(),
    Item: { ...key, entity: entity.guard, orgId },
    // Claimed by nobody, or already by this organization (idempotent re-writes).
    ConditionExpression: 'attribute_not_exists(PK) OR orgId = :orgId',
    ExpressionAttributeValues: { ':orgId': orgId },
  },
});

const childCount = (tenantId: string, parentId: string, delta: 1 | -1, expectedVersion?: number): TransactItem => ({
  Update: {
    TableName: tableName(),
    Key: keys.organization(tenantId, parentId),
    UpdateExpression: 'ADD childCount :delta',
    // A parent must exist when a child is attached to it (and, for a move, still be as read).
    ConditionExpression: expectedVersion === undefined ? 'attribute_exists(PK)' : 'attribute_exists(PK) AND version = :version',
    ExpressionAttributeValues: { ':delta': delta, ...(expectedVersion === undefined ? {} : { ':version': expectedVersion }) },
  },
});

/** Replaces every field but leaves data-layer attributes (childCount) alone. */
function replaceFields(tenantId: string, organization: Organization, expectedVersion: number): TransactItem {
  const entries = Object.entries(organization).filter(([, value]) => value !== undefined);
  return {
    Update: {
      TableName: tableName(),
      Key: keys.organization(tenantId, organization.id),
      UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :f${i}`).join(', ')}`,
      ConditionExpression: 'version = :expectedVersion',
      ExpressionAttributeNames: Object.fromEntries(entries.map(([key], i) => [`#f${i}`, key])),
      ExpressionAttributeValues: {
        ...Object.fromEntries(entries.map(([, value], i) => [`:f${i}`, value])),
        ':expectedVersion': expectedVersion,
      },
    },
  };
}

/** Translates a cancelled transaction into the conflict it means, by the failing item's role. */
function conflictFrom(error: unknown, roles: string[]): never {
  const codes = cancellationCodes(error);
  if (!codes) throw error;
  const failed = codes.findIndex((code) => code === 'ConditionalCheckFailed');
  const role = roles[failed];
  const messages: Record<string, string> = {
    create: 'Organization with this id already exists.',
    replace: 'Organization was changed concurrently.',
    label: 'Organization with this label already exists.',
    intId: 'Organization with this integer id already exists.',
    parent: 'Parent organization does not exist.',
    together: 'A related item was written concurrently.',
    delete: 'Organization was changed concurrently or has children.',
  };
  if (role && messages[role]) {
    const field = role === 'create' ? 'id' : ['replace', 'delete', 'parent', 'oldParent'].includes(role) ? 'version' : role;
    throw new AppError('conflict', messages[role], { detail: { field } });
  }
  // TransactionConflict (another transaction on the same items): the caller retries.
  throw new AppError('conflict', 'Organization was changed concurrently.', { detail: { field: 'version', retryable: true } });
}

/**
 * Writes an organization and its guards in one transaction. Without `previous` the organization must
 * not exist yet; with it, the stored version must still be `previous.version` (optimistic locking).
 * A label or integer id held by another organization fails with a `conflict` naming the field.
 */
export async function saveOrganization(
  tenantId: string,
  organization: Organization,
  previous: Organization | undefined,
  { mustBeUnchanged = [], newMapping }: { mustBeUnchanged?: Organization[]; newMapping?: ClientMapping } = {},
): Promise<void> {
  const items: TransactItem[] = [];
  const roles: string[] = [];
  const add = (role: string, item: TransactItem) => {
    roles.push(role);
    items.push(item);
  };
  if (previous) {
    add('replace', replaceFields(tenantId, organization, previous.version));
  } else {
    add('create', {
      Put: {
        TableName: tableName(),
        Item: { ...keys.organization(tenantId, organization.id), entity: entity.organization, ...organization },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    });
  }
  if (previous?.label !== organization.label) add('label', guardPut(keys.label(tenantId, organization.label), organization.id));
  if (previous?.intId !== organization.intId) add('intId', guardPut(keys.intId(tenantId, organization.intId), organization.id));
  if (previous && previous.label !== organization.label) {
    add('oldLabel', {
      Delete: {
        TableName: tableName(),
        Key: keys.label(tenantId, previous.label),
        ConditionExpression: 'orgId = :orgId',
        ExpressionAttributeValues: { ':orgId': organization.id },
      },
    });
  }
  derivedChanges(tenantId, organization, previous).forEach((item) => add('index', item));
  if (!previous) add('count', countChange(tenantId, 1));
  // An item may appear once per transaction: a version check on a parent rides on its child-count update.
  const unchanged = new Map(mustBeUnchanged.map((o) => [o.id, o.version]));
  if (previous?.parentId !== organization.parentId) {
    if (organization.parentId) {
      add('parent', childCount(tenantId, organization.parentId, 1, unchanged.get(organization.parentId)));
      unchanged.delete(organization.parentId);
    }
    if (previous?.parentId) {
      add('oldParent', childCount(tenantId, previous.parentId, -1, unchanged.get(previous.parentId)));
      unchanged.delete(previous.parentId);
    }
  }
  if (newMapping) clientMappingItems(tenantId, newMapping, true).forEach((item) => add('together', item));
  for (const [id, version] of unchanged) {
    add('replace', {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.organization(tenantId, id),
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: { ':version': version },
      },
    });
  }
  if (items.length > 100) {
    throw validationError(
      'body',
      [{ path: ['member'], message: 'An organization may have at most about 40 communes, projects and users together.' }],
      'Too many member index entries (communes, projects, users) to write atomically.',
    );
  }
  // The trusted search postings a write changes ride in its transaction when they fit (see search-index.ts).
  const postings = await planPostings(tenantId, organization.id, organization.version, organization, previous, 100 - items.length);
  postings.transactItems.forEach((item) => add('posting', item));
  await postings.before();
  try {
    await writeAtomically(items);
  } catch (error) {
    await postings.withdraw();
    conflictFrom(error, roles);
  }
  await postings.after();
}

/**
 * Creates many new organizations in few round trips (the seed import, run `importRun`): every search
 * posting and every entry keyed by the organization (its name listing, index and child entries) in
 * batches of 25, marked with the run (see import-runs.ts and imported-entries.ts), then transactions of up
 * to 100 items, each holding several organizations with their guards and the entries keyed by a shared
 * value, one count change and one child-count change per parent outside the group. A group that is
 * refused (a label or id taken, a parent missing) is retried one organization at a time, so the refusal is
 * that organization's alone, and what it wrote ahead is taken back; returns the refusals.
 */
export async function saveNewOrganizations(
  tenantId: string,
  organizations: Organization[],
  importRun: number,
): Promise<{ id: string; error: unknown }[]> {
  const postings = new Map(organizations.map((organization) => [organization.id, importedPostings(tenantId, organization, importRun)]));
  const ahead = new Map(
    organizations.map((organization) => [
      organization.id,
      [postings.get(organization.id)!, importedEntries(tenantId, organization, importRun)],
    ]),
  );
  // Written before any transaction, so a committed organization is whole (what the run marks is checked until the run's end);
  // the vocabulary first, so no posting is written before its gram is named.
  await putVocabulary(
    tenantId,
    [...postings.values()].flatMap(({ grams }) => grams),
  );
  await batchWrite([...ahead.values()].flat().flatMap(({ items }) => items.map((Item) => ({ PutRequest: { Item } }))));
  const refusals: { id: string; error: unknown }[] = [];
  for (const group of groupsOfTransactions(tenantId, organizations)) {
    try {
      await sendGroup(tenantId, group);
    } catch (error) {
      if (!cancellationCodes(error)) throw error;
      for (const organization of group) {
        await saveOrganization(tenantId, organization, undefined).catch(async (refused: unknown) => {
          await Promise.all(ahead.get(organization.id)!.map((written) => written.withdraw()));
          refusals.push({ id: organization.id, error: refused });
        });
      }
    }
  }
  return refusals;
}

/** Attempts of a group that lost only races (concurrent groups on a count shard or a parent): no condition failed. */
const GROUP_ATTEMPTS = 8;

/**
 * One group's transaction. A cancellation that only lost races (`TransactionConflict`: another import
 * batch wrote the same count shard or parent at the same moment) is retried whole with jittered
 * backoff, so a busy import keeps its batches; a failed condition is thrown for the caller to settle
 * one organization at a time.
 */
async function sendGroup(tenantId: string, group: Organization[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db().send(new TransactWriteCommand({ TransactItems: groupItems(tenantId, group) }));
      return;
    } catch (error) {
      const codes = cancellationCodes(error);
      const onlyRaces = codes !== undefined && codes.includes('TransactionConflict') && !codes.includes('ConditionalCheckFailed');
      if (!onlyRaces || attempt >= GROUP_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(500, 10 * 2 ** attempt)));
    }
  }
}

/**
 * Items of one imported organization's transaction that belong to it alone (not the count or its parent's
 * child count): the organization, its guards, and its entries not written ahead.
 */
function ownCreationItems(tenantId: string, organization: Organization, childCount: number): TransactItem[] {
  return [
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...keys.organization(tenantId, organization.id),
          entity: entity.organization,
          ...organization,
          ...(childCount > 0 ? { childCount } : {}),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    guardPut(keys.label(tenantId, organization.label), organization.id),
    guardPut(keys.intId(tenantId, organization.intId), organization.id),
    ...creationItems(tenantId, organization, false).map((Item) => ({ Put: { TableName: tableName(), Item } })),
  ];
}

/** Splits organizations into groups whose transaction stays within 100 items (each group's shared items included). */
function groupsOfTransactions(tenantId: string, organizations: Organization[]): Organization[][] {
  const groups: Organization[][] = [];
  let group: Organization[] = [];
  let size = 1; // the count change
  for (const organization of organizations) {
    // Own items (the child count of a parent in the group rides on its Put), plus its parent's update.
    const own = ownCreationItems(tenantId, organization, 0).length + (organization.parentId ? 1 : 0);
    if (group.length > 0 && size + own > 100) {
      groups.push(group);
      group = [];
      size = 1;
    }
    group.push(organization);
    size += own;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

function groupItems(tenantId: string, group: Organization[]): TransactItem[] {
  const inGroup = new Set(group.map((o) => o.id));
  const children = new Map<string, number>();
  for (const { parentId } of group) if (parentId) children.set(parentId, (children.get(parentId) ?? 0) + 1);
  const items = group.flatMap((organization) =>
    ownCreationItems(tenantId, organization, inGroup.has(organization.id) ? (children.get(organization.id) ?? 0) : 0),
  );
  for (const [parentId, count] of children) {
    if (inGroup.has(parentId)) continue;
    items.push({
      Update: {
        TableName: tableName(),
        Key: keys.organization(tenantId, parentId),
        UpdateExpression: 'ADD childCount :delta',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':delta': count },
      },
    });
  }
  items.push(countChange(tenantId, group.length));
  return items;
}

/**
 * One write, all or nothing: a lone item is a plain conditional write (half the capacity of a
 * transaction, one round trip); several go in one transaction. A failed condition surfaces the same
 * way in both cases (as a cancelled transaction's first reason).
 */
async function writeAtomically(items: TransactItem[]): Promise<void> {
  if (items.length > 1) {
    await db().send(new TransactWriteCommand({ TransactItems: items }));
    return;
  }
  const [item] = items;
  try {
    await retryingTransactionConflicts(async () => {
      if (item?.Update) await db().send(new UpdateCommand(item.Update));
      else if (item?.Put) await db().send(new PutCommand(item.Put));
      else if (item?.Delete) await db().send(new DeleteCommand(item.Delete));
    });
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    throw Object.assign(new Error('Condition failed'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
    });
  }
}

/**
 * Deletes an organization, its guards and its place under its parent, together with the reference
 * clean-ups the caller passes (access lists, mappings, sponsored members), all or nothing.
 * Refused (conflict) if it changed since read or still has children.
 */
export async function deleteOrganization(
  tenantId: string,
  organization: Organization,
  cleanups: DeleteCleanups,
  appliedOpId?: string,
): Promise<void> {
  const items: TransactItem[] = [
    {
      Delete: {
        TableName: tableName(),
        Key: keys.organization(tenantId, organization.id),
        ConditionExpression: 'version = :version AND (attribute_not_exists(childCount) OR childCount = :zero)',
        ExpressionAttributeValues: { ':version': organization.version, ':zero': 0 },
      },
    },
    { Delete: { TableName: tableName(), Key: keys.label(tenantId, organization.label) } },
    { Delete: { TableName: tableName(), Key: keys.intId(tenantId, organization.intId) } },
  ];
  const roles = ['delete', 'label', 'intId'];
  for (const item of [...derivedChanges(tenantId, undefined, organization), countChange(tenantId, -1)]) {
    items.push(item);
    roles.push('index');
  }
  if (organization.parentId) {
    items.push(childCount(tenantId, organization.parentId, -1));
    roles.push('oldParent');
  }
  if (appliedOpId) {
    items.push({
      Put: {
        TableName: tableName(),
        Item: {
          ...keys.appliedDelete(tenantId, appliedOpId),
          entity: entity.tombstone,
          opId: appliedOpId,
          expiresAt: Math.floor(Date.now() / 1000) + 8 * 86400,
        },
      },
    });
    roles.push('tombstone');
  }
  const cleanupWrites = cleanupItems(tenantId, cleanups);
  items.push(...cleanupWrites);
  roles.push(...cleanupWrites.map(() => 'cleanup'));
  if (items.length > 100) {
    throw new AppError('conflict', 'Organization has too many references to delete atomically (over 100).', {
      detail: { field: 'non_field_errors' },
    });
  }
  // Its trusted postings go with it (or, without room, are made untrusted first), so no search counts it
  // once it is gone; a delete is "version + 1" for its postings (it outranks every posting of the organization).
  const plans: PostingPlan[] = [];
  for (const { previous, next } of [{ previous: organization, next: undefined }, ...cleanups.rewrites]) {
    const plan = await planPostings(tenantId, previous.id, next?.version ?? previous.version + 1, next, previous, 100 - items.length);
    plan.transactItems.forEach((item) => {
      items.push(item);
      roles.push('posting');
    });
    plans.push(plan);
  }
  for (const plan of plans) await plan.before();
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    for (const plan of plans) await plan.withdraw();
    conflictFrom(error, roles);
  }
  for (const plan of plans) await plan.after();
}

/** Whether a bulk delete operation was already applied (its marker lives 8 days). */
export async function wasDeleteApplied(tenantId: string, opId: string): Promise<boolean> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.appliedDelete(tenantId, opId), ConsistentRead: true }),
  );
  return Item !== undefined;
}

/**
 * The writes a delete's clean-ups need (the domain decides which; see DeleteCleanups): access sets
 * without the organization, the Engagement mappings and their reverse references removed, and other
 * organizations rewritten, each conditional on what was read.
 */
function cleanupItems(tenantId: string, cleanups: DeleteCleanups): TransactItem[] {
  const items: TransactItem[] = [];
  for (const { list, organizationIds } of cleanups.accessLists) {
    items.push({
      Update: {
        TableName: tableName(),
        Key: list.kind === 'program' ? keys.program(tenantId, list.name) : keys.campaign(tenantId, list.name),
        UpdateExpression: 'SET organizationIds = :next',
        ConditionExpression: 'organizationIds = :previous',
        ExpressionAttributeValues: { ':next': organizationIds, ':previous': list.organizationIds },
      },
    });
  }
  for (const mapping of cleanups.mappings) {
    items.push({ Delete: { TableName: tableName(), Key: keys.clientMapping(tenantId, mapping.publisherId, mapping.clientId) } });
    items.push({
      Delete: { TableName: tableName(), Key: keys.mappingRef(tenantId, mapping.organizationId, mapping.publisherId, mapping.clientId) },
    });
  }
  for (const { organizationId, partnerId } of cleanups.clicks) {
    items.push({ Delete: { TableName: tableName(), Key: keys.clicks(tenantId, organizationId, partnerId) } });
  }
  for (const { previous, next } of cleanups.rewrites) {
    items.push(replaceFields(tenantId, next, previous.version), ...derivedChanges(tenantId, next, previous));
  }
  return items;
}

/**
 * Sets the given fields of an organization in one conditional UpdateItem, without reading it first:
 * fields not named are untouched (no lost update), the version moves on, and a bulk operation is
 * recorded in the same write so a re-delivery is recognised (`NOT contains`). Only for changes that
 * touch no guard or index item (no label, parent or member change).
 */
export async function updateFieldsInPlace(
  tenantId: string,
  id: string,
  fields: InPlaceFields,
  { op, returnOrganization }: { op?: { taskId: string; index: number }; returnOrganization: boolean },
): Promise<InPlaceResult> {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  const names: Record<string, string> = Object.fromEntries(entries.map(([key], i) => [`#f${i}`, key]));
  const values: Record<string, unknown> = { ...Object.fromEntries(entries.map(([, value], i) => [`:f${i}`, value])), ':one': 1 };
  const sets = [...entries.map((_, i) => `#f${i} = :f${i}`), 'version = version + :one'];
  let condition = 'attribute_exists(PK)';
  if (op) {
    names['#task'] = op.taskId;
    values[':index'] = op.index;
    values[':indexList'] = [op.index];
    values[':empty'] = [];
    sets.push('appliedOps.#task = list_append(if_not_exists(appliedOps.#task, :empty), :indexList)');
    condition += ' AND NOT contains(appliedOps.#task, :index)';
  }
  try {
    const { Attributes } = await retryingTransactionConflicts(() =>
      db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.organization(tenantId, id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          // DynamoDB refuses an empty names map (a PATCH of `{}` names no field).
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          // A bulk worker needs nothing back (the updated attributes are bytes sent and decoded for nothing).
          ReturnValues: returnOrganization ? 'ALL_NEW' : 'NONE',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    return { outcome: 'updated', ...(returnOrganization ? { organization: toOrganization(Attributes!) } : {}) };
  } catch (error) {
    if (isConditionFailure(error)) {
      const item = (error as { Item?: Record<string, unknown> }).Item;
      if (!item) return { outcome: 'missing' };
      return { outcome: 'already-applied', ...(returnOrganization ? { organization: toOrganization(item) } : {}) };
    }
    // `appliedOps` absent on an older item: the document path cannot be set in place.
    if (error instanceof Error && error.name === 'ValidationException' && /document path/i.test(error.message))
      return { outcome: 'needs-read' };
    throw error;
  }
}

/**
 * Removes the applied-operation records of an organization that `expired` names: one read of the
 * records alone, then (only when one has expired) an UpdateItem that removes those entries. The
 * version does not move (the organization's fields do not change), and entries added meanwhile are
 * untouched (the REMOVE names only the expired ones).
 */
export async function removeExpiredAppliedOps(tenantId: string, id: string, expired: (taskId: string) => boolean): Promise<void> {
  const key = keys.organization(tenantId, id);
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: key, ProjectionExpression: 'appliedOps' }));
  const gone = Object.keys((Item?.appliedOps as Record<string, unknown> | undefined) ?? {}).filter(expired);
  if (gone.length === 0) return;
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: `REMOVE ${gone.map((_, i) => `appliedOps.#t${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: Object.fromEntries(gone.map((taskId, i) => [`#t${i}`, taskId])),
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error; // deleted meanwhile: nothing left to prune
  }
}

/**
 * The in-place writes of up to 25 bulk operations in one BatchExecuteStatement: each statement is its
 * own conditional write (not a transaction, so one refusal costs only its own item), the same change
 * `updateFieldsInPlace` makes, applied only while the organization exists and holds no record of the
 * task yet (the first of its operations there, by far the common case). One round trip instead of 25
 * is most of a bulk update's client CPU. Anything else (a refusal, a later operation of the task, a
 * re-delivery, a record stored before the applied-operations map, a failed call) answers `false`: the
 * caller applies it through `updateFieldsInPlace`, whose outcomes tell those cases apart.
 */
export async function updateFieldsInPlaceBatch(tenantId: string, writes: InPlaceWrite[]): Promise<boolean[]> {
  if (writes.length === 0) return [];
  if (writes.length > IN_PLACE_BATCH_LIMIT) throw new Error(`At most ${IN_PLACE_BATCH_LIMIT} in-place writes a batch`);
  const statements = writes.map(({ id, fields, op }) => {
    // Task ids are 20 hex characters and field names come from InPlaceFields: safe inside quoted names.
    if (!/^[0-9a-f]{20}$/.test(op.taskId)) throw new Error(`Not a task id: ${op.taskId}`);
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    const key = keys.organization(tenantId, id);
    return {
      Statement:
        `UPDATE "${tableName()}" ${entries.map(([name]) => `SET "${name}" = ? `).join('')}SET version = version + ? ` +
        `SET appliedOps."${op.taskId}" = ? WHERE PK = ? AND SK = ? AND appliedOps."${op.taskId}" IS MISSING`,
      Parameters: [...entries.map(([, value]) => value), 1, [op.index], key.PK, key.SK],
    };
  });
  try {
    const { Responses = [] } = await db().send(new BatchExecuteStatementCommand({ Statements: statements }));
    return writes.map((_, i) => Responses[i] !== undefined && Responses[i].Error === undefined);
  } catch {
    return writes.map(() => false); // the single writes retry, and recognise any statement that was applied
  }
}
