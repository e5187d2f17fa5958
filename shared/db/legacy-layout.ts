/**
 * The layout before organizations were spread over partitions: every organization, guard, member index
 * item and mapping reference of a tenant in `T#<tenant>`. `migrateLegacyLayout` moves a table to the
 * current layout while the API serves: each organization is written through the same save as any new
 * one (all its index items, postings and the count), then its legacy items are deleted. Until then a
 * lookup that misses falls back here and migrates the organization it finds on the spot, so no
 * organization is ever unreachable by id, label or integer id; listings show it once it is migrated.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';

import type { Organization } from '#shared/domain/organization.ts';
import type { LayoutProgress } from '#shared/domain/ports.ts';

import { db, tableName } from './client.ts';
import { listTenants } from './directory.ts';
import * as keys from './keys.ts';
import { entity, tenantPk } from './keys.ts';
import { batchWrite, queryPrefix, stripKeys } from './query.ts';

type Item = Record<string, unknown>;

/** Implemented by organizations.ts (the one writer of organizations); passed in to keep imports one-way. */
export interface LayoutWriter {
  getCurrent(tenantId: string, id: string): Promise<Organization | undefined>;
  saveNew(tenantId: string, organization: Organization): Promise<void>;
}

const legacyKey = (tenantId: string, sk: string) => ({ PK: tenantPk(tenantId), SK: sk });

async function getLegacy(tenantId: string, sk: string): Promise<Item | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: legacyKey(tenantId, sk), ConsistentRead: true }));
  return Item;
}

const asOrganization = (item: Item): Organization => {
  const { childCount: _children, ...organization } = stripKeys<Organization & { childCount?: number }>(item);
  return organization;
};

/** The organization a legacy guard names, migrated first; undefined when there is no such guard. */
export async function legacyGuardTarget(tenantId: string, sk: string, writer: LayoutWriter): Promise<string | undefined> {
  const guard = await getLegacy(tenantId, sk);
  if (!guard) return undefined;
  await migrateOne(tenantId, guard.orgId as string, writer);
  return guard.orgId as string;
}

/**
 * Moves one organization (and first its ancestors: a child's write checks its parent exists) to the
 * current layout; idempotent. Returns the organization, or undefined when it exists in neither layout.
 */
export async function migrateOne(tenantId: string, id: string, writer: LayoutWriter): Promise<Organization | undefined> {
  const current = await writer.getCurrent(tenantId, id);
  const legacy = await getLegacy(tenantId, `${keys.legacyOrganizationPrefix}${id}`);
  if (!legacy) return current;
  if (!current) {
    const organization = asOrganization(legacy);
    if (organization.parentId && !(await migrateOne(tenantId, organization.parentId, writer))) organization.parentId = null;
    await writer.saveNew(tenantId, organization).catch(async (error) => {
      // A concurrent migration of the same organization won: fine.
      if (!(await writer.getCurrent(tenantId, id))) throw error;
    });
  }
  await moveMappingRefs(tenantId, id);
  await deleteLegacy(tenantId, [`${keys.legacyOrganizationPrefix}${id}`]);
  return writer.getCurrent(tenantId, id);
}

/** Engagement mapping references move beside the organization (the mappings themselves kept their keys). */
async function moveMappingRefs(tenantId: string, orgId: string): Promise<void> {
  const refs = await queryPrefix<Item>(tenantPk(tenantId), `ORGMAP#${orgId}#`);
  if (refs.length === 0) return;
  await batchWrite(
    refs.map((ref) => {
      const { publisherId, clientId } = ref as { publisherId: string; clientId: string };
      return { PutRequest: { Item: { ...ref, ...keys.mappingRef(tenantId, orgId, publisherId, clientId), entity: entity.mappingRef } } };
    }),
  );
  await deleteLegacy(
    tenantId,
    refs.map((ref) => ref.SK as string),
  );
}

async function deleteLegacy(tenantId: string, sks: string[]): Promise<void> {
  await batchWrite(sks.map((sk) => ({ DeleteRequest: { Key: legacyKey(tenantId, sk) } })));
}

/**
 * Migrates every tenant: each legacy organization, then the legacy guards, member index items and
 * delete markers left (they describe organizations now written in the current layout). Idempotent;
 * safe to re-run after a kill and while the API serves.
 */
export async function migrateLegacyLayout(writer: LayoutWriter, onProgress?: (progress: LayoutProgress) => void): Promise<LayoutProgress> {
  const tenants = await listTenants();
  // Keys only, first: the total makes progress and its ETA meaningful.
  const legacyOf = await Promise.all(
    tenants.map((tenant) =>
      queryPrefix<{ SK: string }>(tenantPk(tenant.id), keys.legacyOrganizationPrefix, { ProjectionExpression: 'SK' }),
    ),
  );
  const progress: LayoutProgress = { tenants: 0, organizations: 0, total: legacyOf.reduce((n, list) => n + list.length, 0), leftovers: 0 };
  for (const [index, tenant] of tenants.entries()) {
    for (const { SK } of legacyOf[index]!) {
      await migrateOne(tenant.id, SK.slice(keys.legacyOrganizationPrefix.length), writer);
      progress.organizations += 1;
      onProgress?.(progress);
    }
    for (const prefix of keys.legacyGuardPrefixes) {
      const leftovers = await queryPrefix<{ SK: string }>(tenantPk(tenant.id), prefix, { ProjectionExpression: 'SK' });
      await deleteLegacy(
        tenant.id,
        leftovers.map((item) => item.SK),
      );
      progress.leftovers += leftovers.length;
    }
    progress.tenants += 1;
    onProgress?.(progress);
  }
  return progress;
}
