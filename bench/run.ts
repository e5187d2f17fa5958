/**
 * `npm run bench`: measures, writes BENCHMARKS.md and bench/results.json. Benchmarks are not tests:
 * nothing here fails; the figures are reported with the command that produced them.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { measureColdStarts } from './cold-start.ts';

const root = resolve(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 9);
const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}`;

console.log(`Cold start: bundling ${runs} fresh-process init runs per function…`);
const cold = await measureColdStarts(runs);

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const rows = cold.functions
  .map((f) => `| ${f.name} | ${kb(f.bytes)} | ${f.initMs.toFixed(1)} | ${f.initRatio.toFixed(2)}× |`)
  .join('\n');

const markdown = `# Benchmarks

Produced by \`npm run bench\` on ${machine}, ${new Date().toISOString().slice(0, 10)}.
Figures are medians; ratios are measured pair by pair in the same run. Benchmarks never fail \`npm test\`.

## Cold start

Each function bundled exactly as CDK bundles it (\`infra/bundling.ts\`: ESM, minified, AWS SDK bundled),
then imported in a fresh Node process; init = the time to evaluate the bundle, median of ${runs} runs.
The floor is a bundle holding only the DynamoDB client and one GetItem (\`bench/floor.ts\`).
Goals: init ≤ 1.15× the floor, bundle ≤ 360 KB.

| Function | Bundle (KB) | Init (ms) | Init vs floor |
|---|---:|---:|---:|
| **Floor** | ${kb(cold.floor.bytes)} | ${cold.floor.initMs.toFixed(1)} | 1.00× |
${rows}
`;

writeFileSync(resolve(root, 'BENCHMARKS.md'), markdown);
writeFileSync(resolve(root, 'bench/results.json'), `${JSON.stringify({ machine, date: new Date().toISOString(), runs, coldStart: cold }, null, 2)}\n`);
console.log(markdown);
