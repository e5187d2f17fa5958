/**
 * Starts bulk-task executions on Step Functions (AWS, or the local runner at config.stepFunctionsEndpoint). Only the
 * functions that start executions (routes with `startsExecutions`) bundle `@aws-sdk/client-sfn`: the others
 * never call this, and esbuild drops it from their bundles (test/infra/lambda-bundle.test.ts checks both).
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

import { config, localCredentials } from './config.ts';

let client: SFNClient | undefined;

export async function startTaskExecution(tenantId: string, taskId: string): Promise<void> {
  const endpoint = config.stepFunctionsEndpoint;
  client ??= new SFNClient({ region: config.region, ...(endpoint ? { endpoint } : {}), ...localCredentials(endpoint) });
  await client.send(
    new StartExecutionCommand({
      stateMachineArn: config.stateMachineArn,
      // The task id names the execution: starting the same task twice is refused by Step Functions.
      name: taskId,
      input: JSON.stringify({ tenantId, taskId }),
    }),
  );
}
