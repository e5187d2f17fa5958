/**
 * The Lambda-only replacements of SDK modules (infra/lambda/, aliased in the bundles by infra/bundling.ts)
 * behave as the modules they replace, which the TypeScript source run by the other tests keeps.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { Sha256 as SdkSha256 } from '@smithy/core/checksum';
import * as sdkConfig from '@smithy/core/config';
import * as sdkRetry from '@smithy/core/retry';
import { afterAll, describe, expect, it } from 'vitest';

import * as ourConfig from '#infra/lambda/config-env.ts';
import * as ourRetry from '#infra/lambda/retry-standard.ts';
import { Sha256 } from '#infra/lambda/sha256-node.ts';

const repoRoot = resolve(import.meta.dirname, '../..');

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('the SHA-256 of the Lambda bundles (infra/lambda/sha256-node.ts)', () => {
  const inputs: (string | Uint8Array)[] = ['', 'AWS4-HMAC-SHA256', 'é✓', new Uint8Array([0, 1, 2, 255]), new Uint8Array(100_000).fill(7)];
  const secrets: (string | Uint8Array | undefined)[] = [undefined, 'AWS4secret', new Uint8Array([9, 8, 7])];

  it('gives the SDK’s digests, plain and HMAC, from strings and bytes', async () => {
    for (const secret of secrets) {
      const [ours, theirs] = [new Sha256(secret), new SdkSha256(secret)];
      for (const input of inputs) {
        ours.update(input);
        theirs.update(input as Uint8Array); // typed for bytes, takes strings as ours does
      }
      expect(hex(await ours.digest()), String(secret)).toBe(hex(await theirs.digest()));
    }
  });

  it('keeps a plain hash open after a digest, closes an HMAC, and starts over on reset', async () => {
    const [ours, theirs] = [new Sha256(), new SdkSha256()];
    for (const hash of [ours, theirs]) hash.update(Buffer.from('a'));
    expect(hex(await ours.digest())).toBe(hex(await theirs.digest()));
    for (const hash of [ours, theirs]) hash.update(Buffer.from('b'));
    expect(hex(await ours.digest())).toBe(hex(await theirs.digest()));

    const hmac = new Sha256('key');
    hmac.update('x');
    await hmac.digest();
    expect(() => hmac.update('y')).toThrow('Attempted to update an already finished hash.');
    hmac.reset();
    hmac.update('x');
    const again = new SdkSha256('key');
    again.update(Buffer.from('x'));
    expect(hex(await hmac.digest())).toBe(hex(await again.digest()));
  });
});

/** The SHA-256 of an SDK file a replacement copies: an SDK update that changes it fails here until the copy is checked again. */
const sdkFile = (path: string) =>
  createHash('sha256')
    .update(readFileSync(resolve(repoRoot, 'node_modules/@smithy/core/dist-es/submodules', path)))
    .digest('hex')
    .slice(0, 16);

describe('the retry configuration of the Lambda bundles (infra/lambda/retry-standard.ts)', () => {
  it('copies the SDK file it was written from', () => {
    expect(sdkFile('retry/middleware-retry/configurations.js')).toBe('d68c25bcd3fae789');
  });

  it('builds the SDK’s standard strategy from the same inputs', async () => {
    type Input = Parameters<typeof ourRetry.resolveRetryConfig>[0];
    const cases: [Input, { defaultMaxAttempts?: number; defaultBaseDelay?: number } | undefined][] = [
      [{}, undefined],
      [{ maxAttempts: 5, retryMode: 'standard' }, undefined],
      [{ maxAttempts: async () => 2, retryMode: async () => 'standard' }, { defaultBaseDelay: 10 }],
      [{ retryMode: undefined }, { defaultMaxAttempts: 7 }],
    ];
    const described = async (strategy: unknown) => {
      const { constructor, mode, baseDelay, maxAttemptsProvider } = strategy as {
        constructor: { name: string };
        mode: string;
        baseDelay: number;
        maxAttemptsProvider: () => Promise<number>;
      };
      return { kind: constructor.name, mode, baseDelay, maxAttempts: await maxAttemptsProvider() };
    };
    for (const [input, defaults] of cases) {
      const ours = ourRetry.resolveRetryConfig({ ...input }, defaults);
      const theirs = sdkRetry.resolveRetryConfig({ ...input } as Parameters<typeof sdkRetry.resolveRetryConfig>[0], defaults);
      const strategy = await ours.retryStrategy();
      expect(await described(strategy), JSON.stringify({ input, defaults })).toEqual(await described(await theirs.retryStrategy()));
      expect(await ours.maxAttempts()).toBe(await theirs.maxAttempts());
      expect(await ours.retryStrategy()).toBe(strategy);
    }
  });

  it('uses a strategy given to the client as is, and refuses the adaptive mode rather than retry otherwise', async () => {
    const given = new sdkRetry.StandardRetryStrategy(9);
    expect(await ourRetry.resolveRetryConfig({ retryStrategy: given }).retryStrategy()).toBe(given);
    await expect(ourRetry.resolveRetryConfig({ retryMode: 'adaptive' }).retryStrategy()).rejects.toThrow(
      'The adaptive retry mode (AWS_RETRY_MODE=adaptive) is not bundled',
    );
  });

  it('re-exports the rest of the SDK’s module', () => {
    const reexported = ourRetry as unknown as typeof sdkRetry;
    expect(reexported.getRetryPlugin).toBeTypeOf('function');
    expect(reexported.NODE_RETRY_MODE_CONFIG_OPTIONS.default).toBe(sdkRetry.NODE_RETRY_MODE_CONFIG_OPTIONS.default);
  });
});

