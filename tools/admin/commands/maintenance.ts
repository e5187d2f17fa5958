/** `migrate listings`, `migrate data-model` and `import seed`. */
import { migrateListings } from '#shared/domain/credential-admin.ts';
import { migrateAccessLists } from '#shared/domain/directory-admin.ts';
import { DEFAULT_BATCH_SIZE } from '#shared/seed/load.ts';
import { DEFAULT_MAX_DEFERRED } from '#shared/seed/stream.ts';

import { type Command, str, UsageError } from './common.ts';

export const maintenanceCommands: Command[] = [
  {
    group: 'migrate',
    action: 'listings',
    summary:
      'Add the listings and index items that data written by earlier versions lacks: tenant and credential listings, program and campaign listing entries, member user and filter index items (and the shards of index values many organizations share), the sort keys of search postings, the gram vocabulary of one- and two-character searches, the entries an interrupted import left unconfirmed (table scans; idempotent; safe while the API serves)',
    options: {},
    async run(_v, out) {
      out.result(`Added listing keys to ${await migrateListings()} item(s).`);
      out.result(`Rewrote ${await migrateAccessLists()} program(s) and campaign(s) with their documented fields and listing entries.`);
      const { migrateGramVocabulary, migrateIndexEntries, migrateSearchPostings, settleImportedEntries } =
        await import('#shared/domain/organization-writes.ts');
      const indexed = await migrateIndexEntries();
      out.result(
        `Wrote ${indexed.items} index item(s) (member users by id and e-mail, non-scalar properties, no description, ` +
          `values many organizations share in their shards); the filters of ${indexed.tenants} tenant(s) now read them; ` +
          `removed ${indexed.removed} entry(ies) of the earlier layout.`,
      );
      out.result(`Rewrote ${await migrateSearchPostings()} search posting(s) with the sort keys they carry.`);
      const vocabulary = await migrateGramVocabulary();
      out.result(
        `Named ${vocabulary.grams} gram(s) in the search vocabulary and posted ${vocabulary.postings} short text(s); ` +
          `short searches of ${vocabulary.tenants} tenant(s) now read it.`,
      );
      out.result(`Settled ${await settleImportedEntries()} listing and index entry(ies) an interrupted import left.`);
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
    summary:
      'Load a seed file (docs/seed-file.md), a JSON document or JSON Lines (streamed, any size): tenants, credentials, organizations, ... Idempotent: re-run it after an interruption',
    options: {
      file: { type: 'string' },
      concurrency: { type: 'string', default: '16' },
      'batch-size': { type: 'string', default: String(DEFAULT_BATCH_SIZE) },
      'max-deferred': { type: 'string', default: String(DEFAULT_MAX_DEFERRED) },
      check: { type: 'boolean', default: false },
    },
    required: ['file'],
    positional: 'file',
    async run(v, out) {
      const number = (name: string) => {
        const value = Number(str(v, name));
        if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} is a positive integer`);
        return value;
      };
      const { importSeedFile } = await import('#shared/seed/stream.ts');
      const { progressPrinter } = await import('#shared/seed/progress.ts');
      const printer = progressPrinter(process.stderr);
      const started = performance.now();
      const summary = await importSeedFile(str(v, 'file'), {
        concurrency: number('concurrency'),
        batchSize: number('batch-size'),
        maxDeferred: number('max-deferred'),
        checkOnly: v.check === true,
        onCheck: printer.checking,
        onProgress: printer,
      }).finally(printer.done);
      const seconds = (performance.now() - started) / 1000;
      if (v.check === true) {
        return out.result(
          v.json === true
            ? { ...summary, seconds }
            : `Valid ${summary.format} seed file: ${summary.tenants} tenant(s), ${summary.organizations} organization(s).`,
        );
      }
      out.result(
        v.json === true
          ? { ...summary, seconds }
          : `Loaded ${summary.tenants} tenant(s), ${summary.organizations} organization(s) (${summary.written} written, ${summary.unchanged} unchanged) in ${seconds.toFixed(1)} s.`,
      );
    },
  },
];
