/** `programs|campaigns list|create|access`: Responsys access lists. */
import { listAccessLists } from '#shared/domain/access-lists.ts';
import type { AccessListKind } from '#shared/domain/directory.ts';
import { existingTenant, putAccessList, setAccessByKeys } from '#shared/domain/directory-admin.ts';
import { parseOrganizationKey } from '#shared/domain/organization.ts';

import { type Command, list, opt, str, tenant, UsageError } from './common.ts';

export function accessListCommands(kind: AccessListKind): Command[] {
  const group = kind === 'program' ? 'programs' : 'campaigns';
  return [
    {
      group,
      action: 'list',
      summary: `List the tenant's ${group}`,
      options: tenant,
      required: ['tenant'],
      async run(v, out) {
        const lists = await listAccessLists(await existingTenant(str(v, 'tenant')), kind, 0, Infinity);
        out.result(
          lists.map((l) => ({ id: l.id, name: l.name, status: l.status, organizations: l.organizationIds.length })),
          ['id', 'name', 'status', 'organizations'],
        );
      },
    },
    {
      group,
      action: 'create',
      summary: `Create (or update) a ${kind}`,
      options: {
        ...tenant,
        id: { type: 'string' },
        name: { type: 'string' },
        status: { type: 'string', default: 'ACTIVE' },
        description: { type: 'string' },
      },
      required: ['tenant', 'id', 'name'],
      async run(v, out) {
        const tenantId = await existingTenant(str(v, 'tenant'));
        const id = Number(str(v, 'id'));
        if (!Number.isInteger(id) || id < 1) throw new UsageError('--id is a positive integer');
        const { created } = await putAccessList(tenantId, {
          kind,
          id,
          name: str(v, 'name'),
          status: str(v, 'status'),
          description: opt(v, 'description') ?? null,
        });
        out.result(`${created ? 'Created' : 'Updated'} ${kind} ${str(v, 'name')} (${id}).`);
      },
    },
    {
      group,
      action: 'access',
      summary: `Set the organizations (ids or ~labels) that can access a ${kind}`,
      options: { ...tenant, name: { type: 'string' }, organizations: { type: 'string' } },
      required: ['tenant', 'name', 'organizations'],
      async run(v, out) {
        const tenantId = await existingTenant(str(v, 'tenant'));
        const keys = list(opt(v, 'organizations')).map(parseOrganizationKey);
        const ids = await setAccessByKeys(tenantId, kind, str(v, 'name'), keys);
        out.result(`${str(v, 'name')}: ${ids.length} organization(s) have access.`);
      },
    },
  ];
}
