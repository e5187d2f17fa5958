/**
 * Scheduled: resumes bulk tasks whose execution ended without finishing them (failed, timed out,
 * aborted) with a new execution over their unfinished chunks, so no task stays RUNNING forever and
 * none is declared lost while it can be resumed. The local runtime also calls `resumeInterruptedTasks`
 * when it starts: its executions lived in the memory of the process that was stopped.
 */
import '#shared/wiring.ts';

import middy from '@middy/core';

import { reconcileAbandonedTasks, resumeOpenTasks } from '#shared/domain/bulk-tasks.ts';
import { installTaskResumer } from '#shared/domain/ports.ts';
import { logger } from '#shared/logger.ts';
import { resumeTaskExecution } from '#shared/workflow.ts';

installTaskResumer(resumeTaskExecution);

export const handler = middy().handler(async () => {
  const tasks = await reconcileAbandonedTasks();
  logger.info('reconciled abandoned tasks', { count: tasks.length, tasks });
  return { reconciled: tasks.length };
});

/** Every open task, whatever its age (local runtime start: no execution of a previous process is alive). */
export async function resumeInterruptedTasks(): Promise<void> {
  const tasks = await resumeOpenTasks(new Date(Date.now() + 60_000).toISOString());
  if (tasks.length > 0) logger.info('resumed interrupted tasks', { count: tasks.length, tasks });
}
