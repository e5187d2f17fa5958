/**
 * The Step Functions call the bulk endpoints and the reconciler make (shared/workflow.ts: StartExecution as one
 * signed AWS JSON 1.0 POST, without @aws-sdk/client-sfn), against an HTTP server that checks what AWS checks:
 * the target and content type, the body, and a Signature V4 recomputed independently (test/support/sigv4.ts)
 * from the request as it arrived. No mock of the SDK: the real signer, HTTP handler and credential chain run.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createStepFunctions, stepFunctionsEndpoint, StepFunctionsError } from '#shared/workflow.ts';
import { checkSignature, type SignedRequest } from '#test/support/sigv4.ts';

interface Received extends SignedRequest {
  json: Record<string, unknown>;
}

const credentials = {
  accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
  secretAccessKey: randomBytes(20).toString('base64'),
  sessionToken: randomBytes(16).toString('base64'),
};
const region = 'eu-west-3';
const stateMachineArn = `arn:aws:states:${region}:123456789012:stateMachine:orgbridge-bulk-tasks`;

let server: Server;
let endpoint: string;
const received: Received[] = [];
/** The answers the server gives, in order (then 200 with an execution ARN). */
let script: { status: number; body: unknown; headers?: Record<string, string> }[] = [];

async function read(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await read(req);
    received.push({ method: req.method!, url: req.url!, headers: req.headers, body, json: JSON.parse(body.toString('utf8') || '{}') });
    const next = script.shift() ?? {
      status: 200,
      body: { executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:x`, startDate: 1.7e9 },
    };
    res.writeHead(next.status, { 'content-type': 'application/x-amz-json-1.0', ...next.headers });
    res.end(typeof next.body === 'string' ? next.body : JSON.stringify(next.body));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

const client = (options: Partial<Parameters<typeof createStepFunctions>[0]> = {}) =>
  createStepFunctions({ region, endpoint, credentials, ...options });

describe('StartExecution without the Step Functions client', () => {
  it('checks signatures the way AWS does (the specification’s get-vanilla example)', () => {
    const vanilla = checkSignature(
      {
        method: 'GET',
        url: '/',
        headers: {
          host: 'example.amazonaws.com',
          'x-amz-date': '20150830T123600Z',
          authorization:
            'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, ' +
            'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
        },
        body: Buffer.alloc(0),
      },
      'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    );
    expect(vanilla).toMatchObject({ valid: true, accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1', service: 'service' });
  });

  it('sends one POST with the target, the JSON 1.0 content type, the input, and a valid signature of the states service', async () => {
    received.length = 0;
    const sfn = client();
    const input = JSON.stringify({ tenantId: 't-1', taskId: 'task-1' });
    const answer = await sfn.startExecution({ stateMachineArn, name: 'task-1', input });
    sfn.destroy();
    expect(answer.executionArn).toContain(':execution:');
    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/');
    expect(request.headers['x-amz-target']).toBe('AWSStepFunctions.StartExecution');
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request.json).toEqual({ stateMachineArn, name: 'task-1', input });
    expect(request.headers['x-amz-security-token']).toBe(credentials.sessionToken);
    const signature = checkSignature(request, credentials.secretAccessKey);
    expect(signature).toMatchObject({ valid: true, accessKeyId: credentials.accessKeyId, region, service: 'states' });
    // What the signature covers: the target, the content type and the body's hash with the host and date.
    expect(signature.signedHeaders).toEqual(expect.arrayContaining(['content-type', 'host', 'x-amz-date', 'x-amz-target']));
  });

  it('a signature over another secret, or a body changed on the way, does not verify', async () => {
    received.length = 0;
    const sfn = client();
    await sfn.startExecution({ stateMachineArn, name: 'task-2', input: '{}' });
    sfn.destroy();
    const [request] = received as [Received];
    expect(checkSignature(request, 'another secret').valid).toBe(false);
    expect(checkSignature({ ...request, body: Buffer.from('{"name":"task-3"}') }, credentials.secretAccessKey).valid).toBe(false);
  });

  it('throws a refusal under its error code, without retrying it', async () => {
    received.length = 0;
    script = [{ status: 400, body: { __type: 'ExecutionAlreadyExists', message: 'Execution already exists: task-1' } }];
    const sfn = client();
    const failure = await sfn.startExecution({ stateMachineArn, name: 'task-1', input: '{}' }).catch((error: unknown) => error);
    sfn.destroy();
    expect(failure).toBeInstanceOf(StepFunctionsError);
    expect(failure).toMatchObject({ name: 'ExecutionAlreadyExists', message: 'Execution already exists: task-1' });
    expect((failure as StepFunctionsError).$metadata.httpStatusCode).toBe(400);
    expect(received).toHaveLength(1);
  });

  it('takes the code after the namespace, or from the error-type header', async () => {
    script = [
      { status: 400, body: { __type: 'com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist', message: 'no such machine' } },
      { status: 400, body: '', headers: { 'x-amzn-errortype': 'InvalidArn:http://internal.amazon.com/' } },
    ];
    const sfn = client();
    const first = await sfn.startExecution({ stateMachineArn, name: 'a', input: '{}' }).catch((error: Error) => error);
    const second = await sfn.startExecution({ stateMachineArn, name: 'b', input: '{}' }).catch((error: Error) => error);
    sfn.destroy();
    expect(first).toMatchObject({ name: 'StateMachineDoesNotExist', message: 'no such machine' });
    expect(second).toMatchObject({ name: 'InvalidArn' });
  });

  it('retries throttling and 5xx with backoff, as the SDK’s standard mode, and then succeeds', async () => {
    received.length = 0;
    script = [
      { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
      { status: 503, body: { __type: 'ServiceUnavailable', message: 'try again' } },
    ];
    const sfn = client();
    const answer = await sfn.startExecution({ stateMachineArn, name: 'task-4', input: '{}' });
    sfn.destroy();
    expect(answer.executionArn).toBeTruthy();
    expect(received).toHaveLength(3);
    // Each attempt is signed anew (its own date), and each one verifies.
    for (const request of received) expect(checkSignature(request, credentials.secretAccessKey).valid).toBe(true);
  });

  it('gives up after three attempts', async () => {
    received.length = 0;
    script = Array.from({ length: 3 }, () => ({ status: 500, body: { __type: 'InternalFailure', message: 'boom' } }));
    const sfn = client();
    const failure = await sfn.startExecution({ stateMachineArn, name: 'task-5', input: '{}' }).catch((error: Error) => error);
    sfn.destroy();
    expect(failure).toMatchObject({ name: 'InternalFailure' });
    expect(received).toHaveLength(3);
  });

  it('reads credentials from a provider, as the default chain gives them', async () => {
    received.length = 0;
    let calls = 0;
    const sfn = client({
      credentials: async () => {
        calls++;
        return { accessKeyId: 'AKIAPROVIDED', secretAccessKey: 'provided-secret' };
      },
    });
    await sfn.startExecution({ stateMachineArn, name: 'task-6', input: '{}' });
    await sfn.startExecution({ stateMachineArn, name: 'task-7', input: '{}' });
    sfn.destroy();
    expect(calls).toBe(1);
    for (const request of received)
      expect(checkSignature(request, 'provided-secret')).toMatchObject({ valid: true, accessKeyId: 'AKIAPROVIDED' });
  });

  it('calls the regional endpoint of the region’s partition when none is configured', () => {
    expect(stepFunctionsEndpoint('eu-west-3')).toBe('https://states.eu-west-3.amazonaws.com');
    expect(stepFunctionsEndpoint('cn-north-1')).toBe('https://states.cn-north-1.amazonaws.com.cn');
    expect(stepFunctionsEndpoint('us-gov-west-1')).toBe('https://states.us-gov-west-1.amazonaws.com');
  });
});
