/**
 * Scale: the same requests on a tenant of 100 organizations and on a large one (BENCH_SCALE_ORGS) on
 * one server, p50/p99 latency over HTTP and consumed RCU per request (in process, ReturnConsumedCapacity
 * on every call), and the ratio large/small. The large tenant is generated as a streamed seed file
 * (JSON Lines) and loaded with `npm run admin -- import seed` in a child process (its rate and peak
 * RSS reported), beside raw BatchWriteItem of exactly the items an import wrote for BENCH_SCALE_RAW_ORGS
 * organizations, into a fresh table of the same engine at the same concurrency.
 *
 * Or against a deployed stage (BENCH_SCALE_API_URL, BENCH_SCALE_TABLE: no DynamoDB endpoint, real DynamoDB), for
 * sizes DynamoDB Local cannot hold (1,000,000 organizations are ~100 million items): the same import, requests and
 * in-process RCU, without the import-vs-raw comparison, which creates tables.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';

import { ensureTable, localClient } from '#infra/local/dynamodb.ts';
import { mapWithConcurrency } from '#shared/concurrency.ts';
import { db } from '#shared/db/client.ts';

import { median } from './cold-start.ts';
import type { BenchRequest } from './endpoints.ts';
import { percentile } from './harness.ts';
import { inProcessInvoker, measureCapacity } from './in-process.ts';
import { DEFAULT_SCALE_ORGANIZATIONS, scaleSectionName } from './scale-names.ts';
import { scaleOrganization, scaleOrgId, type ScaleTenant, scaleTenant, writeScaleSeed } from './scale-seed.ts';

const root = resolve(import.meta.dirname, '..');

export interface ScaleSettings {
  /** Organizations of the large tenant (the small one has 100). */
  organizations: number;
  /** Sequential HTTP requests per endpoint and tenant (p50/p99 over them). */
  requests: number;
  /** Organizations of the import-vs-raw comparison. */
  rawOrganizations: number;
  /** Organizations in flight for the import, BatchWriteItem calls in flight for raw. */
  concurrency: number;
}

/** Raw-then-import pairs of the comparison (odd: the median is one of them). */
const RAW_PAIRS = 3;

export interface ImportRun {
  organizations: number;
  /** Organizations the run wrote (the others were stored as the file has them: a stage that already holds the tenants). */
  written: number;
  seconds: number;
  organizationsPerSecond: number;
  peakRssMb: number;
  /** Heap still in use after a full collection at exit: what the import retains, without GC slack. */
  retainedHeapMb: number;
  /** Runs stopped by DynamoDB Local's own lock timeout and run again (the time counts every run). */
  reruns?: number;
}

export interface ScaleRow {
  name: string;
  small: { p50Ms: number; p99Ms: number; rcu: number; calls: number; status: number };
  large: { p50Ms: number; p99Ms: number; rcu: number; calls: number; status: number };
  p50Ratio: number;
  rcuRatio: number;
}

/** Where the scale section runs: the bench's own local server, or a deployed stage. */
export interface ScaleTarget {
  baseUrl: string;
  /** DynamoDB Local's endpoint; absent for a deployed stage (real DynamoDB, the SDK's own endpoint resolution). */
  dynamodbEndpoint?: string;
  table: string;
  /** A deployed stage's region (what the section names: not its URL, which the seeded credentials would open). */
  region?: string;
}

/** Import vs raw BatchWriteItem of the same items: on DynamoDB Local only (it creates tables). */
export interface ImportComparison {
  rawImport: ImportRun;
  raw: { items: number; seconds: number; itemsPerSecond: number; organizationsPerSecond: number };
  importVsRaw: number;
  /** Import vs raw of each pair (raw and import, in alternating order, on the same warm engine): the spread the median hides. */
  pairRatios: number[];
}

export interface ScaleResult extends Partial<ImportComparison> {
  /** The deployed stage's region, when the section ran against one. */
  stage?: string;
  largeImport: ImportRun;
  checkOnly: { lines: number; seconds: number; peakRssMb: number; retainedHeapMb: number };
  rows: ScaleRow[];
}

/**
 * Lines of the check-only file: 10× the large tenant, to show memory flat in the file's size, up to a million
 * (at 1,000,000 organizations the import itself reads a file that size).
 */
