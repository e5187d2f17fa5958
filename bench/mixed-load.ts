/**
 * A bounded, open-loop mixed workload against a running API: a fixed request rate for a fixed
 * duration, reads and writes of all four dialects in rotation. Used by the load test (which asserts
 * zero errors) and by `npm run bench` (which reports the latency percentiles at several rates, so the
 * rate where the one local server runs out of CPU shows).
 */
import { percentile } from './harness.ts';

export interface MixedLoadResult {
  requests: number;
  errors: { status: number; path: string }[];
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  ratePerSecond: number;
  seconds: number;
}

type Step = { method: string; path: string; headers: Record<string, string>; body?: string };

export function mixedWorkload(responsysToken: string): Step[] {
  const netux = { 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73', 'content-type': 'application/json' };
  const engagement = { 'x-api-key': 'demo-engagement-key-0001', 'content-type': 'application/json' };
  const apidaeQuery = encodeURIComponent(
    JSON.stringify({ projetId: 1234, apiKey: 'demoApidaeKey1', filter: { communeCodePostal: '69000' } }),
  );
  let n = 0;
  return [
    { method: 'GET', path: '/api/v2.0/organizations/?page_size=5', headers: netux },
    {
      method: 'PATCH',
      path: '/api/v2.0/organizations/~organization-fourth/',
      headers: netux,
      get body() {
        return JSON.stringify({ description: `load ${n++}` });
      },
    },
    { method: 'GET', path: '/v0/myorganization/mon_organisation_id_1', headers: engagement },
    {
      method: 'PUT',
      path: '/v0/myorganization/mon_organisation_id_1',
      headers: engagement,
      body: JSON.stringify({ publisherIds: ['partenaire_id_1'] }),
    },
    { method: 'GET', path: `/api/v002/membre/get-membres?query=${apidaeQuery}`, headers: {} },
    { method: 'GET', path: '/api/v002/membre/get-by-id/7?apiKey=demoApidaeKey1&projetId=1234', headers: {} },
    { method: 'GET', path: '/rest/api/v1.3/attributes/programs/Welcome', headers: { Authorization: responsysToken } },
    {
      method: 'POST',
      path: '/rest/api/v1.3/attributes/programs/Welcome',
      headers: { Authorization: responsysToken, 'content-type': 'application/json' },
      body: JSON.stringify({ attributes: { organizations: { attributeValues: [{ name: 'USA' }] } } }),
    },
  ];
}

export async function runMixedLoad(baseUrl: string, steps: Step[], ratePerSecond: number, seconds: number): Promise<MixedLoadResult> {
  const total = Math.round(ratePerSecond * seconds);
  const latencies: number[] = [];
  const errors: { status: number; path: string }[] = [];
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    // Open loop: request i is sent at its scheduled time, whatever the latency of the others.
    const due = started + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const step = steps[i % steps.length]!;
    inFlight.push(
      (async () => {
        const t = performance.now();
        const response = await fetch(`${baseUrl}${step.path}`, { method: step.method, headers: step.headers, body: step.body }).catch(
          () => undefined,
        );
        await response?.arrayBuffer();
        latencies.push(performance.now() - t);
        if (!response || response.status >= 400) errors.push({ status: response?.status ?? 0, path: step.path });
      })(),
    );
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return {
    requests: total,
    errors,
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1] ?? 0,
    ratePerSecond,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The rates the bench runs the workload at, one after another (BENCH_LOAD_RATES, requests per second). */
export const loadRates = (): number[] => (process.env.BENCH_LOAD_RATES ?? '25,50,100').split(',').map(Number);

const f = (value: number, digits = 2) => value.toFixed(digits);

/** Each error kind once, with its count: "429 PATCH /api/v2.0/organizations/~organization-fourth/ × 12". */
function errorSummary(errors: MixedLoadResult['errors']): string {
  const counts = new Map<string, number>();
  for (const { status, path } of errors)
    counts.set(`${status} ${path.split('?')[0]}`, (counts.get(`${status} ${path.split('?')[0]}`) ?? 0) + 1);
  return [...counts].map(([error, count]) => `${error} × ${count}`).join(', ') || '—';
}

export function mixedLoadSection(results: MixedLoadResult[], seconds: number, measuredOn: string): string {
  return `## Mixed load

${measuredOn}. Open loop at a fixed rate through the local server (loopback; one Node process for every
handler, beside DynamoDB Local, on this machine's cores), on the demo data: each rate for ${seconds} s, one after
another, rotating reads and writes of all four dialects (\`bench/mixed-load.ts\`; 1 request in 8 is a PATCH
of one organization's description, so its writers contend; the same workload runs in \`npm test\` at 40
requests/s for 5 s and must see no error). \`BENCH_ONLY=mixed-load npm run bench\` runs this section alone;
\`BENCH_LOAD_RATES\` and \`BENCH_LOAD_SECONDS\` set the rates and duration. Past the rate the one server
can serve, requests queue and latency grows with the run: a limit of the local runtime, where one process
serves every request, not of a deployed stage, where each request has its own Lambda.

| Rate (req/s) | Requests | Errors | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | Errors by kind |
|---:|---:|---:|---:|---:|---:|---:|---|
${results.map((r) => `| ${r.ratePerSecond} | ${r.requests} | ${r.errors.length} | ${f(r.p50Ms)} | ${f(r.p90Ms)} | ${f(r.p99Ms)} | ${f(r.maxMs)} | ${errorSummary(r.errors)} |`).join('\n')}
`;
}
