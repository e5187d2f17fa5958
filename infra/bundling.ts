/**
 * How every function is bundled and started: one definition, read by the CDK NodejsFunction construct
 * (infra/constructs/orgbridge-function.ts, through the esbuild command line) and by the benchmark and
 * the bundle test (through esbuild's API), so the measured bundle is the deployed one
 * (test/infra/lambda-bundle.test.ts checks that both produce the same bytes).
 */
import { resolve } from 'node:path';

import type { BuildOptions } from 'esbuild';

import { lambdaWiring } from './lambda-wiring.ts';

const lambdaOnly = (file: string) => resolve(import.meta.dirname, 'lambda', file);

export const bundling = {
  format: 'esm',
  target: 'node24',
  platform: 'node',
  minify: true,
  /**
   * A map beside each bundle, read by the logger at the first logged error to give stack frames their source
   * lines (shared/logger.ts). Not through Node's --enable-source-maps: Node then parses the map as the bundle
   * loads, ~15 ms of every cold start (a quarter of a function's init, BENCHMARKS.md). Mappings only, without
   * the sources: 0.4 MB instead of 1.5 MB.
   */
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // CommonJS dependencies inside an ESM bundle still call require().
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  /**
   * Replaced in Lambda bundles only (the TypeScript source, run locally and by the tests, keeps the
   * originals): what the esbuild metafile showed as carried but never run in Lambda. Each module says why.
   */
  alias: {
    '@aws-sdk/credential-provider-node': lambdaOnly('credential-provider-env.ts'),
    '@smithy/core/event-streams': lambdaOnly('no-event-streams.ts'),
    '@aws-sdk/middleware-endpoint-discovery': lambdaOnly('no-endpoint-discovery.ts'),
    '@smithy/core/checksum': lambdaOnly('sha256-node.ts'),
    '@aws/lambda-invoke-store': lambdaOnly('invoke-store.ts'),
    '@smithy/core/retry': lambdaOnly('retry-standard.ts'),
    '@smithy/core/config': lambdaOnly('config-env.ts'),
  },
} as const;

const options = (entry: string, outfile: string, alias: Record<string, string>): BuildOptions => {
  const { banner, ...shared } = bundling;
  return {
    ...shared,
    mainFields: [...bundling.mainFields],
    banner: { js: banner },
    alias,
    entryPoints: [entry],
    bundle: true,
    outfile,
    logLevel: 'silent',
  };
};

/**
 * The aliases of one function's bundle: the replacements above, and `#shared/wiring.ts` → a module installing only the
 * store methods that function calls (infra/lambda-wiring.ts, which bundles the function once to find them).
 */
export const functionAlias = (entry: string): Record<string, string> => ({
  ...bundling.alias,
  '#shared/wiring.ts': lambdaWiring(options(entry, 'index.mjs', bundling.alias)),
});

/**
 * esbuild API options for one function, equivalent to what CDK passes on the esbuild command line.
 * `alias` is replaceable only for the benchmark's floors (bundles built without these replacements).
 */
export function esbuildOptions(entry: string, outfile: string, alias?: Record<string, string>): BuildOptions {
  return options(entry, outfile, alias ?? functionAlias(entry));
}
