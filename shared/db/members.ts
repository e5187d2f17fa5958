/** Member lookups through the member index items (strongly consistent, base table). */
import type { Organization } from '#shared/domain/organization.ts';

import { keys, type MemberIndexField, tenantPk } from './keys.ts';
import { batchGet, queryPrefix } from './query.ts';

/** Organization ids whose member `field` equals `value`: reads only the matching index items. */
export async function memberIdsBy(tenantId: string, field: MemberIndexField, value: string | number): Promise<string[]> {
  const items = await queryPrefix<{ orgId: string }>(tenantPk(tenantId), keys.memberIndexPrefix(field, value), {
    ProjectionExpression: 'orgId',
  });
  return items.map((item) => item.orgId);
}

export async function getOrganizations(tenantId: string, ids: string[]): Promise<Organization[]> {
  const items = await batchGet<Organization & { childCount?: number }>(ids.map((id) => keys.organization(tenantId, id)));
  return items.map(({ childCount: _c, ...organization }) => organization);
}
