/** The local API Gateway over the route table, on an ephemeral port, for end-to-end tests over HTTP. */
import type { Server } from 'node:http';

import { createLocalGateway, startBulkTaskRunner } from '#infra/local/runtime.ts';
import type { LocalStepFunctions } from '#infra/local/step-functions.ts';
import { config } from '#shared/config.ts';

export interface TestServer {
  url: string;
  stepFunctions: LocalStepFunctions;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const stepFunctions = await startBulkTaskRunner();
  const server: Server = createLocalGateway();
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
export async function startSeededServer(): Promise<TestServer> {
  const { createTable, seedTestData } = await import('./table.ts');
  await createTable();
  await seedTestData();
  return startTestServer();
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

/**
 * A second, separate local API process (another "instance") on the same DynamoDB table: what
 * instances share goes through DynamoDB only.
 */
export async function startSecondInstance(): Promise<{ url: string; stop(): Promise<void> }> {
  const { spawn } = await import('node:child_process');
  const { freePort } = await import('#infra/local/dynamodb.ts');
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'infra/local/start.ts',
      '--port',
      String(port),
      '--dynamodb-endpoint',
      config.dynamodbEndpoint!,
      '--table',
      config.tableName,
    ],
    { cwd: new URL('../..', import.meta.url).pathname, env: { ...process.env, LOG_LEVEL: 'SILENT' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C to stop')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`second instance exited (${code}): ${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}
