/**
 * `npm start [-- --in-memory] [--seed FILE] [--port N] [--host ADDR]`: the API on http://127.0.0.1:3000
 * with DynamoDB Local behind it. Every socket binds loopback unless `--host` opts the API (only the
 * API) in to another address. Ctrl-C stops everything, DynamoDB Local's java process included.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { repoRoot } from '#functions/routes.ts';

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
  console.error(`orgbridge: warning: --host ${values.host} serves the local API beyond this machine, with the demo credentials
printed below (anyone who can reach it can read and change the data). DynamoDB Local stays on 127.0.0.1.`);
}

try {
  const runtime = await startLocalRuntime({
    host: values.host,
    port: Number(values.port ?? process.env.PORT ?? 3000),
    dataDir: values['in-memory'] ? undefined : resolve(repoRoot, '.data/dynamodb'),
    seedFile: values.seed ? resolve(process.cwd(), values.seed) : undefined,
    dynamodbEndpoint: values['dynamodb-endpoint'],
    tableName: values.table,
  });
  const url = runtime.baseUrl;
  console.log(`Orgbridge is running on ${url} (DynamoDB Local at ${runtime.dynamodbEndpoint}, table ${runtime.tableName})
${runtime.seeded ? `Loaded ${values.seed ?? 'the demo seed (seeds/demo.json)'}.` : 'Using the data kept in .data/dynamodb.'}

  Engagement  ${url}/v0                 x-api-key: demo-engagement-key-0001
  Netux       ${url}/api/v2.0           X-Auth-Token: oaXBo6ODhIjPsusNRPUGIK4d72bc73
  Apidae      ${url}/api/v002           projetId 1234, apiKey demoApidaeKey1 (limited: 5678 / demoApidaeLimited)
  Responsys   ${url}/rest/api/v1.3      user_name demo-user, password demo-password-1

  Docs        ${url}/docs               OpenAPI: ${url}/openapi/<engagement|netux|apidae|responsys>.json

  curl -H 'X-Auth-Token: oaXBo6ODhIjPsusNRPUGIK4d72bc73' ${url}/api/v2.0/organizations/

Ctrl-C to stop.`);

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
