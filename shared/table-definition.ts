/**
 * The one definition of the single table. Read by the CDK stack (infra/stack.ts) and by the local
 * bootstrap (infra/local/dynamodb.ts), so the cloud table and DynamoDB Local cannot drift apart.
 * Plain data only: no AWS SDK or CDK imports, so both sides can consume it.
 */
export const tableDefinition = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** Epoch seconds; DynamoDB removes the item some time after (tokens, rate-limit windows, old tasks). */
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    {
      // Overloaded index for patterns that tolerate eventual consistency (tasks by status for
      // reconciliation). Items opt in by carrying GSI1PK/GSI1SK (sparse index).
      indexName: 'GSI1',
      partitionKey: 'GSI1PK',
      sortKey: 'GSI1SK',
    },
  ],
} as const;

/** The overloaded GSI's name, for the queries that read it. */
export const gsi1 = tableDefinition.globalSecondaryIndexes[0].indexName;

export type TableDefinition = typeof tableDefinition;

export const defaultTableName = 'orgbridge';
