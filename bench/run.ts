/**
 * `npm run bench`: one run measures everything side by side on this machine and writes BENCHMARKS.md
 * and bench/results.json. Benchmarks are not tests: nothing here fails; figures are medians, ratios
 * are measured pair by pair in the same run, and the load is bounded (loopback, fixed duration).
 *
 * Sizes (env): BENCH_RUNS (cold-start runs, 9), BENCH_SECONDS (per load run, 2), BENCH_CONCURRENCY (16),
 * BENCH_ROUNDS (3), BENCH_CPU_ITERATIONS (100), BENCH_BULK_ORGS (10000), BENCH_BULK_TASKS (10),
 * BENCH_BULK_INDEXED_ORGS (1000: the indexed description's bulk runs, the slowest per item). With the defaults a
 * full run took 20–22 min on an AMD EPYC × 2; it writes the minutes each section took into BENCHMARKS.md.
 * BENCH_ONLY=cold-start runs the cold-start section alone (a minute or two) and rewrites only that
 * section of BENCHMARKS.md and the `coldStart` entry of bench/results.json.
 * Scale (bench/scale.ts): BENCH_SCALE_ORGS (large tenant, 5000; 100000 or 1000000 for issue #16's figures),
 * BENCH_SCALE_REQUESTS (5), BENCH_SCALE_RAW_ORGS (300), BENCH_SCALE_CONCURRENCY (16). BENCH_ONLY=scale runs
 * that section alone on its own server and rewrites only it (and the `scale` entry of bench/results.json; another
 * BENCH_SCALE_ORGS than the default writes its own section and entry, kept by later runs);
 * BENCH_ONLY=bulk likewise for the Bulk section, and BENCH_ONLY=mixed-load for the Mixed load section
 * (BENCH_LOAD_RATES, 25,50,100 requests/s, each for BENCH_LOAD_SECONDS, 20).
 * A deployed stage (BENCH_ONLY=scale only): BENCH_SCALE_API_URL (the stack's ApiUrl output) and BENCH_SCALE_TABLE
 * (its TableName) run the scale section against that stage's API and real DynamoDB, with the environment's AWS
 * credentials and the API's region, instead of a local server: the size DynamoDB Local cannot hold
 * (BENCH_SCALE_ORGS=1000000; deploy it as a separate stack, README "Benchmarks").
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';

import { freePort } from '#infra/local/dynamodb.ts';
import { configure } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';

import { coldStartSection, measureColdStarts } from './cold-start.ts';
import type { ScaleTarget } from './scale.ts';
import { DEFAULT_SCALE_ORGANIZATIONS, scaleSectionName } from './scale-names.ts';

const root = resolve(import.meta.dirname, '..');
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  runs: env('BENCH_RUNS', 9),
  // Per request-path run: 12 endpoints × 3 rounds × HTTP and direct; 2 s is still thousands of responses a run.
  seconds: env('BENCH_SECONDS', 2),
  concurrency: env('BENCH_CONCURRENCY', 16),
  rounds: env('BENCH_ROUNDS', 3),
  bulkOrganizations: env('BENCH_BULK_ORGS', 10_000),
  bulkTasks: env('BENCH_BULK_TASKS', 10),
  bulkIndexedOrganizations: env('BENCH_BULK_INDEXED_ORGS', 1000),
  // 5 rounds of 2 × this many sequential invocations per endpoint: at 300, 14 of the run's minutes on an AMD
  // EPYC × 2 (Responsys login's scrypt the longest); 100 invocations still give a profile thousands of samples long.
  cpuIterations: env('BENCH_CPU_ITERATIONS', 100),
};
const scaleSettings = {
  organizations: env('BENCH_SCALE_ORGS', DEFAULT_SCALE_ORGANIZATIONS),
  requests: env('BENCH_SCALE_REQUESTS', 5),
  // Each of the 7 imports and raw runs writes ~105 items per organization: 300 is ~31,500 items a run.
  rawOrganizations: env('BENCH_SCALE_RAW_ORGS', 300),
  concurrency: env('BENCH_SCALE_CONCURRENCY', 16),
};
const only = process.env.BENCH_ONLY;
if (only && !['cold-start', 'scale', 'bulk', 'mixed-load'].includes(only)) {
  throw new Error(`BENCH_ONLY=${only}: only "cold-start", "scale", "bulk" or "mixed-load" can run alone.`);
}
/**
 * A deployed stage to run the scale section against, in place of the local server. Its region is the API's
 * (execute-api.<region>.amazonaws.com), else the environment's; the table is in the same region.
 */
