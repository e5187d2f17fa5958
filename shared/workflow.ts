/**
 * Starts bulk-task executions on Step Functions (AWS, or the local runner at config.stepFunctionsEndpoint).
 *
 * One operation is used, StartExecution: one POST of the AWS JSON 1.0 protocol (`X-Amz-Target:
 * AWSStepFunctions.StartExecution`), signed with Signature V4. It is sent here with the SDK pieces every
 * function already carries for DynamoDB (the SigV4 signer, the Node HTTP handler, the partition table, the
 * default credential provider) rather than with `@aws-sdk/client-sfn`, whose schemas, error classes and endpoint
 * rules for its 37 operations were 21.6 KB of each bundle that starts executions, the ~8% that put them over
 * the 230 KB goal (BENCHMARKS.md). The credentials are the SDK's default provider chain, as any client's: the
 * full chain locally, the environment in Lambda (the bundles' alias, infra/bundling.ts). Failures are retried
 * as the SDK's standard mode retries them (throttling, 5xx, network errors; 3 attempts, jittered backoff), and
 * a refusal is thrown as an error named like the SDK's (`ExecutionAlreadyExists`, …).
 * test/integration/workflow.test.ts checks the request (target, body, a valid signature) against an HTTP server;
 * test/infra/lambda-bundle.test.ts starts a real execution from a built bundle with environment credentials.
 */
import { partition } from '@aws-sdk/core/client';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

import { config, localCredentials } from './config.ts';

/** What Step Functions answered when it refused a call: `name` is its error code, as with the SDK. */
export class StepFunctionsError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly $metadata: { httpStatusCode: number | undefined },
    readonly $retryable: boolean,
  ) {
    super(message);
  }
}

export interface StepFunctionsOptions {
  region: string;
  /** The service's regional endpoint unless given (`https://states.<region>.<partition's DNS suffix>`). */
  endpoint?: string | undefined;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  maxAttempts?: number;
}

export interface StartExecutionInput {
  stateMachineArn: string;
  name: string;
  input: string;
}

/** The regional endpoint, as the SDK's endpoint rules give it for a region without FIPS or dual stack. */
export const stepFunctionsEndpoint = (region: string) => `https://states.${region}.${partition(region).dnsSuffix}`;

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'TimeoutError', 'RequestTimeout']);

/** Credentials from a provider, kept until five minutes before they expire (static ones forever). */
function memoize(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    const held = current && (await current.catch(() => undefined));
    if (held && !(held.expiration && held.expiration.getTime() - Date.now() < 300_000)) return held;
    current = provider();
    return current;
  };
}

async function readBody(body: unknown): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export function createStepFunctions(options: StepFunctionsOptions) {
  const url = new URL(options.endpoint ?? stepFunctionsEndpoint(options.region));
  const credentials = options.credentials ?? defaultProvider();
  const signer = new SignatureV4({
    service: 'states',
    region: options.region,
    sha256: Sha256,
    credentials: typeof credentials === 'function' ? memoize(credentials) : credentials,
  });
  const http = new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 10_000 });
  const maxAttempts = options.maxAttempts ?? 3;

  async function call(operation: string, input: unknown): Promise<unknown> {
    const body = JSON.stringify(input);
    const request = new HttpRequest({
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      method: 'POST',
      path: url.pathname,
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.0',
        'content-length': String(Buffer.byteLength(body)),
        'x-amz-target': `AWSStepFunctions.${operation}`,
      },
      body,
    });
    const { response } = await http.handle((await signer.sign(request)) as HttpRequest);
    const text = await readBody(response.body);
    if (response.statusCode >= 200 && response.statusCode < 300) return text ? JSON.parse(text) : {};
    let reply: { __type?: string; message?: string; Message?: string } = {};
    try {
      reply = JSON.parse(text) as typeof reply;
    } catch {
      // Not JSON (a proxy's page): the status alone names the error.
    }
    const code =
      (reply.__type ?? String(response.headers['x-amzn-errortype'] ?? '')).split(':')[0]!.split('#').pop() || `Http${response.statusCode}`;
    throw new StepFunctionsError(
      code,
      reply.message ?? reply.Message ?? text.slice(0, 200),
      { httpStatusCode: response.statusCode },
      THROTTLING.has(code) || TRANSIENT_STATUS.has(response.statusCode),
    );
  }

  const retryable = (error: unknown) =>
    error instanceof StepFunctionsError
      ? error.$retryable
      : TRANSIENT_NETWORK.has((error as { code?: string }).code ?? '') || TRANSIENT_NETWORK.has((error as Error).name);

  async function callWithRetries(operation: string, input: unknown): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call(operation, input);
      } catch (error) {
        if (attempt >= maxAttempts || !retryable(error)) throw error;
        // Full jitter, as the SDK's standard retry strategy: up to 100 ms × 2^attempt.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
      }
    }
  }

  return {
    startExecution: (input: StartExecutionInput) =>
      callWithRetries('StartExecution', input) as Promise<{ executionArn: string; startDate: number }>,
    destroy: () => http.destroy(),
  };
}

let client: ReturnType<typeof createStepFunctions> | undefined;

async function startExecution(tenantId: string, taskId: string, name: string): Promise<void> {
  const endpoint = config.stepFunctionsEndpoint;
  client ??= createStepFunctions({ region: config.region, endpoint, ...localCredentials(endpoint) });
  await client.startExecution({ stateMachineArn: config.stateMachineArn, name, input: JSON.stringify({ tenantId, taskId }) });
}

/** The task id names the execution: starting the same task twice is refused by Step Functions. */
export const startTaskExecution = (tenantId: string, taskId: string) => startExecution(tenantId, taskId, taskId);

/**
 * Resumes a task: a new execution of the same state machine, whose first state lists only the chunks
 * not yet DONE. A new execution rather than RedriveExecution, because the local runner has no redrive
 * and an execution that timed out or died with the local runtime cannot be redriven anyway. One name
 * per attempt: the task's record admits each attempt once (TaskStore.reopen).
 */
export const resumeTaskExecution = (tenantId: string, taskId: string, attempt: number) =>
  startExecution(tenantId, taskId, `${taskId}-resume-${attempt}`);
