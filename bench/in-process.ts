/**
 * In-process measurements per endpoint, on the same DynamoDB Local: DynamoDB round trips and
 * consumed capacity (ReturnConsumedCapacity: INDEXES on every call), and main-thread CPU: the handler's total
 * per invocation, and in-handler CPU: that CPU times the share a V8 CPU profile of the same
 * invocations gives to self time in our code, Middy, zod and Powertools (everything that is not the
 * AWS SDK, Node's HTTP stack, GC or idle). The same DynamoDB calls issued directly are shown beside it.
 */
import { Session } from 'node:inspector/promises';

import { routes } from '#functions/routes.ts';
import { buildEvent, createRouter } from '#infra/local/api-gateway.ts';
import { loadHandler } from '#infra/local/runtime.ts';
import { db } from '#shared/db/client.ts';

import { median } from './cold-start.ts';
import type { BenchRequest, Endpoint } from './endpoints.ts';

export interface InProcessResult {
  name: string;
  /** Invocations per timed loop: `iterations`, or as many as fit in LOOP_BUDGET_MS for a slow endpoint. */
  iterations: number;
  /** Waits on DynamoDB one after another: calls sent while another is in flight (16 shards read in parallel) count once. */
  roundTrips: number;
  calls: number;
  minimumRoundTrips: number;
  readUnits: number;
  writeUnits: number;
  handlerCpuUs: number;
  directCpuUs: number;
  inHandlerCpuUs: number;
}

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

let recording: { calls: number; roundTrips: number; read: number; write: number } | undefined;
/** Calls of this process in flight, to tell a new round trip (none was) from a call sent beside others. */
let inFlight = 0;

/**
 * Frames that are the handler's own work: the project's functions/ and shared/, Middy, zod, Powertools
 * (not the bench's event building).
 */
const HANDLER_CODE = /\/(functions|shared)\/|node_modules\/(@middy|zod|@aws-lambda-powertools)\//;

interface CpuProfile {
  nodes: { id: number; callFrame: { url: string; functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * The share of the process's busy time spent in handler code (self time), from a sampling profile.
 * Sample intervals are wall-clock: a sample that lands while the process is descheduled (two cores
 * shared with DynamoDB Local) carries that gap too, so the profile gives the share and
 * process.threadCpuUsage() gives the main thread's CPU time it is a share of.
 */
function handlerShare(profile: CpuProfile): number {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  let busy = 0;
  let handler = 0;
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id)!;
    const delta = profile.timeDeltas[i] ?? 0;
    if (frame.functionName === '(idle)') return;
    busy += delta;
    if (HANDLER_CODE.test(frame.url)) handler += delta;
  });
  return busy === 0 ? 0 : handler / busy;
}