/** Runs `check` with these environment variables (undefined: unset), then restores the environment. */
async function withEnv<T>(env: Record<string, string | undefined>, check: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    return await check();
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

/** A value or the message of the error it is: what a provider answers. */
const outcome = (provider: () => Promise<unknown>) =>
  provider().then(
    (value) => ({ value }),
    (error: Error) => ({ error: error.message }),
  );

describe('the configuration of the Lambda bundles (infra/lambda/config-env.ts)', () => {
  // As in Lambda: no config files (an empty home), no instance metadata service (the SDK's own switch, so it fails fast).
  const home = mkdtempSync(join(tmpdir(), 'orgbridge-home-'));
  const lambdaLike = { HOME: home, AWS_CONFIG_FILE: undefined, AWS_SHARED_CREDENTIALS_FILE: undefined, AWS_PROFILE: undefined };
  const sdkOnly = { AWS_EC2_METADATA_DISABLED: 'true' };
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('copies the SDK files it was written from', () => {
    expect(
      [
        'config/node-config-provider/configLoader.js',
        'config/node-config-provider/fromEnv.js',
        'config/config-resolver/regionConfig/config.js',
        'config/defaults-mode/resolveDefaultsModeConfig.js',
        'config/defaults-mode/defaultsModeConfig.js',
      ].map(sdkFile),
    ).toEqual(['52d078dae8acaf82', '5f3a6ce8d3c51884', '2831f2b499d882b9', '9be007b29bf82fc4', '26ad37473bcbf504']);
  });

  it('loads each setting as the SDK does where there are no config files', async () => {
    const settings = [
      ['region', ourConfig.NODE_REGION_CONFIG_OPTIONS, sdkConfig.NODE_REGION_CONFIG_OPTIONS, 'AWS_REGION', ['eu-west-3', undefined]],
      [
        'max attempts',
        sdkRetry.NODE_MAX_ATTEMPT_CONFIG_OPTIONS,
        sdkRetry.NODE_MAX_ATTEMPT_CONFIG_OPTIONS,
        'AWS_MAX_ATTEMPTS',
        ['5', 'x', undefined],
      ],
      [
        'retry mode',
        sdkRetry.NODE_RETRY_MODE_CONFIG_OPTIONS,
        sdkRetry.NODE_RETRY_MODE_CONFIG_OPTIONS,
        'AWS_RETRY_MODE',
        ['standard', undefined],
      ],
      [
        'FIPS',
        sdkConfig.NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS,
        sdkConfig.NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS,
        'AWS_USE_FIPS_ENDPOINT',
        ['true', 'false', 'maybe', undefined],
      ],
    ] as const;
    for (const [name, ours, theirs, variable, values] of settings) {
      for (const value of values) {
        const env = { ...lambdaLike, [variable]: value };
        const expected = await withEnv({ ...env, ...sdkOnly }, () => outcome(sdkConfig.loadConfig(theirs as never)));
        expect(await withEnv(env, () => outcome(ourConfig.loadConfig(ours as never))), `${name}: ${value}`).toEqual(expected);
      }
    }
  });

  it('resolves the defaults mode as the SDK does, `auto` included, without asking the instance metadata service', async () => {
    const cases: [Record<string, string | undefined>, string | undefined][] = [
      [{}, undefined],
      [{ AWS_DEFAULTS_MODE: 'standard' }, undefined],
      [{ AWS_DEFAULTS_MODE: 'In-Region' }, undefined],
      [{ AWS_DEFAULTS_MODE: 'bogus' }, undefined],
      [{ AWS_DEFAULTS_MODE: 'auto', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', AWS_REGION: 'eu-west-3' }, 'eu-west-3'],
      [{ AWS_DEFAULTS_MODE: 'auto', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', AWS_REGION: 'eu-west-3' }, 'us-east-1'],
      [{ AWS_DEFAULTS_MODE: 'auto', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', AWS_DEFAULT_REGION: 'eu-west-1' }, 'eu-west-1'],
      [{ AWS_DEFAULTS_MODE: 'auto', AWS_EXECUTION_ENV: undefined, AWS_REGION: 'eu-west-3' }, 'eu-west-3'],
      [{ AWS_DEFAULTS_MODE: 'auto' }, undefined],
    ];
    for (const [variables, region] of cases) {
      const env = { ...lambdaLike, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_EXECUTION_ENV: undefined, ...variables };
      const input = region === undefined ? undefined : { region };
      const expected = await withEnv({ ...env, ...sdkOnly }, () => outcome(sdkConfig.resolveDefaultsModeConfig(input)));
      expect(await withEnv(env, () => outcome(ourConfig.resolveDefaultsModeConfig(input))), JSON.stringify(variables)).toEqual(expected);
    }
  });

  it('refuses config files and profiles rather than ignore them', async () => {
    for (const variable of ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) {
      await withEnv({ ...lambdaLike, [variable]: join(home, 'config') }, async () =>
        expect(() => ourConfig.loadConfig(sdkRetry.NODE_RETRY_MODE_CONFIG_OPTIONS)).toThrow(
          `${variable} is set, but Orgbridge functions read no config files`,
        ),
      );
    }
    expect(() => ourConfig.loadConfig(sdkRetry.NODE_RETRY_MODE_CONFIG_OPTIONS, { profile: 'dev' })).toThrow(
      'A profile is asked for, but Orgbridge functions read no config files',
    );
  });
});