const MAX_CHECK_LINES = 1_000_000;

/** `npm run admin -- import seed` in a child process (node + tsx directly, to read its own peak RSS). */
async function runImport(
  file: string,
  endpoint: string | undefined,
  table: string,
  concurrency: number,
  extra: string[] = [],
): Promise<{ seconds: number; organizations: number; written: number; peakRssMb: number; retainedHeapMb: number }> {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      '--import',
      './bench/peak-rss.ts',
      'tools/admin/cli.ts',
      'import',
      'seed',
      file,
      ...(endpoint === undefined ? [] : ['--endpoint', endpoint]),
      '--table',
      table,
      '--concurrency',
      String(concurrency),
      '--json',
      ...extra,
    ],
    // DynamoDB Local is shared across regions (-sharedDb); a stage's region is the environment's.
    {
      cwd: root,
      env: { ...process.env, AWS_REGION: process.env.AWS_REGION ?? 'us-east-1', ORGBRIDGE_PROGRESS_INTERVAL_MS: '10000' },
      maxBuffer: 64 << 20,
    },
  );
  process.stderr.write(
    stderr
      .split('\n')
      .filter((l) => l && !l.startsWith('peak-rss-kb'))
      .map((l) => `  import: ${l}\n`)
      .join(''),
  );
  const summary = JSON.parse(stdout) as { seconds: number; organizations: number; written: number };
  const [, peakKb, retainedKb] = /peak-rss-kb (\d+) retained-heap-kb (\d+)/.exec(stderr) ?? [];
  return {
    seconds: summary.seconds,
    organizations: summary.organizations,
    written: summary.written,
    peakRssMb: Number(peakKb) / 1024,
    retainedHeapMb: Number(retainedKb) / 1024,
  };
}

/**
 * An import run again after DynamoDB Local refused a write with its own lock timeout ("This request will succeed
 * in actual DynamoDB API"), as a user would after any stop: the import finishes what the stopped run began,
 * without duplicates. The time counts every run, the stopped ones included.
 */
async function runImportToTheEnd(file: string, endpoint: string | undefined, table: string, concurrency: number): Promise<ImportRun> {
  let stoppedSeconds = 0;
  for (let reruns = 0; ; reruns++) {
    const started = performance.now();
    try {
      const run = asRun(await runImport(file, endpoint, table, concurrency));
      const seconds = stoppedSeconds + run.seconds;
      return { ...run, seconds, organizationsPerSecond: run.organizations / seconds, reruns };
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '');
      if (reruns >= 3 || !stderr.includes('waiting for a lock')) throw error;
      stoppedSeconds += (performance.now() - started) / 1000;
      console.log(`  import stopped by DynamoDB Local's lock timeout after ${Math.round(stoppedSeconds)} s: run again`);
    }
  }
}

const asRun = (r: Awaited<ReturnType<typeof runImport>>): ImportRun => ({
  organizations: r.organizations,
  written: r.written,
  seconds: r.seconds,
  organizationsPerSecond: r.organizations / r.seconds,
  peakRssMb: r.peakRssMb,
  retainedHeapMb: r.retainedHeapMb,
});

/** Every item of a table (a bench-only Scan). */
async function scanAll(table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Raw BatchWriteItem of `items` (25 per call, `concurrency` calls in flight, unprocessed items resent). */
async function rawBatchWrite(table: string, items: Record<string, unknown>[], concurrency: number): Promise<number> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  const started = performance.now();
  await mapWithConcurrency(batches, concurrency, async (batch) => {
    let requests = batch.map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await db().send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  });
  return (performance.now() - started) / 1000;
}

interface ScaleEndpoint {
  name: string;
  request: (t: ScaleTenant, token: string) => BenchRequest;
}