/** Adds ReturnConsumedCapacity to every DynamoDB call of this process and sums what comes back. */
export function instrumentCapacity(): void {
  db().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity ??= 'INDEXES';
      if (recording && inFlight === 0) recording.roundTrips += 1;
      inFlight += 1;
      const result = await next(args).finally(() => (inFlight -= 1));
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

/** The DynamoDB calls and capacity one run of `operation` consumes (instrumentCapacity first). */
export async function measureCapacity<T>(
  operation: () => Promise<T>,
): Promise<{ result: T; calls: number; roundTrips: number; read: number; write: number }> {
  recording = { calls: 0, roundTrips: 0, read: 0, write: 0 };
  try {
    const result = await operation();
    return { result, ...recording };
  } finally {
    recording = undefined;
  }
}

/** Invokes the route's handler in this process, as the local gateway would, with a fresh request each time. */
export async function inProcessInvoker(
  request: () => BenchRequest,
  route = createRouter(routes),
): Promise<() => Promise<{ statusCode: number; body: string }>> {
  const first = request();
  const match = route(first.method, new URL(first.path, 'http://127.0.0.1').pathname)!;
  const handler = await loadHandler(match.route);
  return () => {
    const r = request();
    return handler(
      buildEvent(
        {
          method: r.method,
          url: r.path,
          headers: [['Host', '127.0.0.1'], ...Object.entries(r.headers)],
          body: Buffer.from(r.body ?? ''),
          sourceIp: '127.0.0.1',
        },
        match.route,
        match.params,
        'local',
      ),
      { awsRequestId: 'bench', getRemainingTimeInMillis: () => 29_000 } as never,
    ) as Promise<{ statusCode: number; body: string }>;
  };
}

const CPU_ROUNDS = 5;
/**
 * Wall time one timed loop of an endpoint may take: a slow endpoint runs fewer than `iterations`
 * invocations per loop (at least MIN_ITERATIONS). Responsys login waits ~50 ms on scrypt in the libuv
 * pool, which is not main-thread CPU: at 100 invocations per loop it was the section's longest endpoint,
 * measuring the wait. A loop this long holds thousands of 50 µs profile samples either way.
 */
export const LOOP_BUDGET_MS = 1_500;
const MIN_ITERATIONS = 20;

/**
 * CPU time of the main thread, where handlers run: not V8's compiler and GC helper threads, nor the
 * libuv pool (Responsys login's scrypt), which process.cpuUsage() would add.
 */
const cpuMicros = () => {
  const usage = process.threadCpuUsage();
  return usage.user + usage.system;
};

export async function measureInProcess(
  endpoints: Endpoint[],
  context: { responsysToken: string },
  iterations: number,
): Promise<InProcessResult[]> {
  const route = createRouter(routes);
  const results: InProcessResult[] = [];
  const profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 50 });
  for (const endpoint of endpoints) {
    const invoke = await inProcessInvoker(() => endpoint.request(context), route);
    const warmUpStarted = performance.now();
    for (let i = 0; i < 20; i++) await invoke();
    const warmMsPerInvocation = (performance.now() - warmUpStarted) / 20;
    const loop = Math.min(iterations, Math.max(MIN_ITERATIONS, Math.round(LOOP_BUDGET_MS / warmMsPerInvocation)));
    for (let i = 0; i < 20; i++) await endpoint.direct(context);

    recording = { calls: 0, roundTrips: 0, read: 0, write: 0 };
    const reply = await invoke();
    const one = recording;
    recording = undefined;
    if (reply.statusCode >= 400) console.warn(`  ${endpoint.name}: status ${reply.statusCode}`);

    // Per round: CPU per invocation (unprofiled), then the handler's share of a profile of as many
    // invocations; medians over the rounds.
    const invocationCpu: number[] = [];
    const inHandlerCpu: number[] = [];
    for (let round = 0; round < CPU_ROUNDS; round++) {
      const start = cpuMicros();
      for (let i = 0; i < loop; i++) await invoke();
      const perInvocation = (cpuMicros() - start) / loop;
      await profiler.post('Profiler.start');
      for (let i = 0; i < loop; i++) await invoke();
      const { profile } = (await profiler.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      invocationCpu.push(perInvocation);
      inHandlerCpu.push(handlerShare(profile) * perInvocation);
    }
    const handlerCpuUs = median(invocationCpu);
    const inHandlerCpuUs = median(inHandlerCpu);
    const start = cpuMicros();
    for (let i = 0; i < loop; i++) await endpoint.direct(context);
    const directCpuUs = (cpuMicros() - start) / loop;

    results.push({
      name: endpoint.name,
      iterations: loop,
      roundTrips: one.roundTrips,
      calls: one.calls,
      minimumRoundTrips: endpoint.minimum.roundTrips,
      readUnits: one.read,
      writeUnits: one.write,
      handlerCpuUs,
      directCpuUs,
      inHandlerCpuUs,
    });
    console.log(
      `  ${endpoint.name}: ${one.roundTrips} round trips (${one.calls} calls), ${one.read} RCU, ${one.write} WCU, in-handler CPU ${inHandlerCpuUs.toFixed(0)} µs (${loop} per loop, ${warmMsPerInvocation.toFixed(1)} ms each)`,
    );
  }
  return results;
}
