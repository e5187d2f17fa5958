/** `organizations create|show|move|member`, through the same domain writes as the API. */
import { existingTenant } from '#shared/domain/directory-admin.ts';
import { parseOrganizationKey } from '#shared/domain/organization.ts';
import { createOrganization, moveOrganization, setMemberData } from '#shared/domain/organization-writes.ts';
import { getOrganization } from '#shared/domain/organizations.ts';
import { AppError } from '#shared/errors.ts';
import { memberSchema } from '#shared/seed/schema.ts';

import { type Command, opt, organizationRow, readJson, str, tenant, UsageError } from './common.ts';

export const organizationsCommands: Command[] = [
  {
    group: 'organizations',
    action: 'create',
    summary: 'Create an organization (optionally under --parent, an id or ~label)',
    options: {
      ...tenant,
      label: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
      parent: { type: 'string' },
    },
    required: ['tenant', 'label'],
    async run(v, out) {
      const tenantId = await existingTenant(str(v, 'tenant'));
      const parent = opt(v, 'parent');
      const organization = await createOrganization(
        tenantId,
        { label: str(v, 'label'), name: opt(v, 'name'), description: opt(v, 'description') },
        { parent: parent ? parseOrganizationKey(parent) : undefined },
      );
      out.result(organizationRow(organization), ['id', 'intId', 'label', 'name', 'parent']);
    },
  },
  {
    group: 'organizations',
    action: 'show',
    summary: 'Show an organization (id or ~label) with its member data',
    options: { ...tenant, key: { type: 'string' } },
    required: ['tenant', 'key'],
    async run(v, out) {
      const {
        appliedOps: _ops,
        version: _version,
        ...organization
      } = await getOrganization(await existingTenant(str(v, 'tenant')), parseOrganizationKey(str(v, 'key')));
      out.result(organization);
    },
  },
  {
    group: 'organizations',
    action: 'move',
    summary: 'Move an organization under --parent, or to the root with --root',
    options: { ...tenant, key: { type: 'string' }, parent: { type: 'string' }, root: { type: 'boolean', default: false } },
    required: ['tenant', 'key'],
    async run(v, out) {
      const parent = opt(v, 'parent');
      if ((parent === undefined) === (v.root !== true)) throw new UsageError('Give exactly one of --parent KEY and --root');
      const tenantId = await existingTenant(str(v, 'tenant'));
      const moved = await moveOrganization(tenantId, parseOrganizationKey(str(v, 'key')), parent ? parseOrganizationKey(parent) : null);
      out.result(organizationRow(moved), ['id', 'intId', 'label', 'name', 'parent']);
    },
  },
  {
    group: 'organizations',
    action: 'member',
    summary: "Replace an organization's Apidae member data from a JSON file (docs/seed-file.md, `member`)",
    options: { ...tenant, key: { type: 'string' }, file: { type: 'string' } },
    required: ['tenant', 'key', 'file'],
    async run(v, out) {
      const parsed = memberSchema.safeParse(await readJson(str(v, 'file')));
      if (!parsed.success) {
        throw new AppError(
          'validation',
          `Invalid member data:\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`,
        );
      }
      const { sponsor, ...member } = parsed.data;
      const tenantId = await existingTenant(str(v, 'tenant'));
      const updated = await setMemberData(tenantId, parseOrganizationKey(str(v, 'key')), { ...member, sponsorIntId: sponsor });
      out.result(
        `Member data of ${updated.label} replaced (${updated.member.users.length} user(s), ${updated.member.projects.length} project(s)).`,
      );
    },
  },
];
