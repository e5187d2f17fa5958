/** `clicks list|set`: an organization's 30-day click counts per partner (Engagement `clicks`). */
import { existingTenant, listClicks, setClicks } from '#shared/domain/directory-admin.ts';

import { type Command, organizationKey, str, tenant, UsageError } from './common.ts';

export const clicksCommands: Command[] = [
  {
    group: 'clicks',
    action: 'list',
    summary: "List an organization's 30-day click counts per partner (id or ~label)",
    options: { ...tenant, organization: { type: 'string' } },
    required: ['tenant', 'organization'],
    async run(v, out) {
      out.result(await listClicks(await existingTenant(str(v, 'tenant')), organizationKey(v, 'organization')), ['partnerId', 'clicks']);
    },
  },
  {
    group: 'clicks',
    action: 'set',
    summary: "Set an organization's 30-day click count from a partner (GET /v0/myorganization answers it as `clicks`)",
    options: { ...tenant, organization: { type: 'string' }, partner: { type: 'string' }, clicks: { type: 'string' } },
    required: ['tenant', 'organization', 'partner', 'clicks'],
    async run(v, out) {
      const tenantId = await existingTenant(str(v, 'tenant'));
      if (!/^\d+$/.test(str(v, 'clicks'))) throw new UsageError('--clicks is an integer ≥ 0');
      const stored = await setClicks(tenantId, {
        organization: organizationKey(v, 'organization'),
        partnerId: str(v, 'partner'),
        clicks: Number(str(v, 'clicks')),
      });
      out.result(`${stored.clicks} clicks from ${stored.partnerId} on organization ${stored.organizationId}.`);
    },
  },
];
