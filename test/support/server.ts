/** The local API Gateway over the route table, on an ephemeral port, for end-to-end tests over HTTP. */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';

import { repoRoot } from '#functions/routes.ts';
import { freePort } from '#infra/local/dynamodb.ts';
import { createLocalGateway, startBulkTaskRunner } from '#infra/local/runtime.ts';
import type { LocalStepFunctions } from '#infra/local/step-functions.ts';
import { config } from '#shared/config.ts';

export interface TestServer {
  url: string;
  stepFunctions: LocalStepFunctions;
  close(): Promise<void>;
}

export async function startTestServer(options: { invocationMs?: number } = {}): Promise<TestServer> {
  const stepFunctions = await startBulkTaskRunner();
  const server: Server = createLocalGateway(options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stepFunctions,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await stepFunctions.stop();
    },
  };
}

/** A table of this test file's own, the demo and fixture seeds, and the server on it. */
export async function startSeededServer(options: { invocationMs?: number } = {}): Promise<TestServer> {
  const { createTable, seedTestData } = await import('./table.ts');
  await createTable();
  await seedTestData();
  return startTestServer(options);
}

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

// Tests read dialect bodies loosely; each assertion states the exact shape it expects.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function call<T = any>(url: string, init: RequestInit = {}): Promise<Reply<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // plain-text dialect answers stay text
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}

/** A Responsys session token from a password login (the demo user unless told otherwise). */
export async function responsysLogin(url: string, userName = 'demo-user', password = 'demo-password-1'): Promise<string> {
  const login = await call(`${url}/rest/api/v1.3/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_name: userName, password, auth_type: 'password' }).toString(),
  });
  if (login.status !== 200) throw new Error(`Responsys login of ${userName} failed: ${login.status} ${login.text}`);
  return login.body.authToken as string;
}

export interface LocalRuntimeProcess {
  child: ChildProcess;
  port: number;
  /** What the process wrote so far, stdout and stderr apart. */
  stdout(): string;
  stderr(): string;
}

/**
 * `npm start` as a separate process on this test file's DynamoDB Local table (`args` replace `--table`; `port` keeps
 * one address across restarts); resolves once it serves. `detached` starts it in a process group of its own
 * (so a test can kill the whole group).
 */
export async function spawnLocalRuntime(
  options: { port?: number; args?: string[]; logLevel?: string; detached?: boolean } = {},
): Promise<LocalRuntimeProcess> {
  const port = options.port ?? (await freePort());
  const args = [
    '--port',
    String(port),
    '--dynamodb-endpoint',
    config.dynamodbEndpoint!,
    ...(options.args ?? ['--table', config.tableName]),
  ];
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: options.logLevel ?? 'SILENT' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Ctrl-C to stop')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`local runtime exited (${code}): ${stdout}${stderr}`)));
  });
  return { child, port, stdout: () => stdout, stderr: () => stderr };
}

/**
 * A second, separate local API process (another "instance") on the same DynamoDB table: what
 * instances share goes through DynamoDB only.
 */
export async function startSecondInstance(): Promise<{ url: string; stop(): Promise<void> }> {
  const { child, port } = await spawnLocalRuntime();
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}
