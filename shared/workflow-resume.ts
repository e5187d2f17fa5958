/**
 * Resumes bulk tasks on Step Functions (AWS, or the local runner through SFN_ENDPOINT): a new
 * execution of the same state machine, whose first state lists only the chunks not yet DONE. A new
 * execution rather than RedriveExecution, because the local runner has no redrive and an execution
 * that timed out or died with the local runtime cannot be redriven anyway.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

import { config } from './config.ts';

let client: SFNClient | undefined;

export async function resumeTaskExecution(tenantId: string, taskId: string, attempt: number): Promise<void> {
  const endpoint = process.env.SFN_ENDPOINT;
  client ??= new SFNClient({
    region: config.region,
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  await client.send(
    new StartExecutionCommand({
      stateMachineArn: process.env.STATE_MACHINE_ARN ?? config.stateMachineArn,
      // One name per attempt: the task's store record admits each attempt once (TaskStore.reopen).
      name: `${taskId}-resume-${attempt}`,
      input: JSON.stringify({ tenantId, taskId }),
    }),
  );
}
