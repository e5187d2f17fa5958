/** The one DynamoDB document client of a process, made on first use from the configuration then. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

import { currentAbortSignal } from '#shared/cancellation.ts';
import { config, localCredentials } from '#shared/config.ts';

let client: DynamoDBDocumentClient | undefined;

/** Reads an aborted invocation no longer makes (shared/cancellation.ts). */
const READS = /^(GetItem|BatchGetItem|Query|Scan)Command$/;

export function db(): DynamoDBDocumentClient {
  if (client) return client;
  client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: config.region,
      ...(config.dynamodbEndpoint !== undefined ? { endpoint: config.dynamodbEndpoint } : {}),
      ...localCredentials(config.dynamodbEndpoint),
      // Throttling and transient errors are retried by the SDK with exponential backoff and jitter.
      maxAttempts: 5,
    }),
    { marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false } },
  );
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (READS.test(context.commandName ?? '')) currentAbortSignal()?.throwIfAborted();
      return next(args);
    },
    // After the SDK's retry middleware (finalizeRequest, high): every attempt is checked, retries included.
    { step: 'finalizeRequest', priority: 'low', name: 'stopAbortedReads' },
  );
  return client;
}

export const tableName = () => config.tableName;
