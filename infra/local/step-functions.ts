/**
 * A local Step Functions endpoint: the AWS JSON protocol's StartExecution and DescribeExecution,
 * running the same ASL file as AWS with aws-local-stepfunctions. Each Task state runs the worker
 * module the route table names for that state (matched by state name), and every state's input and
 * output is held to Step Functions' 256 KB payload limit, which the library does not enforce.
 */
import { createServer, type Server } from 'node:http';

import { StateMachine } from 'aws-local-stepfunctions';

type JSONValue = Parameters<StateMachine['run']>[0];
import { type Worker, workers } from '#functions/routes.ts';
import { readDefinition, substitute } from '#infra/state-machine/definition.ts';

export const PAYLOAD_LIMIT_BYTES = 256 * 1024;
const localArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
export const LOCAL_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:orgbridge-bulk-tasks';

type WorkerHandler = (input: unknown) => Promise<unknown>;

interface Execution {
  executionArn: string;
  name: string;
  input: string;
  startDate: number;
  stopDate?: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  output?: string;
  error?: string;
  done: Promise<void>;
}

export class PayloadTooLargeError extends Error {
  override name = 'States.DataLimitExceeded';
}

function guardPayload(state: string, what: string, value: unknown) {
  const size = Buffer.byteLength(JSON.stringify(value ?? null));
  if (size > PAYLOAD_LIMIT_BYTES) throw new PayloadTooLargeError(`${state} ${what} is ${size} bytes, over the 256 KB Step Functions limit`);
}

export interface LocalStepFunctions {
  endpoint: string;
  stateMachineArn: string;
  executions: Map<string, Execution>;
  /** Resolves when every execution started so far has finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalStepFunctions(
  loadWorker: (worker: Worker) => Promise<WorkerHandler>,
  options: { avoidPort?: number } = {},
): Promise<LocalStepFunctions> {
  const definition = JSON.parse(substitute(readDefinition(), Object.fromEntries(workers.map((w) => [w.substitution, localArn(w.name)]))));
  const machine = new StateMachine(definition);
  const handlers = Object.fromEntries(
    workers.map((worker) => [
      worker.stateName,
      async (input: unknown) => {
        guardPayload(worker.stateName, 'input', input);
        const output = await (await loadWorker(worker))(input);
        guardPayload(worker.stateName, 'output', output);
        return output as JSONValue;
      },
    ]),
  );
  const executions = new Map<string, Execution>();

  const start = (body: { stateMachineArn?: string; name?: string; input?: string }) => {
    const name = body.name ?? crypto.randomUUID();
    const executionArn = `arn:aws:states:us-east-1:000000000000:execution:orgbridge-bulk-tasks:${name}`;
    if (executions.has(executionArn))
      return { status: 400, body: { __type: 'ExecutionAlreadyExists', message: `Execution already exists: ${executionArn}` } };
    const input = JSON.parse(body.input ?? '{}');
    guardPayload('Execution', 'input', input);
    const execution: Execution = {
      executionArn,
      name,
      input: body.input ?? '{}',
      startDate: Date.now() / 1000,
      status: 'RUNNING',
      done: Promise.resolve(),
    };
    execution.done = machine
      .run(input, { overrides: { taskResourceLocalHandlers: handlers } })
      .result.then(
        (output) => {
          execution.status = 'SUCCEEDED';
          execution.output = JSON.stringify(output);
        },
        (error: Error) => {
          execution.status = 'FAILED';
          execution.error = `${error.name}: ${error.message}`;
          console.error(JSON.stringify({ level: 'ERROR', message: 'local execution failed', executionArn, error: execution.error }));
        },
      )
      .finally(() => {
        execution.stopDate = Date.now() / 1000;
      });
    executions.set(executionArn, execution);
    return { status: 200, body: { executionArn, startDate: execution.startDate } };
  };

  const describe = (body: { executionArn?: string }) => {
    const execution = executions.get(body.executionArn ?? '');
    if (!execution) return { status: 400, body: { __type: 'ExecutionDoesNotExist', message: 'Execution does not exist' } };
    const { done: _done, ...view } = execution;
    return { status: 200, body: { ...view, stateMachineArn: LOCAL_STATE_MACHINE_ARN } };
  };

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    let reply: { status: number; body: unknown };
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      reply = target.endsWith('.StartExecution')
        ? start(body)
        : target.endsWith('.DescribeExecution')
          ? describe(body)
          : { status: 400, body: { __type: 'UnknownOperationException', message: `Unsupported operation ${target}` } };
    } catch (error) {
      reply = {
        status: 400,
        body: {
          __type: (error as Error).name === 'States.DataLimitExceeded' ? 'InvalidExecutionInput' : 'SerializationException',
          message: (error as Error).message,
        },
      };
    }
    res.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(reply.body));
  });
  // Never the port the API was asked for and has not bound yet (the kernel may hand it out here).
  let port: number;
  for (;;) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    if (port !== options.avoidPort) break;
    await new Promise((resolve) => server.close(resolve));
  }

  return {
    endpoint: `http://127.0.0.1:${port}`,
    stateMachineArn: LOCAL_STATE_MACHINE_ARN,
    executions,
    idle: async () => {
      await Promise.all([...executions.values()].map((e) => e.done));
    },
    stop: async () => {
      await Promise.all([...executions.values()].map((e) => e.done));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
