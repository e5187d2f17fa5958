/** `programs|campaigns list|create|access`: Responsys access lists. */
import { listAccessLists } from '#shared/domain/access-lists.ts';
import type { AccessListKind, Campaign, CampaignProperties, Program } from '#shared/domain/directory.ts';
import { type AccessListInput, existingTenant, putAccessList, setAccessByKeys } from '#shared/domain/directory-admin.ts';
import { parseOrganizationKey } from '#shared/domain/organization.ts';

import { type Command, list, opt, readJson, str, tenant, UsageError, type Values } from './common.ts';

/** A positive integer option, or undefined when it is not given. */
function positive(v: Values, name: string): number | undefined {
  const raw = opt(v, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`--${name} is a positive integer`);
  return value;
}

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
          lists.map((l) => ({
            id: l.id,
            name: l.name,
            ...(l.kind === 'campaign' ? { type: l.type } : {}),
            status: l.status,
            organizations: l.organizationIds.length,
          })),
          kind === 'campaign' ? ['id', 'name', 'type', 'status', 'organizations'] : ['id', 'name', 'status', 'organizations'],
        );
      },
    },
    {
      group,
      action: 'create',
      summary: `Create (or update: what is not given is kept) a ${kind}`,
      options: {
        ...tenant,
        id: { type: 'string' },
        name: { type: 'string' },
        ...(kind === 'program'
          ? { status: { type: 'string' }, channels: { type: 'string' }, 'list-id': { type: 'string' } }
          : { type: { type: 'string' }, status: { type: 'string' }, purpose: { type: 'string' }, properties: { type: 'string' } }),
        description: { type: 'string' },
        folder: { type: 'string' },
        'list-name': { type: 'string' },
      },
      required: ['tenant', 'id', 'name'],
      async run(v, out) {
        const tenantId = await existingTenant(str(v, 'tenant'));
        const id = positive(v, 'id')!;
        const common = {
          id,
          name: str(v, 'name'),
          description: opt(v, 'description'),
          folderName: opt(v, 'folder'),
          listName: opt(v, 'list-name'),
        };
        // Enumerated values are checked by the domain (the same rule as the seed file's).
        const input: AccessListInput =
          kind === 'program'
            ? {
                kind,
                ...common,
                status: opt(v, 'status') as Program['status'] | undefined,
                channels: opt(v, 'channels') === undefined ? undefined : list(opt(v, 'channels')),
                listId: positive(v, 'list-id'),
              }
            : {
                kind,
                ...common,
                type: opt(v, 'type')?.toUpperCase() as Campaign['type'] | undefined,
                status: opt(v, 'status') as Campaign['status'] | undefined,
                purpose: opt(v, 'purpose') as Campaign['purpose'] | undefined,
                properties: opt(v, 'properties') === undefined ? undefined : ((await readJson(str(v, 'properties'))) as CampaignProperties),
              };
        const { created } = await putAccessList(tenantId, input);
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
