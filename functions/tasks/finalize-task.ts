/** Bulk-task state machine worker: the `FinalizeTask` Task state. Returns its raw result (no Payload wrapper). */
import { finalizeTask } from '#shared/domain/bulk-tasks.ts';
import { taskWorker } from '#shared/worker.ts';

export const handler = taskWorker(finalizeTask);
