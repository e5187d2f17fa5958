/** Bulk-task state machine worker: the `ApplyChunk` Task state. Returns its raw result (no Payload wrapper). */
import { applyChunk } from '#shared/domain/bulk-tasks.ts';
import { taskWorker } from '#shared/worker.ts';

export const handler = taskWorker(applyChunk);
