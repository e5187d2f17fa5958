/** `apps list|create`: the Netux app registry. */
import { existingTenant, listApps, putApp } from '#shared/domain/directory-admin.ts';

import { type Command, opt, str, tenant } from './common.ts';

export const appsCommands: Command[] = [
  {
    group: 'apps',
    action: 'list',
    summary: "List the tenant's apps (Netux `app`)",
    options: tenant,
    required: ['tenant'],
    async run(v, out) {
      out.result(await listApps(await existingTenant(str(v, 'tenant'))), ['id', 'label', 'name', 'url']);
    },
  },
  {
    group: 'apps',
    action: 'create',
    summary: 'Create (or update) an app',
    options: { ...tenant, id: { type: 'string' }, label: { type: 'string' }, name: { type: 'string' }, url: { type: 'string' } },
    required: ['tenant', 'id', 'label', 'name'],
    async run(v, out) {
      const tenantId = await existingTenant(str(v, 'tenant'));
      await putApp(tenantId, { id: str(v, 'id'), label: str(v, 'label'), name: str(v, 'name'), url: opt(v, 'url') ?? null });
      out.result(`App ${str(v, 'id')} is ready.`);
    },
  },
];
