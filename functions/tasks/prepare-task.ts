/** Bulk-task state machine worker: the `PrepareTask` Task state. Returns its raw result (no Payload wrapper). */
import { prepareTask } from '#shared/domain/bulk-tasks.ts';
import { taskWorker } from '#shared/worker.ts';

export const handler = taskWorker(prepareTask);
