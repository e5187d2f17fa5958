/**
 * `npm run seed -- --file FILE --table NAME [--endpoint URL]`: loads a seed file into a table,
 * deployed (normal AWS credential chain and region) or local (--endpoint). Idempotent.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    table: { type: 'string' },
    endpoint: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help || !values.file || !values.table) {
  console.log(`Usage: npm run seed -- --file FILE --table NAME [--endpoint URL]

  --file FILE     seed file (docs/seed-file.md)
  --table NAME    target table (the stack's TableName output)
  --endpoint URL  a DynamoDB endpoint such as DynamoDB Local; default: AWS, with the usual
                  credential chain (AWS_PROFILE, AWS_REGION, ...)`);
  process.exit(values.help ? 0 : 2);
}

process.env.TABLE_NAME = values.table;
if (values.endpoint) process.env.DYNAMODB_ENDPOINT = values.endpoint;

const { parseSeedFile } = await import('../../shared/seed/schema.ts');
const { loadSeed } = await import('../../shared/seed/load.ts');

try {
  const seed = parseSeedFile(JSON.parse(await readFile(values.file, 'utf8')));
  let last = 0;
  await loadSeed(seed, {
    onProgress: ({ tenantId, organizationsDone, organizationsTotal }) => {
      const percent = Math.floor((organizationsDone / organizationsTotal) * 100);
      if (percent !== last || organizationsDone === organizationsTotal) {
        last = percent;
        process.stderr.write(`\r${tenantId}: ${organizationsDone}/${organizationsTotal} organizations (${percent}%)`);
      }
    },
  });
  process.stderr.write('\n');
  console.log(`Loaded ${seed.tenants.length} tenant(s) into ${values.table}.`);
} catch (error) {
  console.error(`seed: ${(error as Error).message}`);
  process.exit(1);
}
