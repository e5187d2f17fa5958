/**
 * Request path: each endpoint through the local API server (HTTP keep-alive, fixed concurrency and
 * duration) beside the same DynamoDB calls issued directly at the same concurrency, pair by pair.
 * The HTTP side is driven by autocannon: one keep-alive connection per concurrent client, a light
 * client (about a quarter of fetch's CPU per request), so on a small machine the load generator
 * takes as little CPU as possible from the server it measures. Latencies are autocannon's per-response
 * hrtime durations, so HTTP and direct percentiles are computed the same way.
 */
import autocannon from 'autocannon';

import { median } from './cold-start.ts';
import type { BenchRequest, Endpoint } from './endpoints.ts';
import { type LoadResult, percentile, runLoad } from './harness.ts';

export interface PathResult {
  name: string;
  dialect: string;
  kind: string;
  http: LoadResult;
  direct: LoadResult;
  p50Ratio: number;
}

const summarize = (runs: LoadResult[]): LoadResult => ({
  requests: runs.reduce((s, r) => s + r.requests, 0),
  errors: runs.reduce((s, r) => s + r.errors, 0),
  p50Ms: median(runs.map((r) => r.p50Ms)),
  p99Ms: median(runs.map((r) => r.p99Ms)),
  throughput: median(runs.map((r) => r.throughput)),
});

/** Closed-loop HTTP load: `concurrency` connections, each sending the next request when the last answered. */
async function runHttpLoad(baseUrl: string, request: () => BenchRequest, durationMs: number, concurrency: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections: concurrency,
        duration: durationMs / 1000,
        // Built per request: some endpoints change their body on every call (a PATCH counter).
        requests: [{ setupRequest: () => request() }],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      latencies.push(responseTimeMs);
      if (statusCode >= 400) errors++;
    });
  });
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors: errors + result.errors + result.timeouts,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    throughput: latencies.length / (durationMs / 1000),
  };
}

export async function measureRequestPath(
  baseUrl: string,
  endpoints: Endpoint[],
  context: { responsysToken: string },
  options: { durationMs: number; concurrency: number; rounds: number },
): Promise<PathResult[]> {
  const results: PathResult[] = [];
  for (const endpoint of endpoints) {
    const http = (durationMs: number) => runHttpLoad(baseUrl, () => endpoint.request(context), durationMs, options.concurrency);
    const direct = (durationMs: number) =>
      runLoad(durationMs, options.concurrency, async () => {
        await endpoint.direct(context);
        return true;
      });
    // Warm both paths (handler modules load lazily; the first DynamoDB connections open).
    await http(500);
    await direct(500);
    const httpRuns: LoadResult[] = [];
    const directRuns: LoadResult[] = [];
    for (let round = 0; round < options.rounds; round++) {
      httpRuns.push(await http(options.durationMs));
      directRuns.push(await direct(options.durationMs));
    }
    const h = summarize(httpRuns);
    const d = summarize(directRuns);
    results.push({ name: endpoint.name, dialect: endpoint.dialect, kind: endpoint.kind, http: h, direct: d, p50Ratio: h.p50Ms / d.p50Ms });
    console.log(
      `  ${endpoint.name}: p50 ${h.p50Ms.toFixed(2)} ms vs ${d.p50Ms.toFixed(2)} ms direct (${(h.p50Ms / d.p50Ms).toFixed(2)}×), ${h.requests} requests, ${h.errors} errors`,
    );
  }
  return results;
}
