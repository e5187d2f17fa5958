/**
 * In-process measurements per endpoint, on the same DynamoDB Local: DynamoDB round trips and
 * consumed capacity (ReturnConsumedCapacity: INDEXES on every call), and in-handler CPU — the CPU
 * time of a handler invocation minus the CPU spent inside the SDK during it (what remains is Middy,
 * auth logic, parsing, zod, views and the response); the same DynamoDB calls issued directly are
 * shown beside it.
 */
import { routes } from '../functions/routes.ts';
import { buildEvent, createRouter } from '../infra/local/api-gateway.ts';
import { loadHandler } from '../infra/local/runtime.ts';
import { dynamodb } from '../shared/db/client.ts';
import type { Endpoint } from './endpoints.ts';

export interface InProcessResult {
  name: string;
  roundTrips: number;
  minimumRoundTrips: number;
  readUnits: number;
  writeUnits: number;
  handlerCpuUs: number;
  directCpuUs: number;
  /** Of the handler's CPU, what the SDK used (measured around every DynamoDB call). */
  sdkCpuUs: number;
  inHandlerCpuUs: number;
}

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

let recording: { calls: number; read: number; write: number } | undefined;
/** CPU time spent inside the SDK (serialising, signing, HTTP, parsing) while the handler ran. */
let sdkCpuMicros = 0;

/** Adds ReturnConsumedCapacity to every DynamoDB call of this process and sums what comes back. */
export function instrumentCapacity(): void {
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity ??= 'INDEXES';
      // Invocations run one at a time, so the CPU used between here and the answer is the SDK's own.
      const cpuBefore = cpuMicros();
      const result = await next(args);
      sdkCpuMicros += cpuMicros() - cpuBefore;
      if (recording) {
        recording.calls += 1;
        const consumed = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
        const isWrite = /Put|Update|Delete|Write/.test(context.commandName ?? '');
        for (const c of [consumed ?? []].flat()) {
          const units = c.CapacityUnits ?? 0;
          if (isWrite) recording.write += c.WriteCapacityUnits ?? units;
          else recording.read += c.ReadCapacityUnits ?? units;
        }
      }
      return result;
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
}

const cpuMicros = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

export async function measureInProcess(endpoints: Endpoint[], context: { responsysToken: string }, iterations: number): Promise<InProcessResult[]> {
  const route = createRouter(routes);
  const results: InProcessResult[] = [];
  for (const endpoint of endpoints) {
    const request = endpoint.request(context);
    const url = new URL(request.path, 'http://127.0.0.1');
    const match = route(request.method, url.pathname)!;
    const handler = await loadHandler(match.route);
    const invoke = () =>
      handler(
        buildEvent(
          {
            method: request.method,
            url: request.path,
            headers: [['Host', '127.0.0.1'], ...Object.entries(request.headers)],
            body: Buffer.from(endpoint.request(context).body ?? ''),
            sourceIp: '127.0.0.1',
          },
          match.route,
          match.params,
          'local',
        ),
        { awsRequestId: 'bench', getRemainingTimeInMillis: () => 29_000 } as never,
      );
    for (let i = 0; i < 20; i++) await invoke();
    for (let i = 0; i < 20; i++) await endpoint.direct(context);

    recording = { calls: 0, read: 0, write: 0 };
    const reply = await invoke();
    const one = recording;
    recording = undefined;
    if (reply.statusCode >= 400) console.warn(`  ${endpoint.name}: status ${reply.statusCode}`);

    let start = cpuMicros();
    sdkCpuMicros = 0;
    for (let i = 0; i < iterations; i++) await invoke();
    const handlerCpuUs = (cpuMicros() - start) / iterations;
    const handlerSdkCpuUs = sdkCpuMicros / iterations;
    start = cpuMicros();
    for (let i = 0; i < iterations; i++) await endpoint.direct(context);
    const directCpuUs = (cpuMicros() - start) / iterations;

    results.push({
      name: endpoint.name,
      roundTrips: one.calls,
      minimumRoundTrips: endpoint.minimum.roundTrips,
      readUnits: one.read,
      writeUnits: one.write,
      handlerCpuUs,
      directCpuUs,
      sdkCpuUs: handlerSdkCpuUs,
      inHandlerCpuUs: handlerCpuUs - handlerSdkCpuUs,
    });
    console.log(`  ${endpoint.name}: ${one.calls} round trips, ${one.read} RCU, ${one.write} WCU, in-handler CPU ${(handlerCpuUs - handlerSdkCpuUs).toFixed(0)} µs`);
  }
  return results;
}