const apidae = (t: ScaleTenant, query: Record<string, unknown>): BenchRequest => ({
  method: 'GET',
  path: `/api/v002/membre/get-membres?query=${encodeURIComponent(JSON.stringify({ projetId: t.apidaeProjetId, apiKey: t.apidaeKey, ...query }))}`,
  headers: {},
});
const netux = (t: ScaleTenant, path: string): BenchRequest => ({
  method: 'GET',
  path: `/api/v2.0${path}`,
  headers: { 'X-Auth-Token': t.netuxToken },
});
const engagement = (t: ScaleTenant, query: string): BenchRequest => ({
  method: 'GET',
  path: `/v0/organization?${query}`,
  headers: { 'x-api-key': t.engagementKey },
});
const THREE_NAMES = [1, 2, 3].map((i) => scaleOrganization('', i).name);
/** The name of organization 5, lower-cased: one match in any tenant of more than 5 organizations. */
const SELECTIVE_NEEDLE = scaleOrganization('', 5).name.toLowerCase();

export const scaleEndpoints: ScaleEndpoint[] = [
  { name: 'Netux list `page_size=2`', request: (t) => netux(t, '/organizations/?page_size=2') },
  {
    name: 'Netux list `page_size=100&page=50` (small tenant: `page=1`, its only page)',
    request: (t) => netux(t, `/organizations/?page_size=100&page=${t.organizations >= 5000 ? 50 : 1}`),
  },
  {
    // Deep pages cost small listing entries, like an SQL OFFSET (docs/data-model.md): not the same RCU, by design.
    name: 'Netux list `page_size=100&page=1000` (a deep page; small tenant: `page=1`)',
    request: (t) => netux(t, `/organizations/?page_size=100&page=${t.organizations >= 100_000 ? 1000 : 1}`),
  },
  ...['label', '-label', 'name', '-name', 'created_at', '-created_at'].map((sort) => ({
    name: `Netux list \`sort_by=${sort}&page_size=2\``,
    request: (t: ScaleTenant) => netux(t, `/organizations/?sort_by=${sort}&page_size=2`),
  })),
  { name: 'Netux list `label=org-5`', request: (t) => netux(t, '/organizations/?label=org-5') },
  { name: 'Netux list `name=…` (exact)', request: (t) => netux(t, `/organizations/?name=${encodeURIComponent(THREE_NAMES[0]!)}`) },
  // A common needle: "sport" is in 1 name of 8, so its answer (and the count it carries) grows with the tenant.
  {
    name: 'Netux list `search=sport&page_size=2` (1 in 8)',
    request: (t) => netux(t, '/organizations/?search=sport&page_size=2'),
  },
  { name: 'Engagement `GET /v0/organization?q=sport&limit=5` (1 in 8)', request: (t) => engagement(t, 'q=sport&limit=5') },
  // A selective needle, the same answer in both tenants: its rarest trigram (" 5 ") is in one name only;
  // the common trigrams are read a first small page each, the same in any tenant.
  {
    name: `Netux list \`search=${SELECTIVE_NEEDLE}\` (1 match)`,
    request: (t) => netux(t, `/organizations/?search=${encodeURIComponent(SELECTIVE_NEEDLE)}`),
  },
  {
    name: `Engagement \`q=${SELECTIVE_NEEDLE}\` (1 match)`,
    request: (t) => engagement(t, `q=${encodeURIComponent(SELECTIVE_NEEDLE)}&limit=5`),
  },
  {
    name: `Apidae get-membres \`nom=${SELECTIVE_NEEDLE}\` (1 match)`,
    request: (t) => apidae(t, { filter: { nom: SELECTIVE_NEEDLE }, first: 0, count: 5 }),
  },
  // Two characters have no trigram: the gram vocabulary names the grams that hold them (docs/data-model.md),
  // and their postings are read: `zq` is in no text (the same answer in any tenant), `sp` in 1 name of 8.
  { name: 'Netux list `search=zq` (two characters, no match)', request: (t) => netux(t, '/organizations/?search=zq') },
  {
    name: 'Apidae get-membres `nom=zq` (two characters, no match)',
    request: (t) => apidae(t, { filter: { nom: 'zq' }, first: 0, count: 5 }),
  },
  { name: 'Engagement `q=sp&limit=5` (two characters, 1 in 8)', request: (t) => engagement(t, 'q=sp&limit=5') },
  { name: 'Engagement `rna=`', request: (t) => engagement(t, 'rna=W100000005') },
  { name: 'Engagement `siret=`', request: (t) => engagement(t, 'siret=10000000000005') },
  {
    name: 'Apidae get-membres `nom=sport` only (count 5; 1 in 8)',
    request: (t) => apidae(t, { filter: { nom: 'sport' }, first: 0, count: 5 }),
  },
  {
    name: 'Apidae get-membres indexed filter `communeCodePostal` (count 5)',
    request: (t) => apidae(t, { filter: { communeCodePostal: '69001' }, first: 0, count: 5 }),
  },
  { name: 'Apidae get-membres no filter (first 0, count 5)', request: (t) => apidae(t, { first: 0, count: 5 }) },
  {
    name: 'Responsys `GET /attributes/programs/{name}` (3 organizations)',
    request: (_t, token) => ({ method: 'GET', path: '/rest/api/v1.3/attributes/programs/Scale', headers: { Authorization: token } }),
  },
  {
    name: 'Responsys `POST /attributes/programs/{name}` (3 names)',
    request: (_t, token) => ({
      method: 'POST',
      path: '/rest/api/v1.3/attributes/programs/Scale',
      headers: { Authorization: token, 'content-type': 'application/json' },
      body: JSON.stringify({ attributes: { organizations: { attributeValues: THREE_NAMES.map((name) => ({ name })) } } }),
    }),
  },
  {
    name: 'Responsys `GET /attributes/organizations` (the whole tree)',
    request: (_t, token) => ({ method: 'GET', path: '/rest/api/v1.3/attributes/organizations', headers: { Authorization: token } }),
  },
  { name: 'Netux GET by id (control: key-bounded)', request: (t) => netux(t, `/organizations/${scaleOrgId(t.id, 5)}/`) },
];

