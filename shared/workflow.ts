/**
 * Starts bulk-task executions on Step Functions (AWS, or the local runner through SFN_ENDPOINT). Only the
 * functions that start executions (routes with `startsExecutions`) bundle `@aws-sdk/client-sfn`: the others
 * never call this, and esbuild drops it from their bundles (test/infra/lambda-bundle.test.ts checks both).
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

import { localCredentials } from '#shared/db/client.ts';

import { config } from './config.ts';

let client: SFNClient | undefined;

export async function startTaskExecution(tenantId: string, taskId: string): Promise<void> {
  const endpoint = process.env.SFN_ENDPOINT;
  client ??= new SFNClient({ region: config.region, ...(endpoint ? { endpoint } : {}), ...localCredentials(endpoint) });
  await client.send(
    new StartExecutionCommand({
      stateMachineArn: process.env.STATE_MACHINE_ARN ?? config.stateMachineArn,
      // The task id names the execution: starting the same task twice is refused by Step Functions.
      name: taskId,
      input: JSON.stringify({ tenantId, taskId }),
    }),
  );
}
