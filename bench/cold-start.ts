/**
 * Cold start: each function bundled exactly as CDK bundles it (infra/bundling.ts), its size, and its
 * module init (the import of the bundle, with no NODE_OPTIONS, as the functions run) in a fresh Node process,
 * the interquartile mean of N interleaved runs, beside two floors of one DynamoDB GetItem (bench/floor.ts): bundled
 * naively (no Lambda-only replacement) and with only the environment credential provider.
 *
 * Init is main-thread CPU time (wall time is reported beside it): on this shared 2-core machine the wall
 * time of a fresh process is mostly waiting for a core (2–4× the CPU time under load), whereas Lambda's
 * init has its core. The Lambda estimate scales the published init duration of a hello-world Node.js 24
 * arm64 function by this machine's ratio of main-thread CPU from process start to handler ready,
 * function to hello world.
 *
 * The interquartile mean (the mean of the middle half of the runs) rather than the median: at times this
 * machine counts a thread's CPU time in 4 ms scheduler ticks, and the median of such samples is itself a multiple
 * of 4 ms (±7% of a 60 ms init), whereas their mean still resolves the difference; the quartiles cut outliers.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

import { build } from 'esbuild';

import { routes, scheduledJobs, workers } from '#functions/routes.ts';
import { bundling, esbuildOptions } from '#infra/bundling.ts';

const root = resolve(import.meta.dirname, '..');
const out = resolve(root, 'bench/out');

/**
 * Init Duration of a hello-world nodejs24.x function, arm64, 1024 MB (our functions' memory), zip
 * package: the average of 10 cold starts published by lambda-perf on 2025-12-21
 * (https://github.com/maxday/lambda-perf, data/2025/2025-12-21.json, "lambda-perf-nodejs24x-zip-1024-arm64").
 */
export const PUBLISHED_HELLO_INIT_MS = 129.4;
export const PUBLISHED_HELLO_SOURCE =
  'lambda-perf (maxday/lambda-perf), nodejs24.x arm64 1024 MB zip, average of 10 cold starts, 2025-12-21';

export interface ColdStart {
  name: string;
  bytes: number;
  /** Main-thread CPU time to import (evaluate) the bundle in a fresh process (interquartile mean of the runs). */
  initMs: number;
  /** Wall time of the same import (interquartile mean). */
  initWallMs: number;
  /** Main-thread CPU time from process start to the bundle imported, Node's own start included (interquartile mean). */
  readyMs: number;
  vsNaiveFloor: number;
  vsEnvFloor: number;
  /** PUBLISHED_HELLO_INIT_MS × readyMs / hello world's readyMs. */
  lambdaInitEstimateMs: number;
}

export interface ColdStarts {
  hello: ColdStart;
  naiveFloor: ColdStart;
  envFloor: ColdStart;
  functions: ColdStart[];
}

/** The mean of the middle half of the values (all of them below 4). */
export const interquartileMean = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const cut = Math.floor(sorted.length / 4);
  const middle = sorted.slice(cut, sorted.length - cut);
  return middle.reduce((sum, v) => sum + v, 0) / middle.length;
};

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function bundle(name: string, entry: string, alias?: Record<string, string>): Promise<string> {
  const outfile = resolve(out, name, 'index.mjs');
  await build(esbuildOptions(resolve(root, entry), outfile, alias));
  return outfile;
}

type Sample = Pick<ColdStart, 'initMs' | 'initWallMs' | 'readyMs'>;

/**
 * What Lambda's Node.js runtime client has loaded before it imports the handler, so its cost falls in the
 * runtime's start (the published hello-world figure) and not in the function's init, as in Lambda: node:http
 * (the Runtime API client, aws-lambda-nodejs-runtime-interface-client src/client/rapid-client.ts), node:fs and
 * node:util (its console patch, src/LogPatch.js). Without it a function importing node:http (Middy does, for
 * STATUS_CODES) would be charged ~30 ms here that Lambda has already spent.
 */
const RUNTIME_PRELOADED = ['node:http', 'node:fs', 'node:util'];

/** One cold start in a fresh process: the import (evaluation) of the bundle, as Lambda's init does. */
function measure(file: string): Sample {
  const script = [
    'const cpu = () => { const { user, system } = process.threadCpuUsage(); return (user + system) / 1000; };',
    ...RUNTIME_PRELOADED.map((module) => `await import(${JSON.stringify(module)});`),
    'const [c, t] = [cpu(), performance.now()];',
    `await import(${JSON.stringify(`file://${file}`)});`,
    'const [ready, wall] = [cpu(), performance.now()];',
    'process.stdout.write(JSON.stringify({ initMs: ready - c, initWallMs: wall - t, readyMs: ready }));',
  ].join(' ');
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    // The functions have no NODE_OPTIONS (no --enable-source-maps: infra/bundling.ts), nor does this import.
    env: { ...process.env, AWS_REGION: 'us-east-1', TABLE_NAME: 'bench', NODE_OPTIONS: '' },
  });
  return JSON.parse(output.toString()) as Sample;
}

