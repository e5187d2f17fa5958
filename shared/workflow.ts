/**
 * Starts bulk-task executions on Step Functions (AWS, or the local runner at config.stepFunctionsEndpoint). Only the
 * functions that start executions (routes with `startsExecutions`) bundle `@aws-sdk/client-sfn`: the others
 * never call this, and esbuild drops it from their bundles (test/infra/lambda-bundle.test.ts checks both).
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

import { config, localCredentials } from './config.ts';

let client: SFNClient | undefined;

async function startExecution(tenantId: string, taskId: string, name: string): Promise<void> {
  const endpoint = config.stepFunctionsEndpoint;
  client ??= new SFNClient({ region: config.region, ...(endpoint ? { endpoint } : {}), ...localCredentials(endpoint) });
  await client.send(
    new StartExecutionCommand({ stateMachineArn: config.stateMachineArn, name, input: JSON.stringify({ tenantId, taskId }) }),
  );
}

/** The task id names the execution: starting the same task twice is refused by Step Functions. */
export const startTaskExecution = (tenantId: string, taskId: string) => startExecution(tenantId, taskId, taskId);

/**
 * Resumes a task: a new execution of the same state machine, whose first state lists only the chunks
 * not yet DONE. A new execution rather than RedriveExecution, because the local runner has no redrive
 * and an execution that timed out or died with the local runtime cannot be redriven anyway. One name
 * per attempt: the task's record admits each attempt once (TaskStore.reopen).
 */
export const resumeTaskExecution = (tenantId: string, taskId: string, attempt: number) =>
  startExecution(tenantId, taskId, `${taskId}-resume-${attempt}`);
