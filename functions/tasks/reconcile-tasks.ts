/** Scheduled: finalizes bulk tasks left open past the state machine's timeout (no task stays RUNNING forever). */
import '#shared/wiring.ts';

import middy from '@middy/core';

import { reconcileAbandonedTasks } from '#shared/domain/bulk-tasks.ts';
import { logger } from '#shared/logger.ts';

export const handler = middy().handler(async () => {
  const finished = await reconcileAbandonedTasks();
  logger.info('reconciled abandoned tasks', { count: finished.length, tasks: finished });
  return { finished: finished.length };
});