const stage = (() => {
  const apiUrl = process.env.BENCH_SCALE_API_URL?.replace(/\/+$/, '');
  const table = process.env.BENCH_SCALE_TABLE;
  if (!apiUrl && !table) return undefined;
  if (!apiUrl || !table || only !== 'scale') {
    throw new Error('A deployed stage runs the scale section alone: set BENCH_ONLY=scale, BENCH_SCALE_API_URL and BENCH_SCALE_TABLE.');
  }
  // The import and this process's handlers would otherwise write to that endpoint while the requests go to the stage.
  if (process.env.DYNAMODB_ENDPOINT) throw new Error('DYNAMODB_ENDPOINT is set: unset it to run against a deployed stage.');
  const region =
    /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(apiUrl)?.[1] ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error(`No region in ${apiUrl}: set AWS_REGION to the stage's.`);
  return { apiUrl, table, region };
})();

/** Rewrites one section of BENCHMARKS.md (from its heading to the next, or the end) and one entry of bench/results.json. */
function replaceSection(heading: string, markdown: string, key: string, value: unknown): void {
  const page = readFileSync(benchmarksPath, 'utf8');
  // The heading as a whole line: "## Scale" is not "## Scale at 100000 organizations".
  const line = page.startsWith(`${heading}\n`) ? 0 : page.indexOf(`\n${heading}\n`);
  const start = line <= 0 ? line : line + 1;
  if (start < 0 && heading === '## Cold start') throw new Error('BENCHMARKS.md has no "## Cold start" section: run the whole bench once.');
  const end = start < 0 ? -1 : page.indexOf('\n## ', start + 1);
  const next =
    start < 0
      ? `${page.trimEnd()}\n\n${markdown}`
      : `${page.slice(0, start)}${markdown.trimEnd()}\n${end < 0 ? '' : `\n${page.slice(end + 1)}`}`;
  writeFileSync(benchmarksPath, next.endsWith('\n') ? next : `${next}\n`);
  const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(resultsPath, `${JSON.stringify({ ...results, [key]: value }, null, 2)}\n`);
}
/** Minutes each section of this run took, in order: the bench's time budget, written beside its figures. */
const runStarted = performance.now();
const sectionMinutes: Record<string, number> = {};
async function section<T>(name: string, measure: () => Promise<T>): Promise<T> {
  console.log(`${name}…`);
  const started = performance.now();
  const result = await measure();
  const minutes = (performance.now() - started) / 60_000;
  sectionMinutes[name] = minutes;
  console.log(`${name}: ${minutes.toFixed(1)} min`);
  return result;
}
const timeSpent = () =>
  `The whole run took ${((performance.now() - runStarted) / 60_000).toFixed(0)} min (${Object.entries(sectionMinutes)
    .map(([name, minutes]) => `${name}: ${minutes.toFixed(1)}`)
    .join('; ')}).`;
const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);
const benchmarksPath = resolve(root, 'BENCHMARKS.md');
const resultsPath = resolve(root, 'bench/results.json');

let cold: Awaited<ReturnType<typeof measureColdStarts>> | undefined;
let coldMarkdown = '';
if (only === undefined || only === 'cold-start') {
  cold = await section('Cold start', () => measureColdStarts(settings.runs));
  // The load this shared machine was under while the cold starts ran (other processes than this one).
  coldMarkdown = coldStartSection(
    cold,
    settings.runs,
    `Measured on ${machine}, ${date}, load average ${loadavg()[0]!.toFixed(1)}`,
    [
      process.env.BENCH_ONLY && `BENCH_ONLY=${process.env.BENCH_ONLY}`,
      process.env.BENCH_RUNS && `BENCH_RUNS=${process.env.BENCH_RUNS}`,
      'npm run bench',
    ]
      .filter(Boolean)
      .join(' '),
  );
}

if (only === 'cold-start') {
  // Only this section changes: the other sections keep the figures of the run that produced them.
  replaceSection('## Cold start', coldMarkdown, 'coldStart', {
    machine,
    date: new Date().toISOString(),
    runs: settings.runs,
    ...cold,
  });
  console.log(coldMarkdown);
  process.exit(0);
}