async function login(baseUrl: string, t: ScaleTenant): Promise<string> {
  const response = await fetch(`${baseUrl}/rest/api/v1.3/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `user_name=${t.responsysUser}&password=${t.responsysPassword}&auth_type=password`,
  });
  if (response.status !== 200) throw new Error(`Responsys login for ${t.id}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { authToken: string }).authToken;
}

/** Sequential requests over HTTP (latency, not load), then one in process for its DynamoDB calls and RCU. */
async function measureOne(baseUrl: string, request: () => BenchRequest, requests: number) {
  const latencies: number[] = [];
  let status = 0;
  for (let i = 0; i < requests; i++) {
    const r = request();
    const started = performance.now();
    const response = await fetch(`${baseUrl}${r.path}`, { method: r.method, headers: r.headers, body: r.body });
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    // The worst answer of the row (a 429 of the stage's rate limit in the middle of a run is not a latency).
    status = Math.max(status, response.status);
  }
  latencies.sort((a, b) => a - b);
  const invoke = await inProcessInvoker(request);
  // Warm first, as the server's process is: what a process reads once and keeps (a tenant's vocabulary mark, its
  // finished import runs) would otherwise fall on whichever tenant this process happens to meet first.
  await invoke();
  const capacity = await measureCapacity(invoke);
  return { p50Ms: median(latencies), p99Ms: percentile(latencies, 99), rcu: capacity.read, calls: capacity.calls, status };
}

/**
 * Import vs raw BatchWriteItem of exactly the items an import writes, on DynamoDB Local (fresh tables per run).
 * Returns the medians of RAW_PAIRS pairs.
 */
