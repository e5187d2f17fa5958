/** The one DynamoDB document client of a process. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

import { config } from '#shared/config.ts';

/**
 * Pointed at DynamoDB Local (which accepts any signature), the process signs with fake credentials unless
 * its environment holds some: then the SDK resolves them as in Lambda, through the Lambda bundles' env-only
 * provider (test/infra/lambda-bundle.test.ts runs a bundle so, to prove that provider works).
 */
export const localCredentials = (endpoint: string | undefined) =>
  endpoint && !(process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY)
    ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {};

export const dynamodb = new DynamoDBClient({
  region: config.region,
  ...(config.dynamodbEndpoint !== undefined ? { endpoint: config.dynamodbEndpoint } : {}),
  ...localCredentials(config.dynamodbEndpoint),
  // Throttling and transient errors are retried by the SDK with exponential backoff and jitter.
  maxAttempts: 5,
});

export const db = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
});

export const tableName = () => config.tableName;
