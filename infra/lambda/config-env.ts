/**
 * Lambda bundles only (esbuild alias of `@smithy/core/config`, infra/bundling.ts): the SDK's configuration module,
 * with its settings read from environment variables and defaults only, never from shared config files or the
 * instance metadata service. The SDK resolves each client setting (region, retry mode, max attempts, FIPS,
 * dual-stack, endpoint URL, defaults mode, app id…) from the environment, then from `~/.aws/config` and
 * `~/.aws/credentials` (its INI file loader), then a default; the region's default, and the `auto` defaults mode,
 * ask EC2's instance metadata service (IMDS). A Lambda function has neither files (no AWS_CONFIG_FILE, no `~/.aws`)
 * nor IMDS, and always has AWS_REGION (and AWS_EXECUTION_ENV) set: the loader and the IMDS client (4.7 KB) are dead
 * weight there, and their file reads at the first request are for files that do not exist.
 * So this module is the SDK's own (every other name re-exported from its ES module file, by path, since its package
 * name means this module in a bundle), with:
 *  - `loadConfig`: the environment, then the default — the SDK's chain without its middle link. It throws when
 *    AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE is set, or a `profile` is asked for, rather than ignore them
 *    (so, for those variables, as the bundle loads: the SDK reads a setting at its modules' load; a failed init);
 *  - `NODE_REGION_CONFIG_OPTIONS`: AWS_REGION, and "Region is missing" without it (the SDK's error once IMDS
 *    has no answer either);
 *  - `resolveDefaultsModeConfig`: the SDK's, whose `auto` mode infers the physical region from AWS_EXECUTION_ENV
 *    and AWS_REGION / AWS_DEFAULT_REGION as the SDK does first, and is then `standard` (the SDK's answer when IMDS
 *    has none) instead of asking IMDS.
 * Copies of the SDK's (@smithy/core 3.41, node-config-provider/configLoader.js, regionConfig/config.js,
 * defaults-mode/resolveDefaultsModeConfig.js): test/unit/lambda-replacements.test.ts compares them with the SDK's and
 * pins those files, so an SDK update that changes them fails until this is checked again. Should these functions
 * ever need a config file, this replacement has to go.
 */
import type * as Sdk from '@smithy/core/config';
import type { LoadedConfigSelectors } from '@smithy/core/config';
import type { Logger, Provider } from '@smithy/types';

// prettier-ignore
// @ts-expect-error TS7016: the SDK's ES module has no declarations beside it (they are the package's, imported as types).
import { chain as c, CredentialsProviderError as E, fromStatic as s, memoize as m } from '../../node_modules/@smithy/core/dist-es/submodules/config/index.js';

// @ts-expect-error TS7016: as above; everything but the three names below is the SDK's own.
export * from '../../node_modules/@smithy/core/dist-es/submodules/config/index.js';

const [chain, CredentialsProviderError, fromStatic, memoize] = [c, E, s, m] as [
  typeof Sdk.chain,
  typeof Sdk.CredentialsProviderError,
  typeof Sdk.fromStatic,
  typeof Sdk.memoize,
];

const noFiles = (what: string): never => {
  throw new Error(`${what}, but Orgbridge functions read no config files (infra/lambda/config-env.ts).`);
};

export const loadConfig = <T>(
  { environmentVariableSelector, default: defaultValue }: LoadedConfigSelectors<T>,
  configuration: { profile?: string; logger?: Logger; signingName?: string } = {},
): Provider<T> => {
  for (const variable of ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) if (process.env[variable]) noFiles(`${variable} is set`);
  if (configuration.profile) noFiles('A profile is asked for');
  const { signingName, logger } = configuration;
  // The SDK's fromEnv: a value, or an error that passes on to the next link.
  const fromEnv: Provider<T> = async () => {
    try {
      const value = environmentVariableSelector(process.env, { signingName, logger });
      if (value !== undefined) return value;
      throw new Error();
    } catch (error) {
      throw new CredentialsProviderError((error as Error).message || 'Not found in ENV', { logger });
    }
  };
  return memoize(chain(fromEnv, fromStatic(defaultValue)));
};

export const NODE_REGION_CONFIG_OPTIONS: LoadedConfigSelectors<string> = {
  environmentVariableSelector: (env) => env.AWS_REGION,
  configFileSelector: (profile) => profile.region,
  default: () => {
    throw new Error('Region is missing');
  },
};

const DEFAULTS_MODES = ['in-region', 'cross-region', 'mobile', 'standard', 'legacy'];

export const resolveDefaultsModeConfig = ({
  region = loadConfig(NODE_REGION_CONFIG_OPTIONS),
  defaultsMode = loadConfig<string | undefined>({
    environmentVariableSelector: (env) => env.AWS_DEFAULTS_MODE,
    configFileSelector: (profile) => profile.defaults_mode,
    default: 'legacy',
  }),
}: { region?: string | Provider<string>; defaultsMode?: string | Provider<string | undefined> } = {}): Provider<string> =>
  memoize(async () => {
    const mode = (typeof defaultsMode === 'function' ? await defaultsMode() : defaultsMode)?.toLowerCase();
    if (mode === undefined) return 'legacy';
    if (DEFAULTS_MODES.includes(mode)) return mode;
    if (mode !== 'auto') throw new Error(`Invalid parameter for "defaultsMode", expect ${DEFAULTS_MODES.join(', ')}, got ${mode}`);
    if (!region) return 'standard';
    const resolvedRegion = typeof region === 'function' ? await region() : region;
    // The physical region as the SDK infers it before it asks IMDS; without IMDS, no answer is `standard`, as there.
    const { AWS_EXECUTION_ENV, AWS_REGION, AWS_DEFAULT_REGION } = process.env;
    const inferredRegion = AWS_EXECUTION_ENV && (AWS_REGION || AWS_DEFAULT_REGION) ? (AWS_REGION ?? AWS_DEFAULT_REGION) : undefined;
    if (!inferredRegion) return 'standard';
    return resolvedRegion === inferredRegion ? 'in-region' : 'cross-region';
  });
