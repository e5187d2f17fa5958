/** The one DynamoDB document client of a process. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

import { config } from '#shared/config.ts';

const local = config.dynamodbEndpoint !== undefined;

export const dynamodb = new DynamoDBClient({
  region: config.region,
  ...(local ? { endpoint: config.dynamodbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  // Throttling and transient errors are retried by the SDK with exponential backoff and jitter.
  maxAttempts: 5,
});

export const db = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
});

export const tableName = () => config.tableName;