export async function measureColdStarts(runs = 9): Promise<ColdStarts> {
  mkdirSync(out, { recursive: true });
  const credentialsOnly = { '@aws-sdk/credential-provider-node': bundling.alias['@aws-sdk/credential-provider-node'] };
  const floors = [
    { name: 'Hello world', handler: 'bench/hello.ts', alias: {} },
    { name: 'Floor: naive', handler: 'bench/floor.ts', alias: {} },
    { name: 'Floor: env-only credentials', handler: 'bench/floor.ts', alias: credentialsOnly },
  ];
  const entries = [...floors, ...[...routes, ...workers, ...scheduledJobs].map((e) => ({ ...e, alias: undefined }))];
  const files = await Promise.all(entries.map((e) => bundle(e.name.replace(/[^\w-]+/g, '-'), e.handler, e.alias)));
  // Interleave the runs so drift of the machine affects every bundle alike.
  const samples = entries.map(() => [] as Sample[]);
  for (let run = 0; run < runs; run++) files.forEach((file, i) => samples[i]!.push(measure(file)));
  const results = entries.map((e, i) => ({
    name: e.name,
    bytes: statSync(files[i]!).size,
    initMs: interquartileMean(samples[i]!.map((s) => s.initMs)),
    initWallMs: interquartileMean(samples[i]!.map((s) => s.initWallMs)),
    readyMs: interquartileMean(samples[i]!.map((s) => s.readyMs)),
    vsNaiveFloor: 0,
    vsEnvFloor: 0,
    lambdaInitEstimateMs: 0,
  }));
  const [hello, naiveFloor, envFloor] = results as [ColdStart, ColdStart, ColdStart];
  for (const r of results) {
    r.vsNaiveFloor = r.initMs / naiveFloor.initMs;
    r.vsEnvFloor = r.initMs / envFloor.initMs;
    r.lambdaInitEstimateMs = (PUBLISHED_HELLO_INIT_MS * r.readyMs) / hello.readyMs;
  }
  return { hello, naiveFloor, envFloor, functions: results.slice(floors.length) };
}

export const BUNDLE_GOAL_KB = 230;
export const INIT_GOAL_VS_NAIVE = 0.75;

/** The "Cold start" section of BENCHMARKS.md (written by a full run, or alone with BENCH_ONLY=cold-start). */
export function coldStartSection(cold: ColdStarts, runs: number, measuredOn: string, command = 'npm run bench'): string {
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  const f = (n: number, digits = 2) => n.toFixed(digits);
  const row = (c: ColdStart, name = c.name) =>
    `| ${name} | ${kb(c.bytes)} | ${f(c.initMs, 1)} | ${f(c.initWallMs, 1)} | ${f(c.vsNaiveFloor)}× | ${f(c.vsEnvFloor)}× | ${f(c.lambdaInitEstimateMs, 0)} |`;
  const worst = (key: 'bytes' | 'vsNaiveFloor') => cold.functions.reduce((a, b) => (b[key] > a[key] ? b : a));
  const [largest, slowest] = [worst('bytes'), worst('vsNaiveFloor')];
  const met = (ok: boolean) => (ok ? 'met' : 'not met');
  return `## Cold start

${measuredOn} (\`${command}\`). Each function bundled exactly as CDK bundles it (\`infra/bundling.ts\`: ESM, minified, AWS SDK
bundled, Lambda-only replacements of the SDK's credential chain, event-stream codec, endpoint discovery, pure-JS
SHA-256 fallback, invoke-store package, adaptive retry mode, and config-file and IMDS lookups, and only the store methods
the function calls: \`infra/lambda-wiring.ts\`),
then imported in a fresh Node process without \`NODE_OPTIONS\`, as the functions run (no \`--enable-source-maps\`:
the logger maps a logged error's stack through the bundle's map); init = the main-thread CPU time to evaluate the bundle
(wall time beside it: on this shared machine it can be waiting for a core), interquartile mean of ${runs} interleaved runs
(this machine at times counts thread CPU in 4 ms ticks, which a median would round to); ratios are of init. Two floors hold only the DynamoDB client and one GetItem
(\`bench/floor.ts\`), bundled with the same options but naively (no replacement: the SDK's whole credential chain) and
with only the environment credential provider. The Lambda estimate is ${PUBLISHED_HELLO_INIT_MS} ms, the published Init Duration of a hello-world function
(${PUBLISHED_HELLO_SOURCE}), × this machine's ratio of main-thread CPU from
process start to handler ready, bundle to hello world (${f(cold.hello.readyMs, 1)} ms here): an estimate, not a measurement in AWS.
Goals: every function ≤ ${BUNDLE_GOAL_KB} KB (${met(largest.bytes <= BUNDLE_GOAL_KB * 1024)}: largest ${largest.name}, ${kb(largest.bytes)} KB) and init ≤ ${INIT_GOAL_VS_NAIVE}× the naive
floor (${met(slowest.vsNaiveFloor <= INIT_GOAL_VS_NAIVE)}: slowest ${slowest.name}, ${f(slowest.vsNaiveFloor)}×).

| Function | Bundle (KB) | Init CPU (ms) | Init wall (ms) | Init vs naive floor | Init vs env-only floor | Lambda init, est. (ms) |
|---|---:|---:|---:|---:|---:|---:|
${row(cold.hello, '*Hello world*')}
${row(cold.naiveFloor, '**Floor: naive**')}
${row(cold.envFloor, '**Floor: env-only credentials**')}
${cold.functions.map((c) => row(c)).join('\n')}
`;
}
