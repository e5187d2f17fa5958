/** Starts bulk-task executions on Step Functions (AWS, or the local runner through SFN_ENDPOINT). */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

import { config } from './config.ts';

let client: SFNClient | undefined;

export async function startTaskExecution(tenantId: string, taskId: string): Promise<void> {
  const endpoint = process.env.SFN_ENDPOINT;
  client ??= new SFNClient({
    region: config.region,
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  await client.send(
    new StartExecutionCommand({
      stateMachineArn: process.env.STATE_MACHINE_ARN ?? config.stateMachineArn,
      // The task id names the execution: starting the same task twice is refused by Step Functions.
      name: taskId,
      input: JSON.stringify({ tenantId, taskId }),
    }),
  );
}
