/** `migrate listings` and `import seed`. */
import { migrateListings } from '#shared/domain/credential-admin.ts';
import { DEFAULT_BATCH_SIZE } from '#shared/seed/load.ts';
import { DEFAULT_MAX_DEFERRED } from '#shared/seed/stream.ts';

import { type Command, str, UsageError } from './common.ts';

export const maintenanceCommands: Command[] = [
  {
    group: 'migrate',
    action: 'listings',
    summary: 'Make tenants and credentials written before the admin listings listable (one table scan; idempotent)',
    options: {},
    async run(_v, out) {
      out.result(`Added listing keys to ${await migrateListings()} item(s).`);
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