/** The scale section against a local server or a deployed stage (bench/scale.ts). */
async function scaleAgainst(target: ScaleTarget) {
  const { measureScale, scaleSection } = await import('./scale.ts');
  console.log(`Scale (100 vs ${scaleSettings.organizations} organizations)…`);
  const result = await measureScale(target, scaleSettings);
  return { result, markdown: scaleSection(result, scaleSettings, `Measured on ${machine}, ${date}`) };
}

/** BENCH_ONLY=scale: only the scale section (and its results.json entry) is rewritten. */
async function scaleAlone(run: () => ReturnType<typeof scaleAgainst>): Promise<void> {
  await import('#shared/wiring.ts');
  (await import('./in-process.ts')).instrumentCapacity();
  const { result, markdown } = await section('Scale', run);
  const { heading, key } = scaleSectionName(scaleSettings.organizations, result.stage !== undefined);
  replaceSection(heading, markdown, key, { machine, date: new Date().toISOString(), settings: scaleSettings, ...result });
  console.log(markdown);
  console.log(timeSpent());
}

if (stage) {
  // No local server: this process's handlers (the in-process RCU) and the import (a child: it inherits AWS_REGION)
  // use the stage's table, with the SDK's own endpoint resolution, as the functions do in AWS.
  process.env.AWS_REGION = stage.region;
  configure({ tableName: stage.table, region: stage.region });
  logger.setLogLevel('SILENT');
  // Before minutes of generating and checking files: the table answers, with these credentials, in this region.
  const { DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
  const { db } = await import('#shared/db/client.ts');
  await db().send(new DescribeTableCommand({ TableName: stage.table }));
  await scaleAlone(() => scaleAgainst({ baseUrl: stage.apiUrl, table: stage.table, region: stage.region }));
  process.exit(0);
}

// The local stack in its own process, as `npm start` runs it (rate limits out of the way).
const port = await freePort();
const server = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts', '--in-memory', '--port', String(port)], {
  cwd: root,
  env: { ...process.env, RATE_LIMIT_DEFAULT: '1000000000', LOG_LEVEL: 'ERROR' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const dynamodbEndpoint = await new Promise<string>((resolveEndpoint, reject) => {
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const match = /DynamoDB Local at (http:\/\/[\d.:]+)/.exec(output);
    if (match) resolveEndpoint(match[1]!);
    // The server logs at ERROR level only: anything it prints there is worth seeing.
    for (const line of chunk.toString().split('\n')) if (line.includes('"level":"ERROR"')) console.error(`server: ${line.slice(0, 500)}`);
  });
  server.once('exit', (code) => reject(new Error(`local server exited (${code}): ${output}`)));
});
const baseUrl = `http://127.0.0.1:${port}`;
// This process also runs handlers and workers in-process (the in-process section): same table, no limits, no logs.
configure({ dynamodbEndpoint, tableName: 'orgbridge', defaultRateLimit: { limit: 1_000_000_000, windowSeconds: 60 } });
logger.setLogLevel('SILENT');

const serverPeakRssMb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const scaleRun = () => scaleAgainst({ baseUrl, dynamodbEndpoint, table: 'orgbridge' });

if (only === 'bulk') {
  try {
    await import('#shared/wiring.ts');
    const { bulkSection, measureBulk, seedBenchOrganizations } = await import('./bulk.ts');
    await section('Bulk seed', () => seedBenchOrganizations(settings.bulkOrganizations, settings.bulkIndexedOrganizations));
    const bulk = await section('Bulk tasks', () =>
      measureBulk(baseUrl, settings.bulkOrganizations, settings.bulkTasks, settings.bulkIndexedOrganizations),
    );
    const markdown = bulkSection(bulk);
    replaceSection('## Bulk', markdown, 'bulk', bulk);
    console.log(markdown);
    console.log(timeSpent());
  } finally {
    server.kill('SIGINT');
  }
  process.exit(0);
}

