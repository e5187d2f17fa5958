/** `mappings list|create`: Engagement client ids → organizations. */
import { existingTenant, listMappings, mapClientId } from '#shared/domain/directory-admin.ts';

import { type Command, list, opt, organizationKey, str, tenant } from './common.ts';

export const mappingsCommands: Command[] = [
  {
    group: 'mappings',
    action: 'list',
    summary: "List a publisher's Engagement client-id mappings",
    options: { ...tenant, publisher: { type: 'string' } },
    required: ['tenant', 'publisher'],
    async run(v, out) {
      const mappings = await listMappings(await existingTenant(str(v, 'tenant')), str(v, 'publisher'));
      out.result(
        mappings.map((m) => ({ ...m, allowedPublisherIds: m.allowedPublisherIds.join(',') })),
        ['clientId', 'organizationId', 'allowedPublisherIds'],
      );
    },
  },
  {
    group: 'mappings',
    action: 'create',
    summary: "Map a publisher's client id to an existing organization (id or ~label)",
    options: {
      ...tenant,
      publisher: { type: 'string' },
      'client-id': { type: 'string' },
      organization: { type: 'string' },
      allow: { type: 'string' },
    },
    required: ['tenant', 'publisher', 'client-id', 'organization'],
    async run(v, out) {
      const tenantId = await existingTenant(str(v, 'tenant'));
      const { organizationId } = await mapClientId(tenantId, {
        publisherId: str(v, 'publisher'),
        clientId: str(v, 'client-id'),
        organization: organizationKey(v, 'organization'),
        ...(opt(v, 'allow') === undefined ? {} : { allowedPublisherIds: list(opt(v, 'allow')) }),
      });
      out.result(`${str(v, 'publisher')}/${str(v, 'client-id')} → organization ${organizationId}.`);
    },
  },
];
