/** Bulk tasks: one request's items, applied asynchronously chunk by chunk. */
export type TaskKind = 'create' | 'update' | 'replace' | 'delete';
export type TaskStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'PARTIALLY_SUCCEEDED' | 'FAILED';

export interface ItemFailure {
  index: number;
  id: string | null;
  code: number;
  detail: unknown;
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
