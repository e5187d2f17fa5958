/**
 * Request path: each endpoint through the local API server (HTTP, keep-alive, fixed concurrency and
 * duration) beside the same DynamoDB calls issued directly at the same concurrency, pair by pair.
 */
import { median } from './cold-start.ts';
import type { Endpoint } from './endpoints.ts';
import { runLoad, type LoadResult } from './harness.ts';

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

export async function measureRequestPath(
  baseUrl: string,
  endpoints: Endpoint[],
  context: { responsysToken: string },
  options: { durationMs: number; concurrency: number; rounds: number },
): Promise<PathResult[]> {
  const results: PathResult[] = [];
  for (const endpoint of endpoints) {
    const send = async () => {
      const r = endpoint.request(context);
      const response = await fetch(`${baseUrl}${r.path}`, { method: r.method, headers: r.headers, body: r.body });
      await response.arrayBuffer();
      return response.status < 400;
    };
    const direct = async () => {
      await endpoint.direct(context);
      return true;
    };
    // Warm both paths (handler modules load lazily; the first DynamoDB connections open).
    await runLoad(300, options.concurrency, send);
    await runLoad(300, options.concurrency, direct);
    const http: LoadResult[] = [];
    const directRuns: LoadResult[] = [];
    for (let round = 0; round < options.rounds; round++) {
      http.push(await runLoad(options.durationMs, options.concurrency, send));
      directRuns.push(await runLoad(options.durationMs, options.concurrency, direct));
    }
    const h = summarize(http);
    const d = summarize(directRuns);
    results.push({ name: endpoint.name, dialect: endpoint.dialect, kind: endpoint.kind, http: h, direct: d, p50Ratio: h.p50Ms / d.p50Ms });
    console.log(`  ${endpoint.name}: p50 ${h.p50Ms.toFixed(2)} ms vs ${d.p50Ms.toFixed(2)} ms direct (${(h.p50Ms / d.p50Ms).toFixed(2)}×)`);
  }
  return results;
}
