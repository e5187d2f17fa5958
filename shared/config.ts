/**
 * Runtime configuration. In Lambda it comes from the environment CDK sets, read once per process;
 * the local composition roots (local runtime, admin CLI, tests, bench) call `configure` with what
 * they decided instead of writing `process.env`. Clients read it when they are first used.
 */
import type { RateLimit } from '#shared/domain/credential.ts';

import { defaultTableName } from './table-definition.ts';

export interface Config {
  tableName: string;
  /** Points the SDK at DynamoDB Local (or any endpoint); unset in AWS. */
  dynamodbEndpoint: string | undefined;
  stateMachineArn: string;
  /** Points the Step Functions client at the local runner; unset in AWS. */
  stepFunctionsEndpoint: string | undefined;
  region: string;
  /** A credential's rate limit unless it carries its own. */
  defaultRateLimit: RateLimit;
}

const env = process.env;

export const config: Readonly<Config> = {
  tableName: env.TABLE_NAME ?? defaultTableName,
  dynamodbEndpoint: env.DYNAMODB_ENDPOINT,
  stateMachineArn: env.STATE_MACHINE_ARN ?? '',
  stepFunctionsEndpoint: env.SFN_ENDPOINT,
  region: env.AWS_REGION ?? 'us-east-1',
  defaultRateLimit: { limit: Number(env.RATE_LIMIT_DEFAULT ?? 600), windowSeconds: Number(env.RATE_LIMIT_WINDOW_SECONDS ?? 60) },
};

/** Sets values for this process (before the first request for the clients' endpoints and table). */
export function configure(values: Partial<Config>): void {
  Object.assign(config, values);
}

/**
 * Pointed at a local endpoint (DynamoDB Local, the local Step Functions runner: they accept any
 * signature), a client signs with fake credentials unless the environment holds some: then the SDK
 * resolves them as in Lambda, through the Lambda bundles' env-only provider (test/infra/lambda-bundle.test.ts).
 */
export const localCredentials = (endpoint: string | undefined) =>
  endpoint && !(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)
    ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {};
