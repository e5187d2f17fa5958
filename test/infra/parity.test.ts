/** What runs locally equals what CDK deploys: the table's shape, the ASL's validity and state names. */
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import aslValidator from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';

import { workers } from '#functions/routes.ts';
import { localClient } from '#infra/local/dynamodb.ts';
import { readDefinition, substitute } from '#infra/state-machine/definition.ts';
import { config } from '#shared/config.ts';
import { tableName } from '#shared/db/client.ts';
import { tableDefinition } from '#shared/table-definition.ts';
import { createTable } from '#test/support/table.ts';

beforeAll(createTable);

describe('local table', () => {
  it('has the keys, indexes and TTL of the shared definition (the one CDK builds from)', async () => {
    const client = localClient(config.dynamodbEndpoint!);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName() }));
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName() }));
    client.destroy();
    expect(Table!.KeySchema).toEqual([
      { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
    ]);
    expect(Table!.GlobalSecondaryIndexes!.map((g) => [g.IndexName, g.KeySchema, g.Projection])).toEqual(
      tableDefinition.globalSecondaryIndexes.map((g) => [
        g.indexName,
        [
          { AttributeName: g.partitionKey, KeyType: 'HASH' },
          { AttributeName: g.sortKey, KeyType: 'RANGE' },
        ],
        { ProjectionType: 'ALL' },
      ]),
    );
    expect(Table!.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(TimeToLiveDescription).toMatchObject({ AttributeName: tableDefinition.timeToLiveAttribute, TimeToLiveStatus: 'ENABLED' });
  });
});

describe('state machine definition', () => {
  const definition = JSON.parse(
    substitute(
      readDefinition(),
      Object.fromEntries(workers.map((w) => [w.substitution, `arn:aws:lambda:us-east-1:123456789012:function:${w.name}`])),
    ),
  );

  it('is valid Amazon States Language', () => {
    const { isValid, errorsText } = aslValidator(definition);
    expect(errorsText()).toBe('');
    expect(isValid).toBe(true);
  });

  it('names every worker Task state uniquely and has a substitution for each', () => {
    const taskStates: string[] = [];
    const walk = (states: Record<string, { Type: string; ItemProcessor?: { States: never } }>) => {
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === 'Task') taskStates.push(name);
        if (state.ItemProcessor) walk(state.ItemProcessor.States);
      }
    };
    walk(definition.States);
    expect(new Set(taskStates).size).toBe(taskStates.length);
    expect(taskStates.sort()).toEqual(workers.map((w) => w.stateName).sort());
    expect(readDefinition()).not.toMatch(/\$\{(?!PrepareTaskFunctionArn|ApplyChunkFunctionArn|FinalizeTaskFunctionArn)/);
  });
});