const responsysToken = async () => {
  const login = await fetch(`${baseUrl}/rest/api/v1.3/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'user_name=demo-user&password=demo-password-1&auth_type=password',
  });
  return ((await login.json()) as { authToken: string }).authToken;
};

const loadSeconds = env('BENCH_LOAD_SECONDS', 20);
/** The mixed workload at each rate, one after another. */
const mixedLoadRun = async (token: string) => {
  const { loadRates, mixedWorkload, runMixedLoad } = await import('./mixed-load.ts');
  const results = [];
  for (const rate of loadRates()) {
    console.log(`  at ${rate} requests/s…`);
    results.push(await runMixedLoad(baseUrl, mixedWorkload(token), rate, loadSeconds));
  }
  return results;
};

if (only === 'mixed-load') {
  try {
    const { mixedLoadSection, mixedWorkload, runMixedLoad } = await import('./mixed-load.ts');
    const token = await responsysToken();
    // Untimed, as the whole bench's earlier sections do: the server's handlers and DynamoDB Local's JVM warm.
    await runMixedLoad(baseUrl, mixedWorkload(token), 20, 10);
    const mixedLoad = await section('Mixed load', () => mixedLoadRun(token));
    const markdown = mixedLoadSection(mixedLoad, loadSeconds, `Measured on ${machine}, ${date}, after an untimed 10 s at 20 requests/s`);
    replaceSection('## Mixed load', markdown, 'mixedLoad', mixedLoad);
    console.log(markdown);
    console.log(timeSpent());
  } finally {
    server.kill('SIGINT');
  }
  process.exit(0);
}

if (only === 'scale') {
  try {
    await scaleAlone(scaleRun);
  } finally {
    server.kill('SIGINT');
  }
  process.exit(0);
}

try {
  const { BENCH_USERS, endpoints } = await import('./endpoints.ts');
  await import('#shared/wiring.ts');
  const { importCredential } = await import('#shared/domain/credential-admin.ts');
  for (const { userName, password } of BENCH_USERS) {
    await importCredential({ tenantId: 'demo', kind: 'responsys', userName }, password);
  }
  const { measureRequestPath } = await import('./request-path.ts');
  const { instrumentCapacity, LOOP_BUDGET_MS, measureInProcess } = await import('./in-process.ts');
  const { bulkSection, measureBulk, seedBenchOrganizations } = await import('./bulk.ts');

  const context = { responsysToken: await responsysToken() };

  // First, so it also warms what every later measurement uses: the server's handlers and DynamoDB
  // Local's JVM (the first endpoint measured on a cold JVM came out up to 1.5× slower).
  const { mixedLoadSection } = await import('./mixed-load.ts');
  const mixedLoad = await section('Mixed load', () => mixedLoadRun(context.responsysToken));
  const serverRssAfterLoad = serverPeakRssMb();

  const requestPath = await section('Request path', () =>
    measureRequestPath(baseUrl, endpoints, context, {
      durationMs: settings.seconds * 1000,
      concurrency: settings.concurrency,
      rounds: settings.rounds,
    }),
  );
  const serverRssUnderLoad = serverPeakRssMb();

  instrumentCapacity();
  const inProcess = await section('Round trips, capacity and CPU', () => measureInProcess(endpoints, context, settings.cpuIterations));

  await section('Bulk seed', () => seedBenchOrganizations(settings.bulkOrganizations, settings.bulkIndexedOrganizations));
  const bulk = await section('Bulk tasks', () =>
    measureBulk(baseUrl, settings.bulkOrganizations, settings.bulkTasks, settings.bulkIndexedOrganizations),
  );
  const serverRssAfterBulk = serverPeakRssMb();

  const workerMemory = await section('Worker memory', async () =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', 'bench/worker-memory.ts'], {
        cwd: root,
        env: { ...process.env, DYNAMODB_ENDPOINT: dynamodbEndpoint, TABLE_NAME: 'orgbridge' },
      })
        .toString()
        .trim()
        .split('\n')
        .pop()!,
    ),
  );

  const scale = await section('Scale', scaleRun);

  const f = (n: number, digits = 2) => n.toFixed(digits);
  const markdown = `# Benchmarks

Produced by \`npm run bench\` on ${machine}, ${date}, everything in one run on the same machine
and the same DynamoDB Local. Figures are medians; ratios are measured pair by pair in the same run.
Benchmarks never fail \`npm test\`. Settings: ${JSON.stringify(settings)}.
${timeSpent()}

${coldMarkdown}
## Request path

Through the local API server (autocannon: ${settings.concurrency} keep-alive connections, closed loop,
${settings.seconds} s per run, ${settings.rounds} runs, latency per response) beside the same DynamoDB calls issued directly
with the SDK (auth and rate limiting included) at the same concurrency on the same DynamoDB Local.
Goal: p50 ≤ 1.3× direct.

| Endpoint | HTTP p50 (ms) | HTTP p99 (ms) | HTTP req/s | Direct p50 (ms) | Direct p99 (ms) | Direct ops/s | p50 ratio | Errors |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${requestPath.map((r) => `| ${r.name} | ${f(r.http.p50Ms)} | ${f(r.http.p99Ms)} | ${f(r.http.throughput, 0)} | ${f(r.direct.p50Ms)} | ${f(r.direct.p99Ms)} | ${f(r.direct.throughput, 0)} | ${f(r.p50Ratio)}× | ${r.http.errors} |`).join('\n')}

## Round trips, capacity and in-handler CPU

One invocation in process with \`ReturnConsumedCapacity: INDEXES\` on every DynamoDB call (DynamoDB
Local's accounting). Round trips are the waits on DynamoDB one after another (calls sent while another is in
flight, such as 16 listing shards read in parallel, count once), beside the minimum of \`docs/data-model.md\`;
Calls counts every call. CPU per invocation
(${settings.cpuIterations} sequential invocations per loop, or as many as fit in ${LOOP_BUDGET_MS / 1000} s for a slow endpoint: Per loop; 5 rounds, medians): the whole invocation (main-thread CPU time:
SDK, HTTP to DynamoDB Local and all), and in-handler CPU = that CPU × the share of a V8 CPU profile of
as many invocations (50 µs sampling) that is self time in the project's code, Middy, zod and
Powertools — Middy + auth + parsing + zod + response, without the SDK, Node's HTTP stack, GC or
waiting. The profile gives only the share because its intervals are wall-clock (a descheduled
sample carries the gap). Logs at SILENT: Powertools still runs, no line is written. The same
DynamoDB calls issued directly are shown for scale. Goal: in-handler ≤ 50 µs.

| Endpoint | Round trips | Minimum | Calls | RCU | WCU | Per loop | Invocation CPU (µs) | In-handler CPU (µs) | Direct calls CPU (µs) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${inProcess.map((r) => `| ${r.name} | ${r.roundTrips} | ${r.minimumRoundTrips} | ${r.calls} | ${f(r.readUnits, 1)} | ${f(r.writeUnits, 1)} | ${r.iterations} | ${f(r.handlerCpuUs, 0)} | ${f(r.inHandlerCpuUs, 0)} | ${f(r.directCpuUs, 0)} |`).join('\n')}

${bulkSection(bulk)}
${mixedLoadSection(mixedLoad, loadSeconds, `Measured on ${machine}, ${date}, first in the run (the handlers and DynamoDB Local cold at its start)`)}
## Memory

| Process | Peak RSS (MB) |
|---|---:|
| Local server (API + handlers + Step Functions runner) after the mixed load | ${f(serverRssAfterLoad, 0)} |
| Local server after the request-path load | ${f(serverRssUnderLoad, 0)} |
| Local server after the bulk runs | ${f(serverRssAfterBulk, 0)} |
| One worker applying a ${workerMemory.applied}-item chunk (fresh process) | ${f(workerMemory.peakRssMb, 0)} |

${scale.markdown}`;
  // Scale runs at other sizes (a long one at 100,000 organizations) are kept beside this run's figures.
  const { heading: scaleHeading, key: scaleKey } = scaleSectionName(scaleSettings.organizations);
  const keptScaleSections = readFileSync(benchmarksPath, 'utf8')
    .split(/\n(?=## )/)
    .filter((part) => /^## Scale( at |\n)/.test(part) && !part.startsWith(`${scaleHeading}\n`));
  const keptScaleResults = Object.fromEntries(
    Object.entries(JSON.parse(readFileSync(resultsPath, 'utf8')) as Record<string, unknown>).filter(
      ([key]) => /^scale\d*(Stage)?$/.test(key) && key !== scaleKey,
    ),
  );
  writeFileSync(benchmarksPath, [markdown, ...keptScaleSections].map((part) => part.trimEnd()).join('\n\n') + '\n');
  writeFileSync(
    resultsPath,
    `${JSON.stringify({ machine, date: new Date().toISOString(), settings, sectionMinutes, coldStart: cold, requestPath, inProcess, bulk, mixedLoad, memory: { serverRssUnderLoad, serverRssAfterBulk, serverRssAfterLoad, workerMemory }, [scaleKey]: { settings: scaleSettings, ...scale.result }, ...keptScaleResults }, null, 2)}\n`,
  );
  console.log(markdown);
} finally {
  server.kill('SIGINT');
}
process.exit(0);
