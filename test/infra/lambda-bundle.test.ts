/**
 * The Lambda bundles themselves (not the TypeScript source the other tests run): CDK builds them exactly
 * as infra/bundling.ts says (the bytes the benchmark measures), they carry only what runs in Lambda, and
 * a built bundle, run in its own Node process with credentials only in environment variables, reads and
 * writes DynamoDB Local and starts a Step Functions execution, signing with those credentials (every request's
 * signature checked independently, test/support/sigv4.ts).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { notFoundRoutes, repoRoot, type Route, routes, scheduledJobs, workers } from '#functions/routes.ts';
import { esbuildOptions } from '#infra/bundling.ts';
import { OrgbridgeFunction } from '#infra/constructs/orgbridge-function.ts';
import { buildEvent } from '#infra/local/api-gateway.ts';
import { startBulkTaskRunner } from '#infra/local/runtime.ts';
import type { LocalStepFunctions } from '#infra/local/step-functions.ts';
import { config } from '#shared/config.ts';
import { checkSignature, type SignatureCheck } from '#test/support/sigv4.ts';
import { createTable, seedTestData } from '#test/support/table.ts';

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'orgbridge-bundles-'));
const route = (name: string) => routes.find((r) => r.name === name)!;
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Builds a function's bundle with the shared options, into its own folder. */
async function bundle(entry: { name: string; handler: string }): Promise<{ file: string; metafile: Metafile }> {
  const file = join(out, entry.name, 'index.mjs');
  const { metafile } = await build({ ...esbuildOptions(resolve(repoRoot, entry.handler), file), metafile: true });
  return { file, metafile: metafile! };
}

