/**
 * Cold start: each function bundled exactly as CDK bundles it, its minified size, and its module
 * init time (import of the bundle) in a fresh Node process, median of N runs, beside the floor.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

import { build } from 'esbuild';

import { routes, workers } from '#functions/routes.ts';
import { bundling } from '#infra/bundling.ts';

const root = resolve(import.meta.dirname, '..');
const out = resolve(root, 'bench/out');

export interface ColdStart {
  name: string;
  bytes: number;
  initMs: number;
  initRatio: number;
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function bundle(name: string, entry: string): Promise<string> {
  const outfile = resolve(out, name, 'index.mjs');
  await build({
    ...bundling,
    mainFields: [...bundling.mainFields],
    entryPoints: [resolve(root, entry)],
    bundle: true,
    outfile,
    banner: { js: bundling.banner },
    logLevel: 'silent',
  });
  return outfile;
}

/** Module init in a fresh process: the time to import (evaluate) the bundle, as Lambda's init does. */
function initMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(`file://${file}`)}); process.stdout.write(String(performance.now() - t));`;
  return Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, AWS_REGION: 'us-east-1', TABLE_NAME: 'bench' },
    }).toString(),
  );
}

export async function measureColdStarts(runs = 9): Promise<{ floor: ColdStart; functions: ColdStart[] }> {
  mkdirSync(out, { recursive: true });
  const entries = [{ name: 'Floor', handler: 'bench/floor.ts' }, ...routes, ...workers];
  const files = await Promise.all(entries.map((e) => bundle(e.name, e.handler)));
  // Interleave the runs so drift of the machine affects every function alike.
  const samples = entries.map(() => [] as number[]);
  for (let run = 0; run < runs; run++) files.forEach((file, i) => samples[i]!.push(initMs(file)));
  const results = entries.map((e, i) => ({ name: e.name, bytes: statSync(files[i]!).size, initMs: median(samples[i]!), initRatio: 0 }));
  const floor = results[0]!;
  for (const r of results) r.initRatio = r.initMs / floor.initMs;
  return { floor, functions: results.slice(1) };
}
