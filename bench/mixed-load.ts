/**
 * A bounded, open-loop mixed workload against a running API: a fixed request rate for a fixed
 * duration, reads and writes of all four dialects in rotation. Used by the load test (which asserts
 * zero errors) and by `npm run bench` (which reports the latency percentiles).
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
