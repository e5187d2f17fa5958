/**
 * What must change when an organization is deleted: its place in every program/campaign access set,
 * the Engagement mappings that point to it (found through their reverse references), and the
 * members it sponsors (likewise). Returned as conditional transaction items so the delete and its
 * clean-ups happen together or not at all.
 */
import type { AccessList, ClientMapping } from '#shared/domain/directory.ts';
import type { Organization } from '#shared/domain/organization.ts';

import { tableName } from './client.ts';
import { keys, tenantPk } from './keys.ts';
import { organizationReplaceItem, type TransactItem } from './organizations.ts';
import { batchGet, queryPrefix } from './query.ts';

async function sponsoredMembers(tenantId: string, sponsorIntId: number): Promise<Organization[]> {
  const refs = await queryPrefix<{ orgId: string }>(tenantPk(tenantId), keys.memberIndexPrefix('parrain', sponsorIntId));
  const members = await batchGet<Organization & { childCount?: number }>(refs.map((ref) => keys.organization(tenantId, ref.orgId)));
  return members.map(({ childCount: _c, ...member }: Organization & { childCount?: number }) => member);
}

export async function referenceCleanups(tenantId: string, organization: Organization): Promise<TransactItem[]> {
  const pk = tenantPk(tenantId);
  const [programs, campaigns, mappings, members] = await Promise.all([
    queryPrefix<AccessList>(pk, keys.programPrefix),
    queryPrefix<AccessList>(pk, keys.campaignPrefix),
    queryPrefix<ClientMapping>(pk, keys.mappingRefPrefix(organization.id)),
    sponsoredMembers(tenantId, organization.intId),
  ]);
  const items: TransactItem[] = [];
  for (const list of [...programs, ...campaigns]) {
    if (!list.organizationIds.includes(organization.id)) continue;
    items.push({
      Update: {
        TableName: tableName(),
        Key: list.kind === 'program' ? keys.program(tenantId, list.name) : keys.campaign(tenantId, list.name),
        UpdateExpression: 'SET organizationIds = :next',
        ConditionExpression: 'organizationIds = :previous',
        ExpressionAttributeValues: {
          ':next': list.organizationIds.filter((id) => id !== organization.id),
          ':previous': list.organizationIds,
        },
      },
    });
  }
  for (const mapping of mappings) {
    items.push({ Delete: { TableName: tableName(), Key: keys.clientMapping(tenantId, mapping.publisherId, mapping.clientId) } });
    items.push({
      Delete: { TableName: tableName(), Key: keys.mappingRef(tenantId, organization.id, mapping.publisherId, mapping.clientId) },
    });
  }
  for (const member of members) {
    if (member.id === organization.id) continue;
    const next = { ...member, member: { ...member.member, sponsorIntId: null }, version: member.version + 1 };
    items.push(organizationReplaceItem(tenantId, next, member.version));
    items.push({ Delete: { TableName: tableName(), Key: keys.memberIndex(tenantId, 'parrain', organization.intId, member.id) } });
  }
  return items;
}
