/** Bulk tasks: one request's items, applied asynchronously chunk by chunk. */
import type { ErrorKind, Issue } from '#shared/errors.ts';

export type TaskKind = 'create' | 'update' | 'replace' | 'delete';
export type TaskStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'PARTIALLY_SUCCEEDED' | 'FAILED';

/**
 * Why an item was not applied, in domain terms (each dialect words it its own way). `refused`: the
 * database refused this item's write (after retries) although it passed validation.
 */
export interface ItemProblem {
  kind: ErrorKind | 'unprocessed' | 'refused';
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
  /** Final counts (set when the task finishes; while it runs the chunk records hold the truth). */
  succeeded: number;
  failed: number;
  chunkCount: number;
  /** How many times the task was resumed after its execution died or failed (0 or absent: never). */
  attempt?: number;
  /** When the current execution was started (absent: at creation). */
  startedAt?: string;
}

/** One character per item of a chunk, in request order: pending, succeeded, failed. */
export const OUTCOME = { pending: '.', succeeded: 's', failed: 'f' } as const;
export type ItemStatus = keyof typeof OUTCOME;

export interface ChunkResult {
  succeeded: number;
  failed: number;
  failures: ItemFailure[];
  created: { index: number; id: string }[];
  /** Each item's outcome (OUTCOME characters): what is applied, refused and still to do. */
  outcomes: string;
}

export interface Chunk extends Partial<ChunkResult> {
  chunk: number;
  /** Index of the chunk's first item in the request. */
  firstIndex: number;
  /** The items, as the JSON the request carried (validated before the task was stored). */
  items: string;
  /** DONE once every item was applied or refused; progress is recorded while PENDING. */
  status: 'PENDING' | 'DONE';
  /** Last progress write (a stuck task is one with no recent progress). */
  updatedAt?: string;
}

export type ChunkSummary = Omit<Chunk, 'items'>;
