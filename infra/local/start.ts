/**
 * `npm start [-- --in-memory] [--seed FILE] [--port N] [--host ADDR]`: the API on http://127.0.0.1:3000
 * with DynamoDB Local behind it. Every socket binds loopback unless `--host` opts the API (only the
 * API) in to another address. Ctrl-C stops everything, DynamoDB Local's java process included.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { repoRoot } from '#functions/routes.ts';
import { progressPrinter } from '#shared/seed/progress.ts';

import { banner } from './banner.ts';
import { LocalRuntimeError } from './dynamodb.ts';
import { startLocalRuntime } from './runtime.ts';

const { values } = parseArgs({
  options: {
    'in-memory': { type: 'boolean', default: false },
    seed: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'dynamodb-endpoint': { type: 'string' },
    table: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm start -- [--in-memory] [--seed FILE] [--port N] [--host ADDR]

  --in-memory   throwaway DynamoDB Local (default: data kept in .data/dynamodb)
  --seed FILE   load this seed file instead of the demo seed (seeds/demo.json)
  --port N      port of the local API (default: $PORT or 3000)
  --host ADDR   address the local API listens on (default 127.0.0.1; 0.0.0.0 for every interface).
                DynamoDB Local and the Step Functions endpoint stay on 127.0.0.1 whatever it says.
  --dynamodb-endpoint URL --table NAME
                use a running DynamoDB (another instance's DynamoDB Local, say) instead of starting one`);
  process.exit(0);
}

const loopback = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(values.host);
if (!loopback) {
  console.error(`orgbridge: warning: --host ${values.host} serves the local API beyond this machine, with the seed's credentials
printed below (anyone who can reach it can read and change the data). DynamoDB Local stays on 127.0.0.1.`);
}

// A seed given on the command line shows its progress on stderr (count, rate, ETA).
const seedProgress = values.seed ? progressPrinter(process.stderr) : undefined;

try {
  const runtime = await startLocalRuntime({
    host: values.host,
    port: Number(values.port ?? process.env.PORT ?? 3000),
    dataDir: values['in-memory'] ? undefined : resolve(repoRoot, '.data/dynamodb'),
    seedFile: values.seed ? resolve(process.cwd(), values.seed) : undefined,
    onSeedProgress: seedProgress,
    dynamodbEndpoint: values['dynamodb-endpoint'],
    tableName: values.table,
  });
  seedProgress?.done();
  console.log(
    banner({
      url: runtime.baseUrl,
      dynamodbEndpoint: runtime.dynamodbEndpoint,
      tableName: runtime.tableName,
      seed: runtime.seedCredentials && { name: values.seed ?? 'the demo seed (seeds/demo.json)', credentials: runtime.seedCredentials },
    }),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  if (error instanceof LocalRuntimeError || (error as Error).name === 'SeedFileError') {
    console.error(`orgbridge: ${(error as Error).message}`);
    process.exit(1);
  }
  throw error;
}
