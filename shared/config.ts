/** Runtime configuration, read once per process from the environment (set by CDK or the local runtime). */
import { defaultTableName } from '#shared/table-definition.ts';

export const config = {
  tableName: process.env.TABLE_NAME ?? defaultTableName,
  /** Points the SDK at DynamoDB Local (or any endpoint); unset in AWS. */
  dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT,
  stateMachineArn: process.env.STATE_MACHINE_ARN ?? '',
  /** Points the Step Functions client at the local runner; unset in AWS. */
  stepFunctionsEndpoint: process.env.SFN_ENDPOINT,
  region: process.env.AWS_REGION ?? 'us-east-1',
  /** Read once per process (like everything here): a process.env read costs microseconds per request. */
  defaultRateLimit: {
    limit: Number(process.env.RATE_LIMIT_DEFAULT ?? 600),
    windowSeconds: Number(process.env.RATE_LIMIT_WINDOW_SECONDS ?? 60),
  },
};