async function compareImportWithRaw(dir: string, dynamodbEndpoint: string, settings: ScaleSettings): Promise<ImportComparison> {
  const client = localClient(dynamodbEndpoint);
  try {
    // Import vs raw BatchWriteItem: the items an import writes, captured from a scratch table.
    console.log(`  import vs raw BatchWriteItem (${settings.rawOrganizations} organizations)…`);
    const rawFile = join(dir, 'raw.jsonl');
    await writeScaleSeed(rawFile, [scaleTenant('scale-raw', settings.rawOrganizations, 3)]);
    await ensureTable(client, 'bench-scale-scratch');
    // A first import captures the items (and warms DynamoDB Local's JVM: measured first, on a cold engine, the same
    // import ran at 0.57× raw, and at 0.84× once warm); the timed ones run into fresh tables.
    await runImport(rawFile, dynamodbEndpoint, 'bench-scale-scratch', settings.concurrency);
    // Every item the import wrote: organizations with their guards, index, listing and child entries,
    // count shards, search postings, and the tenant's few other records.
    const organizationItems = await scanAll('bench-scale-scratch');
    // Pairs of raw and import, each into fresh tables: one pair alone swung from 0.74× to 2.2× with the
    // engine's pauses (a raw write once took 60 s instead of 12–17), so the figures are the medians of the pairs.
    const rawRuns: number[] = [];
    const importRuns: ImportRun[] = [];
    // Raw first in even pairs, the import first in odd ones: the engine slows as it holds more tables, and
    // the order alternates so that neither side always runs on the slower engine.
    for (let pair = 0; pair < RAW_PAIRS; pair++) {
      const timeRaw = async () => {
        await ensureTable(client, `bench-scale-raw-${pair}`);
        rawRuns.push(await rawBatchWrite(`bench-scale-raw-${pair}`, organizationItems, settings.concurrency));
      };
      const timeImport = async () => {
        await ensureTable(client, `bench-scale-timed-${pair}`);
        importRuns.push(asRun(await runImport(rawFile, dynamodbEndpoint, `bench-scale-timed-${pair}`, settings.concurrency)));
      };
      for (const run of pair % 2 === 0 ? [timeRaw, timeImport] : [timeImport, timeRaw]) await run();
    }
    const pairRatios = rawRuns.map((seconds, pair) => seconds / importRuns[pair]!.seconds);
    const rawSeconds = median(rawRuns);
    const rawImport = [...importRuns].sort((a, b) => a.seconds - b.seconds)[Math.floor(RAW_PAIRS / 2)]!;
    const raw = {
      items: organizationItems.length,
      seconds: rawSeconds,
      itemsPerSecond: organizationItems.length / rawSeconds,
      organizationsPerSecond: settings.rawOrganizations / rawSeconds,
    };
    console.log(`  pairs: ${pairRatios.map((ratio) => `${ratio.toFixed(2)}×`).join(', ')}`);
    console.log(
      `  import ${rawImport.organizationsPerSecond.toFixed(0)} orgs/s, raw ${raw.organizationsPerSecond.toFixed(0)} orgs/s (${raw.itemsPerSecond.toFixed(0)} items/s)`,
    );
    return { rawImport, raw, importVsRaw: rawImport.organizationsPerSecond / raw.organizationsPerSecond, pairRatios };
  } finally {
    client.destroy();
  }
}

