/**
 * Lambda bundles only (esbuild alias of `@smithy/core/retry`, infra/bundling.ts): the SDK's retry module, whose
 * `resolveRetryConfig` builds the client's retry strategy, without its `adaptive` mode. The SDK's function imports
 * `AdaptiveRetryStrategy` and its client-side rate limiter (3.3 KB) for the case `AWS_RETRY_MODE=adaptive`; these
 * functions run in the SDK's default `standard` mode (nothing sets a retry mode), so they are dead weight in every
 * bundle. This module is the SDK's own (every other name re-exported from its ES module file, by path, since its
 * package name means this module in a bundle), with `resolveRetryConfig` a copy of the SDK's (@smithy/core 3.41,
 * middleware-retry/configurations.js) whose standard strategy is built exactly as there, and whose adaptive branch
 * throws instead: should a retry mode of `adaptive` ever reach a function, its DynamoDB calls fail with this message
 * rather than retry otherwise than asked. test/unit/lambda-replacements.test.ts compares it with the SDK's and pins
 * the SDK file it copies, so an SDK update that changes that file fails until this is checked again.
 * A `retryStrategy` given to the client is used as is, as the SDK does.
 */
import { normalizeProvider } from '@smithy/core/client';
import type * as Sdk from '@smithy/core/retry';
import type { Provider, RetryStrategy, RetryStrategyV2 } from '@smithy/types';

// prettier-ignore
// @ts-expect-error TS7016: the SDK's ES module has no declarations beside it (they are the package's, imported as types).
import { DEFAULT_MAX_ATTEMPTS as M, Retry as D, RETRY_MODES as R, StandardRetryStrategy as S } from '../../node_modules/@smithy/core/dist-es/submodules/retry/index.js';

// @ts-expect-error TS7016: as above; everything but resolveRetryConfig is the SDK's own.
export * from '../../node_modules/@smithy/core/dist-es/submodules/retry/index.js';

const [DEFAULT_MAX_ATTEMPTS, RETRY_MODES, Retry, StandardRetryStrategy] = [M, R, D, S] as [
  typeof Sdk.DEFAULT_MAX_ATTEMPTS,
  typeof Sdk.RETRY_MODES,
  typeof Sdk.Retry,
  typeof Sdk.StandardRetryStrategy,
];

interface RetryInput {
  retryStrategy?: RetryStrategy | RetryStrategyV2;
  retryMode?: string | Provider<string>;
  maxAttempts?: number | Provider<number>;
}

export const resolveRetryConfig = <T extends RetryInput>(
  input: T,
  defaults?: { defaultMaxAttempts?: number; defaultBaseDelay?: number },
): T & { maxAttempts: Provider<number>; retryStrategy: Provider<RetryStrategyV2 | RetryStrategy> } => {
  const { retryStrategy, retryMode } = input;
  const { defaultMaxAttempts = DEFAULT_MAX_ATTEMPTS, defaultBaseDelay = Retry.delay() } = defaults ?? {};
  const maxAttemptsProvider = normalizeProvider(input.maxAttempts ?? defaultMaxAttempts);
  let controller: Promise<RetryStrategyV2 | RetryStrategy> | undefined = retryStrategy ? Promise.resolve(retryStrategy) : undefined;
  const getDefault = async () => {
    const maxAttempts = await maxAttemptsProvider();
    const mode = await normalizeProvider(retryMode)();
    if (mode === RETRY_MODES.ADAPTIVE) {
      throw new Error(
        'The adaptive retry mode (AWS_RETRY_MODE=adaptive) is not bundled into Orgbridge functions: ' +
          'they retry in standard mode (infra/lambda/retry-standard.ts).',
      );
    }
    return new StandardRetryStrategy({ maxAttempts, baseDelay: defaultBaseDelay });
  };
  return Object.assign(input, {
    maxAttempts: maxAttemptsProvider,
    retryStrategy: () => (controller ??= getDefault()),
  });
};
