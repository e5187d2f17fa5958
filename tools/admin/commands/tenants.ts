/** `tenants list|create`. */
import { listTenants, putTenant } from '#shared/domain/directory-admin.ts';

import { type Command, str, UsageError } from './common.ts';

export const tenantsCommands: Command[] = [
  {
    group: 'tenants',
    action: 'list',
    summary: 'List tenants',
    options: {},
    async run(_v, out) {
      out.result(await listTenants(), ['id', 'name']);
    },
  },
  {
    group: 'tenants',
    action: 'create',
    summary: 'Create a tenant (or rename it)',
    options: { id: { type: 'string' }, name: { type: 'string' } },
    required: ['id', 'name'],
    async run(v, out) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(str(v, 'id'))) throw new UsageError('--id is 1-64 letters, digits, _ or -');
      await putTenant({ id: str(v, 'id'), name: str(v, 'name') });
      out.result(`Tenant ${str(v, 'id')} is ready.`);
    },
  },
];