export async function measureScale(target: ScaleTarget, settings: ScaleSettings): Promise<ScaleResult> {
  const { baseUrl, dynamodbEndpoint, table, region } = target;
  const dir = await mkdtemp(join(tmpdir(), 'orgbridge-scale-'));
  try {
    const small = scaleTenant('scale-small', 100, 1);
    const large = scaleTenant('scale-large', settings.organizations, 2);
    const comparison = dynamodbEndpoint === undefined ? undefined : await compareImportWithRaw(dir, dynamodbEndpoint, settings);

    // The check pass alone on a file 10× the large one (at most MAX_CHECK_LINES): memory stays flat, whatever the file.
    // It writes nothing, whatever the table.
    const checkLines = Math.min(settings.organizations * 10, MAX_CHECK_LINES);
    const bigFile = join(dir, 'check.jsonl');
    await writeScaleSeed(bigFile, [scaleTenant('scale-check', checkLines, 4)]);
    const started = performance.now();
    const check = await runImport(bigFile, dynamodbEndpoint, table, settings.concurrency, ['--check']);
    const checkOnly = {
      lines: checkLines,
      seconds: (performance.now() - started) / 1000,
      peakRssMb: check.peakRssMb,
      retainedHeapMb: check.retainedHeapMb,
    };
    await rm(bigFile);

    console.log(`  importing 100 + ${settings.organizations} organizations (streamed seed file)…`);
    const file = join(dir, 'scale.jsonl');
    await writeScaleSeed(file, [small, large]);
    const largeImport = await runImportToTheEnd(file, dynamodbEndpoint, table, settings.concurrency);
    const tokens = { [small.id]: await login(baseUrl, small), [large.id]: await login(baseUrl, large) };
    const rows: ScaleRow[] = [];
    for (const endpoint of scaleEndpoints) {
      const forTenant = (t: ScaleTenant) => () => endpoint.request(t, tokens[t.id]!);
      await measureOne(baseUrl, forTenant(small), 1); // warm: the handler module loads
      const s = await measureOne(baseUrl, forTenant(small), settings.requests * 4);
      const l = await measureOne(baseUrl, forTenant(large), settings.requests);
      const row = { name: endpoint.name, small: s, large: l, p50Ratio: l.p50Ms / s.p50Ms, rcuRatio: s.rcu > 0 ? l.rcu / s.rcu : 0 };
      rows.push(row);
      console.log(
        `  ${endpoint.name}: ${s.p50Ms.toFixed(1)} → ${l.p50Ms.toFixed(1)} ms (${row.p50Ratio.toFixed(1)}×), ${s.rcu} → ${l.rcu} RCU`,
      );
    }
    return {
      ...(dynamodbEndpoint === undefined ? { stage: region ?? 'unknown region' } : {}),
      ...comparison,
      largeImport,
      checkOnly,
      rows,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const f = (n: number, digits = 1) => n.toFixed(digits);

/** How the import-vs-raw comparison is made, for the Import table. */
const comparisonText = (
  c: ImportComparison,
  settings: ScaleSettings,
) => `Raw = \`BatchWriteItem\` (25 items per call, ${settings.concurrency} calls in flight) of exactly the
items the import wrote for ${settings.rawOrganizations} organizations (organizations, guards, index, listing and child entries, count shards, search postings: captured with a Scan of
a scratch table after a first, untimed import that also warms the engine), into a fresh table of the same DynamoDB Local, and the timed import into another
fresh table, raw first in the 1st and 3rd pair, the import first in the 2nd; ${c.pairRatios.length} such pairs, the figures below their medians. Goal (issue #16): ≥ 0.8× raw.`;

const comparisonRows = (c: ImportComparison, settings: ScaleSettings) =>
  `| Import, ${settings.rawOrganizations} organizations (timed) | ${c.rawImport.organizations} | ${f(c.rawImport.seconds)} | ${f(c.rawImport.organizationsPerSecond, 0)} | ${f(c.rawImport.peakRssMb, 0)} | ${f(c.rawImport.retainedHeapMb)} |
| Raw BatchWriteItem of the same ${c.raw.items} items | ${settings.rawOrganizations} | ${f(c.raw.seconds)} | ${f(c.raw.organizationsPerSecond, 0)} (${f(c.raw.itemsPerSecond, 0)} items/s) | — | — |
| **Import vs raw** (medians of ${c.pairRatios.length} pairs; each pair ${c.pairRatios.map((ratio) => `${f(ratio, 2)}×`).join(', ')}) | | | **${f(c.importVsRaw, 2)}×** | | |
`;

export function scaleSection(r: ScaleResult, settings: ScaleSettings, measured: string): string {
  const c = r.importVsRaw === undefined ? undefined : (r as ScaleResult & ImportComparison);
  const { heading, key } = scaleSectionName(settings.organizations, r.stage !== undefined);
  const command = [
    settings.organizations === DEFAULT_SCALE_ORGANIZATIONS && !r.stage ? '' : `BENCH_SCALE_ORGS=${settings.organizations} `,
    r.stage ? 'BENCH_SCALE_API_URL=… BENCH_SCALE_TABLE=… ' : '',
    'BENCH_ONLY=scale npm run bench',
  ].join('');
  const where = r.stage
    ? `A deployed stage in ${r.stage} (API Gateway, Lambda, real DynamoDB), requested from the machine named above (its
network round trip is in every latency, the same in both tenants), a tenant of 100 organizations beside one of`
    : `One server (\`npm start --in-memory\`, in its own process), a tenant of 100 organizations beside one of`;
  return `${heading}

${measured}. \`${command}\` runs this section alone (it rewrites only this section
and the \`${key}\` entry of bench/results.json). Sizes: \`BENCH_SCALE_ORGS\` (large tenant, ${settings.organizations} here;
100000 or 1000000 for the issue's figures), \`BENCH_SCALE_REQUESTS\` (${settings.requests} sequential requests per endpoint on the
large tenant, ${settings.requests * 4} on the small one), \`BENCH_SCALE_RAW_ORGS\` (${settings.rawOrganizations}), \`BENCH_SCALE_CONCURRENCY\` (${settings.concurrency}).

${where}
${settings.organizations}, both generated by \`bench/scale-seed.ts\` (10 roots, every organization the parent of 10,
member data on each) as one streamed seed file (JSON Lines) and loaded with \`npm run admin -- import seed\`.
Latency: sequential HTTP requests through the ${r.stage ? "stage's" : 'local'} API (one at a time: the cost of one answer, not a
load test); p99 of ${settings.requests} requests is their maximum. RCU and DynamoDB calls: one invocation in
process with \`ReturnConsumedCapacity: INDEXES\` on every call, against the same table (auth and rate limit included: 1 RCU), after one
untimed invocation in the same process (what a process reads once and keeps: a tenant's vocabulary mark, its finished
import runs).
Goal (issue #16): large p50 ≤ 1.3× small for every endpoint except the tree, and the same RCU for the same answer.

| Endpoint | Small p50 (ms) | Small p99 | Large p50 (ms) | Large p99 | p50 ratio | Small RCU | Large RCU | RCU ratio | Calls small / large |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${r.rows.map((row) => `| ${row.name} | ${f(row.small.p50Ms)} | ${f(row.small.p99Ms)} | ${f(row.large.p50Ms)} | ${f(row.large.p99Ms)} | ${f(row.p50Ratio)}× | ${f(row.small.rcu)} | ${f(row.large.rcu)} | ${f(row.rcuRatio)}× | ${row.small.calls} / ${row.large.calls}${row.small.status >= 400 || row.large.status >= 400 ? ` (status ${row.small.status} / ${row.large.status})` : ''} |`).join('\n')}

### Import

\`npm run admin -- import seed FILE\` in a child process (check pass, then batched writes, ${settings.concurrency} organizations in flight),
peak RSS of that process (\`maxRSS\`, garbage not yet collected included) and the heap it still uses after a full
collection at exit (\`--expose-gc\`: what it retains). ${c ? comparisonText(c, settings) : 'No comparison with raw \`BatchWriteItem\` on a deployed stage (it writes into fresh tables): `BENCH_ONLY=scale` on DynamoDB Local gives it.'}

| Run | Organizations | Seconds | Orgs/s | Peak RSS (MB) | Retained heap (MB) |
|---|---:|---:|---:|---:|---:|
${c ? comparisonRows(c, settings) : ''}| Import, 100 + ${settings.organizations} organizations (the two tenants above)${r.largeImport.reruns ? `, run ${r.largeImport.reruns + 1} times: DynamoDB Local stopped it with its lock timeout, the time counts every run` : ''}${!r.largeImport.reruns && r.largeImport.written < r.largeImport.organizations ? `; ${r.largeImport.written} written: the others were already in the table as the file has them (an earlier run's), so this time is mostly a check` : ''} | ${r.largeImport.organizations} | ${f(r.largeImport.seconds)} | ${f(r.largeImport.organizationsPerSecond, 0)} | ${f(r.largeImport.peakRssMb, 0)} | ${f(r.largeImport.retainedHeapMb)} |
| Check pass only (\`--check\`), a file of ${r.checkOnly.lines} organizations | ${r.checkOnly.lines} | ${f(r.checkOnly.seconds)} | ${f(r.checkOnly.lines / r.checkOnly.seconds, 0)} lines/s | ${f(r.checkOnly.peakRssMb, 0)} | ${f(r.checkOnly.retainedHeapMb)} |

Memory against file size: retained heap ${c ? `${f(c.rawImport.retainedHeapMb)} MB after importing ${settings.rawOrganizations} organizations, ` : ''}${f(r.largeImport.retainedHeapMb)} MB after
${settings.organizations + 100}${c ? ` (${f((settings.organizations + 100) / settings.rawOrganizations, 0)}× the file)` : ''}, ${f(r.checkOnly.retainedHeapMb)} MB after checking ${r.checkOnly.lines}; peak RSS ${c ? `${f(c.rawImport.peakRssMb, 0)}, ` : ''}${f(r.largeImport.peakRssMb, 0)} and ${f(r.checkOnly.peakRssMb, 0)} MB
(V8 lets garbage accumulate before collecting it, more so in a longer run). The import holds one batch (\`--batch-size\`),
the waiting queue (\`--max-deferred\`) and a tenant's apps and publishers, never the file.
`;
}
