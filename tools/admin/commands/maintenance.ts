/** `migrate listings`, `migrate data-model` and `import seed`. */
import { migrateListings } from '#shared/domain/credential-admin.ts';
import { migrateAccessLists } from '#shared/domain/directory-admin.ts';
import { migrateMemberIndex } from '#shared/domain/member-users.ts';
import { parseSeedFile } from '#shared/seed/schema.ts';

import { type Command, readJson, str } from './common.ts';

export const maintenanceCommands: Command[] = [
  {
    group: 'migrate',
    action: 'listings',
    summary:
      'Add the listings and index items that data written by earlier versions lacks: tenant and credential listings, program and campaign listing entries, member user index items (table scans; idempotent)',
    options: {},
    async run(_v, out) {
      out.result(`Added listing keys to ${await migrateListings()} item(s).`);
      out.result(`Rewrote ${await migrateAccessLists()} program(s) and campaign(s) with their documented fields and listing entries.`);
      out.result(`Wrote ${await migrateMemberIndex()} member index item(s) (users by id and e-mail).`);
    },
  },
  {
    group: 'migrate',
    action: 'data-model',
    summary: 'Move organizations stored in the layout before 2026-12 to the current one (idempotent; safe while the API serves)',
    options: {},
    async run(_v, out) {
      const { migrateDataModel } = await import('#shared/domain/organization-writes.ts');
      const done = await migrateDataModel(
        ({ organizations, total }) => total > 0 && out.progress(organizations, total, 'organizations migrated'),
      );
      out.result(`Migrated ${done.organizations} organization(s) of ${done.tenants} tenant(s); removed ${done.leftovers} legacy item(s).`);
    },
  },
  {
    group: 'import',
    action: 'seed',
    summary: 'Load a seed file (docs/seed-file.md): tenants, credentials, organizations, ... Idempotent',
    options: { file: { type: 'string' }, concurrency: { type: 'string', default: '4' } },
    required: ['file'],
    async run(v, out) {
      const seed = parseSeedFile(await readJson(str(v, 'file')));
      const { loadSeed } = await import('#shared/seed/load.ts');
      await loadSeed(seed, {
        concurrency: Number(str(v, 'concurrency')),
        onProgress: ({ tenantId, organizationsDone, organizationsTotal }) =>
          out.progress(organizationsDone, organizationsTotal, `${tenantId} organizations`),
      });
      out.result(
        `Loaded ${seed.tenants.length} tenant(s), ${seed.tenants.reduce((n, t) => n + t.organizations.length, 0)} organization(s).`,
      );
    },
  },
];
