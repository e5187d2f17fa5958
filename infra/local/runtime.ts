/**
 * The whole stack on one machine: DynamoDB Local, the table from the shared definition, a seed, the
 * local API Gateway over the route table, and the local Step Functions runner. Used by `npm start`
 * and by the end-to-end tests.
 */
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { notFoundRoutes, repoRoot, routes, scheduledJobs } from '#functions/routes.ts';
import { configure } from '#shared/config.ts';
import type { SeedProgress } from '#shared/seed/load.ts';
import type { SeedCredentials } from '#shared/seed/stream.ts';

import { createGateway, type LambdaHandler, urlHost } from './api-gateway.ts';
import { docsSite } from './docs-site.ts';
import { ensureTable, localClient, LocalRuntimeError, type RunningDynamoDb, startDynamoDbLocal } from './dynamodb.ts';
import { type LocalStepFunctions, startLocalStepFunctions } from './step-functions.ts';

export const demoSeedPath = resolve(repoRoot, 'seeds/demo.json');

export interface LocalRuntimeOptions {
  port?: number;
  /** Address of the local API only (default 127.0.0.1); DynamoDB Local and Step Functions stay on loopback. */
  host?: string;
  /** Persist DynamoDB Local's data here; omit for an in-memory throwaway run. */
  dataDir?: string;
  /** Seed file to load; defaults to the demo seed (loaded when the table is new). */
  seedFile?: string;
  /** Progress of the seed import (organizations done, total). */
  onSeedProgress?: (progress: SeedProgress) => void;
  /** An already running DynamoDB endpoint (tests share one); otherwise DynamoDB Local is started. */
  dynamodbEndpoint?: string;
  tableName?: string;
}

export interface LocalRuntime {
  baseUrl: string;
  dynamodbEndpoint: string;
  tableName: string;
  seeded: boolean;
  /** The credentials of the seed this run loaded (the demo seed into a new table, or `seedFile`). */
  seedCredentials?: SeedCredentials[];
  stop(): Promise<void>;
}

export const loadHandler = async (route: { handler: string }): Promise<LambdaHandler> =>
  (await import(pathToFileURL(resolve(repoRoot, route.handler)).href)).handler as LambdaHandler;

/** Worker modules are Lambda handlers too: called with the state input and a minimal context. */
export const loadWorker = async (worker: { handler: string; name: string }) => {
  const handler = (await loadHandler(worker)) as unknown as (input: unknown, context: object) => Promise<unknown>;
  return (input: unknown) => handler(input, { functionName: worker.name, awsRequestId: crypto.randomUUID() });
};

/** The local API Gateway over the route table (and the dialects' not-found routes), with the documentation pages beside it. */
export const createLocalGateway = (options: { invocationMs?: number } = {}) =>
  createGateway({ routes: [...routes, ...notFoundRoutes], loadHandler, extra: docsSite(), ...options });

/** The local Step Functions endpoint, configured as the one the bulk handlers start executions on. */
export async function startBulkTaskRunner(avoidPort?: number): Promise<LocalStepFunctions> {
  const stepFunctions = await startLocalStepFunctions(loadWorker, { avoidPort });
  configure({ stepFunctionsEndpoint: stepFunctions.endpoint, stateMachineArn: stepFunctions.stateMachineArn });
  return stepFunctions;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new LocalRuntimeError(`Port ${port} is already in use: stop the other process or set PORT to a free port.`)
          : error,
      ),
    );
    server.listen(port, host, () => resolveListen((server.address() as { port: number }).port));
  });
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const tableName = options.tableName ?? 'orgbridge';
  let dynamo: RunningDynamoDb | undefined;
  const endpoint =
    options.dynamodbEndpoint ?? (dynamo = await startDynamoDbLocal({ dataDir: options.dataDir, avoidPort: options.port })).endpoint;
  try {
    // The handlers run in this process: what Lambda gives them in its environment, they get from here.
    configure({ dynamodbEndpoint: endpoint, tableName });

    const client = localClient(endpoint);
    const { TableNames = [] } = await client.send(new (await import('@aws-sdk/client-dynamodb')).ListTablesCommand({}));
    const isNew = !TableNames.includes(tableName);
    await ensureTable(client, tableName);
    client.destroy();

    await import('#shared/wiring.ts');
    if (!isNew) {
      // A .data/ folder written before the current layout: moved now (one query per tenant when there is nothing to move).
      const moved = await (await import('#shared/domain/organization-writes.ts')).migrateDataModel();
      if (moved.organizations > 0) console.log(`Moved ${moved.organizations} organization(s) to the current storage layout.`);
    }
    let seedCredentials: SeedCredentials[] | undefined;
    if (isNew || options.seedFile) {
      const { importSeedFile } = await import('#shared/seed/stream.ts');
      // Either form of seed file; a JSON Lines file is streamed (bounded memory whatever its size).
      ({ credentials: seedCredentials } = await importSeedFile(options.seedFile ?? demoSeedPath, { onProgress: options.onSeedProgress }));
    }

    const stepFunctions = await startBulkTaskRunner(options.port);
    // Local executions live in this process's memory: tasks a stopped or killed runtime left open resume now.
    await (await import('#functions/tasks/reconcile-tasks.ts')).resumeInterruptedTasks();
    const timers = scheduledJobs.map((job) =>
      setInterval(() => {
        void loadHandler(job)
          .then((run) => (run as unknown as () => Promise<unknown>)())
          .catch((error) => console.error(`${job.name}: ${(error as Error).message}`));
      }, job.everyMs).unref(),
    );
    const server = createLocalGateway();
    const host = options.host ?? '127.0.0.1';
    const port = await listen(server, options.port ?? 3000, host);
    return {
      baseUrl: `http://${urlHost(host, port)}`,
      dynamodbEndpoint: endpoint,
      tableName,
      seeded: seedCredentials !== undefined,
      seedCredentials,
      stop: async () => {
        timers.forEach(clearInterval);
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        await stepFunctions.stop();
        await dynamo?.stop();
      },
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
}
