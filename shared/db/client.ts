/** The one DynamoDB document client of a process, made on first use from the configuration then. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

import { config, localCredentials } from '#shared/config.ts';

let client: DynamoDBDocumentClient | undefined;

export function db(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: config.region,
      ...(config.dynamodbEndpoint !== undefined ? { endpoint: config.dynamodbEndpoint } : {}),
      ...localCredentials(config.dynamodbEndpoint),
      // Throttling and transient errors are retried by the SDK with exponential backoff and jitter.
      maxAttempts: 5,
    }),
    { marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false } },
  );
  return client;
}

export const tableName = () => config.tableName;
