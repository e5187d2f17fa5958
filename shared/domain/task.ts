/** Bulk tasks: one request's items, applied asynchronously chunk by chunk. */
import type { ErrorKind, Issue } from '#shared/errors.ts';

export type TaskKind = 'create' | 'update' | 'replace' | 'delete';
export type TaskStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'PARTIALLY_SUCCEEDED' | 'FAILED';

/** Why an item was not applied, in domain terms (each dialect words it its own way). */
export interface ItemProblem {
  kind: ErrorKind | 'unprocessed';
  message: string;
  issues?: Issue[];
  detail?: unknown;
}

export interface ItemFailure {
  index: number;
  id: string | null;
  problem: ItemProblem;
}

export interface Task {
  id: string;
  kind: TaskKind;
  status: TaskStatus;
  createdAt: string;
  finishedAt: string | null;
  total: number;
  succeeded: number;
  failed: number;
  chunkCount: number;
}

export interface ChunkResult {
  succeeded: number;
  failed: number;
  failures: ItemFailure[];
  created: { index: number; id: string }[];
}

export interface Chunk extends Partial<ChunkResult> {
  chunk: number;
  /** Index of the chunk's first item in the request. */
  firstIndex: number;
  /** The items, as the JSON the request carried (validated before the task was stored). */
  items: string;
  status: 'PENDING' | 'DONE';
}
