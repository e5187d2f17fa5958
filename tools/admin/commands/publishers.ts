/** `publishers list|create|diffuseurs|link|unlink`: Engagement publishers and who broadcasts whom. */
import { existingTenant, linkDiffuseur, listPublishers, putPublisher, unlinkDiffuseur } from '#shared/domain/directory-admin.ts';
import { partnersOf } from '#shared/domain/engagement.ts';

import { type Command, opt, str, tenant } from './common.ts';

export const publishersCommands: Command[] = [
  {
    group: 'publishers',
    action: 'list',
    summary: "List the tenant's Engagement publishers",
    options: tenant,
    required: ['tenant'],
    async run(v, out) {
      out.result(await listPublishers(await existingTenant(str(v, 'tenant'))), ['id', 'name', 'category', 'url', 'annonceur']);
    },
  },
  {
    group: 'publishers',
    action: 'create',
    summary: 'Create (or update) a publisher',
    options: {
      ...tenant,
      id: { type: 'string' },
      name: { type: 'string' },
      category: { type: 'string' },
      url: { type: 'string' },
      logo: { type: 'string' },
      description: { type: 'string' },
      widget: { type: 'boolean', default: false },
      api: { type: 'boolean', default: false },
      campaign: { type: 'boolean', default: false },
      annonceur: { type: 'boolean', default: false },
    },
    required: ['tenant', 'id', 'name'],
    async run(v, out) {
      const tenantId = await existingTenant(str(v, 'tenant'));
      const flag = (name: string) => v[name] === true;
      await putPublisher(tenantId, {
        id: str(v, 'id'),
        name: str(v, 'name'),
        category: opt(v, 'category') ?? null,
        url: opt(v, 'url') ?? null,
        logo: opt(v, 'logo') ?? null,
        description: opt(v, 'description') ?? null,
        widget: flag('widget'),
        api: flag('api'),
        campaign: flag('campaign'),
        annonceur: flag('annonceur'),
      });
      out.result(`Publisher ${str(v, 'id')} is ready.`);
    },
  },
  {
    group: 'publishers',
    action: 'diffuseurs',
    summary: "List the publishers that broadcast a publisher's missions",
    options: { ...tenant, publisher: { type: 'string' } },
    required: ['tenant', 'publisher'],
    async run(v, out) {
      out.result(await partnersOf(await existingTenant(str(v, 'tenant')), str(v, 'publisher')), ['id', 'name']);
    },
  },
  {
    group: 'publishers',
    action: 'link',
    summary: "Let --diffuseur broadcast --publisher's missions",
    options: { ...tenant, publisher: { type: 'string' }, diffuseur: { type: 'string' } },
    required: ['tenant', 'publisher', 'diffuseur'],
    async run(v, out) {
      const tenantId = await existingTenant(str(v, 'tenant'));
      await linkDiffuseur(tenantId, str(v, 'publisher'), str(v, 'diffuseur'));
      out.result(`${str(v, 'diffuseur')} now broadcasts ${str(v, 'publisher')}'s missions.`);
    },
  },
  {
    group: 'publishers',
    action: 'unlink',
    summary: 'Remove a diffuseur relation',
    options: { ...tenant, publisher: { type: 'string' }, diffuseur: { type: 'string' } },
    required: ['tenant', 'publisher', 'diffuseur'],
    async run(v, out) {
      await unlinkDiffuseur(await existingTenant(str(v, 'tenant')), str(v, 'publisher'), str(v, 'diffuseur'));
      out.result(`${str(v, 'diffuseur')} no longer broadcasts ${str(v, 'publisher')}'s missions.`);
    },
  },
];
