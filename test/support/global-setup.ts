/** One DynamoDB Local for the whole test run (in memory); each test file uses its own table in it. */
import type { TestProject } from 'vitest/node';

import { type RunningDynamoDb, startDynamoDbLocal } from '#infra/local/dynamodb.ts';

let dynamo: RunningDynamoDb | undefined;

export async function setup(project: TestProject) {
  dynamo = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', dynamo.endpoint);
}

export async function teardown() {
  await dynamo?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}