describe('what is measured is what is deployed', () => {
  it('CDK bundles a function to the very bytes of the shared esbuild options', async () => {
    const app = new App({ outdir: join(out, 'cdk.out') });
    const stack = new Stack(app, 'BundleOnly');
    const table = new TableV2(stack, 'Table', { partitionKey: { name: 'PK', type: AttributeType.STRING } });
    const target = route('NetuxPatchOrganization');
    new OrgbridgeFunction(stack, 'Fn', {
      handler: target.handler,
      table,
      tableActions: target.tableActions,
      logRetention: RetentionDays.ONE_DAY,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const assembly = app.synth();
    const assets = readdirSync(assembly.directory).filter((entry) => entry.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const deployed = readFileSync(join(assembly.directory, assets[0]!, 'index.mjs'));
    const measured = readFileSync((await bundle(target)).file);
    expect(deployed.length).toBe(measured.length);
    expect(deployed.equals(measured)).toBe(true);
  }, 120_000);
});

describe('what the bundles carry', () => {
  let inputs: { name: string; startsExecutions: boolean; files: string[]; bytes: Record<string, number> }[];
  beforeAll(async () => {
    const entries = [...routes, notFoundRoutes[0]!, ...workers, ...scheduledJobs];
    inputs = await Promise.all(
      entries.map(async (entry) => {
        const { metafile } = await bundle(entry);
        const output = Object.values(metafile.outputs).find((o) => o.entryPoint)!;
        const bytes = Object.fromEntries(Object.entries(output.inputs).map(([file, { bytesInOutput }]) => [file, bytesInOutput]));
        return { name: entry.name, startsExecutions: (entry as Route).startsExecutions === true, files: Object.keys(bytes), bytes };
      }),
    );
  }, 600_000);

  it('installs only the store methods each function calls (infra/lambda-wiring.ts), so shared/db carries no other', () => {
    const dbBytes = (bytes: Record<string, number>, module: string) =>
      Object.entries(bytes).find(([file]) => file.endsWith(`shared/db/${module}.ts`))?.[1] ?? 0;
    for (const { name, files, bytes } of inputs) {
      expect(
        files.filter((f) => f.endsWith('shared/wiring.ts')),
        name,
      ).toEqual([]);
      expect(
        files.some((f) => f.includes('.build/lambda-wiring/')),
        name,
      ).toBe(true);
      // Bulk tasks are stored and read by the bulk endpoints, the task endpoints and the workers only.
      const usesTasks = /^(NetuxBulk|NetuxGetTask|Task)/.test(name);
      expect(dbBytes(bytes, 'tasks') > 100, `${name}: shared/db/tasks.ts`).toBe(usesTasks);
      if (/^(Responsys(GetRateLimits|ListPrograms|GetProgram)$|NetuxBulk)/.test(name))
        expect(dbBytes(bytes, 'organizations'), `${name}: shared/db/organizations.ts`).toBe(0);
      if (name !== 'ResponsysLogin') expect(dbBytes(bytes, 'login-attempts'), `${name}: shared/db/login-attempts.ts`).toBe(0);
    }
  });

  it('starts executions without the Step Functions client, and only in the functions that start them', () => {
    for (const { name, startsExecutions, files } of inputs) {
      expect(
        files.filter((f) => f.includes('/@aws-sdk/client-sfn/')),
        name,
      ).toEqual([]);
      expect(
        files.some((f) => f.endsWith('shared/workflow.ts')),
        name,
      ).toBe(startsExecutions);
    }
    expect(inputs.filter((i) => i.startsExecutions).length).toBeGreaterThan(0);
  });

  it('has one copy of each package (a second version of an SDK package would carry it twice)', () => {
    for (const { name, files } of inputs) {
      expect(
        [...new Set(files.filter((f) => /node_modules\/.*node_modules\//.test(f)).map((f) => f.replace(/\/dist-.*$/, '')))],
        name,
      ).toEqual([]);
    }
  });

  it('has no credential chain, event-stream codec, endpoint discovery, pure-JS SHA-256, adaptive retries, config files, IMDS or Powertools: only their Lambda replacements', () => {
    const never = [
      '/@aws-sdk/credential-provider-node/',
      '/@aws-sdk/credential-provider-ini/',
      '/@aws-sdk/credential-provider-sso/',
      '/@aws-sdk/nested-clients/',
      '/@smithy/credential-provider-imds/',
      '/@smithy/core/dist-es/submodules/event-streams/',
      '/@smithy/core/dist-es/submodules/checksum/',
      '/@aws-sdk/middleware-endpoint-discovery/',
      '/mnemonist/',
      '/@aws-lambda-powertools/',
      '/@smithy/core/dist-es/submodules/retry/util-retry/AdaptiveRetryStrategy.js',
      '/@smithy/core/dist-es/submodules/retry/util-retry/DefaultRateLimiter.js',
      '/@smithy/core/dist-es/submodules/config/shared-ini-file-loader/',
      '/@smithy/core/dist-es/submodules/config/config-resolver/regionConfig/getInstanceMetadataRegion.js',
    ];
    for (const { name, files } of inputs) {
      expect(
        files.filter((f) => never.some((n) => f.includes(n))),
        name,
      ).toEqual([]);
      for (const replacement of ['credential-provider-env.ts', 'retry-standard.ts', 'config-env.ts'])
        expect(
          files.some((f) => f.endsWith(`infra/lambda/${replacement}`)),
          `${name}: ${replacement}`,
        ).toBe(true);
    }
  });
});

describe('a built bundle in its own process, with credentials only in the environment', () => {
  const credentials = {
    AWS_ACCESS_KEY_ID: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
    AWS_SECRET_ACCESS_KEY: randomBytes(20).toString('base64'),
    AWS_SESSION_TOKEN: randomBytes(24).toString('base64'),
  };
  const region = 'eu-west-3';
  const traceHeader = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=1`;
  /** What reached DynamoDB Local and the Step Functions runner, through the recording proxies. */
  const seen: {
    service: string;
    target: string;
    token: string | undefined;
    traceId: string | undefined;
    /** The SDK's attempt header (`attempt=1; max=5`). */
    attempt: string | undefined;
    signature: SignatureCheck;
    body: string;
  }[] = [];
  /** A request target the DynamoDB proxy answers once with a 500 of its own, as a transient DynamoDB error. */
  let failOnce: string | undefined;
  const proxies: Server[] = [];
  let stepFunctions: LocalStepFunctions;
  let dynamodbProxy: string;
  let stepFunctionsProxy: string;
  const bundles = new Map<string, string>();
  const emptyHome = join(out, 'home');

  /** A pass-through HTTP proxy that records every request: its target, token, body and whether its signature verifies. */
  async function recordingProxy(service: string, target: string): Promise<string> {
    const upstream = new URL(target);
    const proxy = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      seen.push({
        service,
        target: String(req.headers['x-amz-target']),
        token: req.headers['x-amz-security-token'] as string | undefined,
        traceId: req.headers['x-amzn-trace-id'] as string | undefined,
        attempt: req.headers['amz-sdk-request'] as string | undefined,
        signature: checkSignature({ method: req.method!, url: req.url!, headers: req.headers, body }, credentials.AWS_SECRET_ACCESS_KEY),
        body: body.toString('utf8'),
      });
      if (failOnce !== undefined && failOnce === req.headers['x-amz-target']) {
        failOnce = undefined;
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Injected by the test.' }));
        return;
      }
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (reply) => {
          res.writeHead(reply.statusCode!, reply.headers);
          reply.pipe(res);
        },
      );
      forward.end(body);
    });
    await new Promise<void>((listening) => proxy.listen(0, '127.0.0.1', listening));
    proxies.push(proxy);
    return `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  }

  /**
   * Invokes a bundle's handler in a fresh Node process whose environment is only this: no AWS profile, no
   * credential files (an empty HOME), no NODE_OPTIONS (the functions have none).
   */
  async function invoke(name: string, events: unknown[], env: Record<string, string>) {
    const script = `const { handler } = await import(${JSON.stringify(`file://${bundles.get(name)}`)});
      const results = [];
      for (const event of JSON.parse(process.argv[1])) results.push(await handler(event, { awsRequestId: event.requestContext.requestId, getRemainingTimeInMillis: () => 29000 }));
      process.stdout.write('\\n' + JSON.stringify(results));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(events)], {
      env: { PATH: process.env.PATH!, HOME: emptyHome, ...env },
    });
    const lines = stdout.trim().split('\n');
    return { results: JSON.parse(lines.pop()!) as { statusCode: number; body: string }[], logs: lines.filter(Boolean) };
  }

  const netuxEvent = (name: string, method: string, path: string, body?: unknown, pathParameters: Record<string, string> = {}) =>
    buildEvent(
      {
        method,
        url: `/api/v2.0${path}`,
        headers: [
          ['Host', 'api.example.com'],
          ['X-Auth-Token', 'oaXBo6ODhIjPsusNRPUGIK4d72bc73'],
          ['Content-Type', 'application/json'],
          ...(route(name).startsExecutions ? [['X-Bulk-Operation', 'True'] as [string, string]] : []),
        ],
        body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
        sourceIp: '127.0.0.1',
      },
      route(name),
      pathParameters,
      'v1',
    );

  beforeAll(async () => {
    mkdirSync(emptyHome);
    await createTable();
    await seedTestData();
    stepFunctions = await startBulkTaskRunner();
    dynamodbProxy = await recordingProxy('dynamodb', config.dynamodbEndpoint!);
    stepFunctionsProxy = await recordingProxy('states', stepFunctions.endpoint);
    for (const name of ['NetuxCreateOrganization', 'NetuxGetOrganization', 'NetuxBulkUpdate'])
      bundles.set(name, (await bundle(route(name))).file);
  }, 120_000);
  afterAll(async () => {
    for (const proxy of proxies) proxy.close();
    await stepFunctions?.stop();
  });

  it('writes, starts a bulk task and reads, every request signed with the environment credentials', async () => {
    const env = {
      ...credentials,
      AWS_REGION: region,
      TABLE_NAME: config.tableName,
      DYNAMODB_ENDPOINT: dynamodbProxy,
      SFN_ENDPOINT: stepFunctionsProxy,
      STATE_MACHINE_ARN: stepFunctions.stateMachineArn,
      LOG_LEVEL: 'SILENT',
      // As Lambda sets them: the SDK forwards the trace header (through its invoke store, infra/lambda/invoke-store.ts).
      AWS_LAMBDA_FUNCTION_NAME: 'orgbridge-bundle-test',
      _X_AMZN_TRACE_ID: traceHeader,
    };
    const label = `bundle-${randomBytes(4).toString('hex')}`;
    const created = await invoke(
      'NetuxCreateOrganization',
      [netuxEvent('NetuxCreateOrganization', 'POST', '/organizations/', { label })],
      env,
    );
    expect(created.results[0]!.statusCode).toBe(201);
    const { id } = JSON.parse(created.results[0]!.body) as { id: string };

    const bulk = await invoke(
      'NetuxBulkUpdate',
      [netuxEvent('NetuxBulkUpdate', 'PATCH', '/organizations/_/bulk/update/', [{ id, name: 'Renamed by a bundle' }])],
      env,
    );
    expect(bulk.results[0]!.statusCode).toBe(202);
    await stepFunctions.idle();

    // Its first read answered with a transient 500: the bundle's retry strategy (infra/lambda/retry-standard.ts) sends it again.
    const readsFrom = seen.length;
    failOnce = 'DynamoDB_20120810.GetItem';
    const read = await invoke(
      'NetuxGetOrganization',
      [netuxEvent('NetuxGetOrganization', 'GET', `/organizations/${id}/`, undefined, { key: id })],
      env,
    );
    expect(read.results[0]!.statusCode).toBe(200);
    expect(JSON.parse(read.results[0]!.body)).toMatchObject({ id, label, name: 'Renamed by a bundle' });
    const [failed, retried] = seen.slice(readsFrom).filter((s) => s.target === 'DynamoDB_20120810.GetItem');
    expect([failed?.attempt, retried?.attempt]).toEqual(['attempt=1; max=5', 'attempt=2; max=5']);
    expect(retried!.body).toBe(failed!.body);

    // Reads, writes and the execution start all went out signed with exactly the environment's credentials.
    const targets = seen.map((s) => s.target);
    expect(targets).toEqual(expect.arrayContaining(['DynamoDB_20120810.GetItem', 'DynamoDB_20120810.TransactWriteItems']));
    for (const request of seen) {
      expect(request.signature, `${request.target}: ${request.signature.problem}`).toMatchObject({
        valid: true,
        accessKeyId: credentials.AWS_ACCESS_KEY_ID,
        region,
        service: request.service,
      });
      expect(request.token).toBe(credentials.AWS_SESSION_TOKEN);
      if (request.service === 'dynamodb') expect(request.traceId, request.target).toBe(traceHeader);
    }
    // The one StartExecution of the bulk task (shared/workflow.ts, no Step Functions client): its machine, name and input.
    const starts = seen.filter((s) => s.target === 'AWSStepFunctions.StartExecution');
    expect(starts).toHaveLength(1);
    const { task } = JSON.parse(bulk.results[0]!.body) as { task: { id: string } };
    const start = JSON.parse(starts[0]!.body) as { stateMachineArn: string; name: string; input: string };
    expect(start).toMatchObject({ stateMachineArn: stepFunctions.stateMachineArn, name: task.id });
    expect(JSON.parse(start.input)).toEqual({ tenantId: expect.any(String), taskId: task.id });
  }, 60_000);

  it('refuses what its configuration does not carry (adaptive retries, config files) instead of running otherwise', async () => {
    const env = { ...credentials, AWS_REGION: region, TABLE_NAME: config.tableName, DYNAMODB_ENDPOINT: dynamodbProxy, LOG_LEVEL: 'ERROR' };
    const get = () => netuxEvent('NetuxGetOrganization', 'GET', '/organizations/x/', undefined, { key: 'x' });
    // A retry mode of `adaptive`: each DynamoDB call fails (a 500), none is sent.
    const sent = seen.length;
    const { results, logs } = await invoke('NetuxGetOrganization', [get()], { ...env, AWS_RETRY_MODE: 'adaptive' });
    expect(results[0]!.statusCode).toBe(500);
    expect(logs.map((line) => (JSON.parse(line) as { error?: { message: string } }).error?.message)).toContainEqual(
      expect.stringContaining('The adaptive retry mode (AWS_RETRY_MODE=adaptive) is not bundled into Orgbridge functions'),
    );
    expect(seen.length).toBe(sent);
    // A config file: the bundle does not load (the SDK reads its settings as its modules load), as a failed Lambda init.
    await expect(invoke('NetuxGetOrganization', [get()], { ...env, AWS_CONFIG_FILE: join(emptyHome, 'config') })).rejects.toThrow(
      'AWS_CONFIG_FILE is set, but Orgbridge functions read no config files',
    );
  }, 60_000);

  it('has no other credential source: without the variables the env provider itself refuses', async () => {
    // No endpoint either (the local runtime would sign with fake credentials): the request fails while
    // resolving credentials, before anything is sent, with the env provider's own error.
    const { results, logs } = await invoke(
      'NetuxGetOrganization',
      [netuxEvent('NetuxGetOrganization', 'GET', '/organizations/x/', undefined, { key: 'x' })],
      { AWS_REGION: region, TABLE_NAME: config.tableName, LOG_LEVEL: 'ERROR' },
    );
    expect(results[0]!.statusCode).toBe(500);
    const errors = logs.map((line) => JSON.parse(line) as { message: string; error?: { name: string; message: string; stack: string } });
    expect(errors).toContainEqual(
      expect.objectContaining({
        message: 'unhandled error',
        error: expect.objectContaining({ name: 'CredentialsProviderError', message: 'Unable to find environment variable credentials.' }),
      }),
    );
    // Without --enable-source-maps, the logger maps the stack through the bundle's map: source files and lines.
    const { stack } = errors.find((e) => e.error?.name === 'CredentialsProviderError')!.error!;
    expect(stack).not.toContain('index.mjs');
    expect(stack).toContain('at async before (shared/http/handler.ts:');
    expect(stack).toMatch(/shared\/domain\/authentication\.ts:\d+:\d+/);
    expect(stack).toMatch(/node_modules\/@aws-sdk\/credential-provider-env\/dist-es\/fromEnv\.js:\d+:\d+/);
  }, 60_000);
});
