/**
 * `npm run admin -- <group> <action> [options]`: operates a directory table, local or deployed.
 * Exit codes: 0 done, 1 refused or failed (the message says why), 2 usage error.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { config, configure } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';

const GLOBAL_HELP = `Target (one of):
  --endpoint URL   a DynamoDB endpoint, e.g. the DynamoDB Local that \`npm start\` prints
  --local          start DynamoDB Local on .data/dynamodb (the data \`npm start\` keeps; stop npm start first)
  (neither)        AWS, with the usual credential chain (AWS_PROFILE, AWS_REGION, ...)
  --table NAME     the table (default: orgbridge; for AWS, the stack's TableName output)

Output:
  --json           machine-readable results
  -h, --help       help (also after a command)`;

const globalOptions = {
  table: { type: 'string' },
  endpoint: { type: 'string' },
  local: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const argv = process.argv.slice(2);
// `<group> <action>` come first; everything after them is options.
const leading = argv.slice(0, 2).filter((arg) => !arg.startsWith('-'));
const [group, action] = leading;
const rest = argv.slice(leading.length);
const early = parseArgs({ args: rest, options: globalOptions, strict: false, allowPositionals: true }).values;

// The target table: the data layer's clients are made on first use, from this configuration.
configure({ tableName: (early.table as string | undefined) ?? 'orgbridge' });
if (!process.env.LOG_LEVEL) logger.setLogLevel('ERROR');
let stopLocal: (() => Promise<void>) | undefined;
if (typeof early.endpoint === 'string') {
  configure({ dynamodbEndpoint: early.endpoint });
} else if (early.local === true && !early.help) {
  const { ensureTable, localClient, startDynamoDbLocal } = await import('#infra/local/dynamodb.ts');
  const dynamo = await startDynamoDbLocal({ dataDir: resolve(import.meta.dirname, '../../.data/dynamodb') });
  stopLocal = dynamo.stop;
  configure({ dynamodbEndpoint: dynamo.endpoint });
  const client = localClient(dynamo.endpoint);
  await ensureTable(client, config.tableName);
  client.destroy();
}

await import('#shared/wiring.ts');
const { commands, UsageError } = await import('./commands/index.ts');
const { AppError } = await import('#shared/errors.ts');
const { SeedFileError } = await import('#shared/seed/schema.ts');

function usage(): string {
  const width = Math.max(...commands.map((c) => `${c.group} ${c.action}`.length));
  return `Usage: npm run admin -- <group> <action> [options]\n\nCommands:\n${commands
    .map((c) => `  ${`${c.group} ${c.action}`.padEnd(width)}  ${c.summary}`)
    .join('\n')}\n\n${GLOBAL_HELP}`;
}

function commandUsage(command: (typeof commands)[number]): string {
  const options = Object.entries(command.options)
    .map(
      ([name, spec]) =>
        `  --${name}${spec.type === 'string' ? ' VALUE' : ''}${command.required?.includes(name) ? '  (required)' : spec.default !== undefined ? `  (default: ${String(spec.default)})` : ''}`,
    )
    .join('\n');
  const positional = command.positional ? ` [${command.positional.toUpperCase()}]` : '';
  return `Usage: npm run admin -- ${command.group} ${command.action}${positional} [options]\n\n${command.summary}.\n\nOptions:\n${options || '  (none)'}\n\n${GLOBAL_HELP}`;
}

const command = commands.find((c) => c.group === group && c.action === action);
if (!command || early.help) {
  await stopLocal?.();
  if (command) console.log(commandUsage(command));
  else if (early.help || !group) console.log(usage());
  else console.error(`admin: unknown command "${[group, action].filter(Boolean).join(' ')}"\n\n${usage()}`);
  process.exit(command || early.help || !group ? 0 : 2);
}

function printTable(rows: Record<string, unknown>[], columns: string[]) {
  if (rows.length === 0) return console.log('(none)');
  const cell = (value: unknown) =>
    value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  console.log(columns.map((column, i) => column.padEnd(widths[i]!)).join('  '));
  for (const row of rows)
    console.log(
      columns
        .map((column, i) => cell(row[column]).padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}

const { SingleBar, Presets } = (await import('cli-progress')).default;
let bar: InstanceType<typeof SingleBar> | undefined;
const out = {
  result(value: unknown, columns?: string[]) {
    bar?.stop();
    if (early.json) return console.log(JSON.stringify(value, null, 2));
    if (typeof value === 'string') return console.log(value);
    if (columns) return printTable((Array.isArray(value) ? value : [value]) as Record<string, unknown>[], columns);
    console.log(JSON.stringify(value, null, 2));
  },
  progress(done: number, total: number, label: string) {
    if (!bar) {
      // On a terminal a live bar; in a pipe or CI log, a line every 2 seconds.
      bar = new SingleBar(
        {
          format: `${label} [{bar}] {percentage}% {value}/{total} eta {eta_formatted}`,
          noTTYOutput: true,
          notTTYSchedule: 2000,
          stream: process.stderr,
        },
        Presets.shades_classic,
      );
      bar.start(total, 0);
    }
    bar.update(done);
    if (done === total) {
      bar.stop();
      bar = undefined;
    }
  },
};

try {
  const parsed = parseArgs({
    args: rest,
    options: { ...globalOptions, ...command.options },
    strict: true,
    allowPositionals: command.positional !== undefined,
  });
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (parsed.positionals.length > 1) throw new UsageError(`unexpected arguments: ${parsed.positionals.slice(1).join(' ')}`);
  if (command.positional && parsed.positionals[0] !== undefined) {
    if (values[command.positional] !== undefined)
      throw new UsageError(`give ${command.positional.toUpperCase()} or --${command.positional}, not both`);
    values[command.positional] = parsed.positionals[0];
  }
  const missing = (command.required ?? []).filter((name) => values[name] === undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
  await command.run(values, out);
  process.exitCode = 0;
} catch (error) {
  bar?.stop();
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`admin ${command.group} ${command.action}: ${(error as Error).message}\n\n${commandUsage(command)}`);
    process.exitCode = 2;
  } else if (error instanceof AppError || error instanceof SeedFileError) {
    console.error(
      `admin ${command.group} ${command.action}: ${error.message}${error instanceof AppError && error.options.issues?.length ? `\n${error.options.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}` : ''}`,
    );
    process.exitCode = 1;
  } else {
    console.error(`admin ${command.group} ${command.action}: ${(error as Error).name}: ${(error as Error).message}`);
    process.exitCode = 1;
  }
} finally {
  await stopLocal?.();
}
