/**
 * Dialect-neutral errors. Domain code and middlewares throw these; each dialect's error formatter
 * turns them into that dialect's wire format. Nothing here knows about HTTP bodies.
 */
export type ErrorKind =
  'validation' | 'unauthenticated' | 'invalid_credentials' | 'forbidden' | 'not_found' | 'conflict' | 'payload_too_large' | 'rate_limited';

/** Where a validation problem was found: dialects that distinguish body/query/path errors use it. */
export type InputLocation = 'body' | 'query' | 'path' | 'header';

export interface Issue {
  path: (string | number)[];
  message: string;
}

export interface AppErrorOptions {
  location?: InputLocation;
  issues?: Issue[];
  /** Free-form extra data a dialect may surface (e.g. children that block a delete). */
  detail?: unknown;
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly options: AppErrorOptions;

  constructor(kind: ErrorKind, message: string, options: AppErrorOptions = {}) {
    super(message);
    this.name = 'AppError';
    this.kind = kind;
    this.options = options;
  }
}

export const notFound = (message = 'Not found.') => new AppError('not_found', message);

export const validationError = (location: InputLocation, issues: Issue[], message = 'Validation Error.') =>
  new AppError('validation', message, { location, issues });

/**
 * DynamoDB errors that mean "try again shortly" once the SDK's own retries are spent: the API answers
 * them with the dialect's 429, the task workers rethrow them for the state machine's backoff.
 */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  // A batch the store left partly unprocessed call after call (shared/db/query.ts).
  'UnprocessedRequestsError',
]);

export const isThrottling = (error: unknown): boolean => error instanceof Error && THROTTLING.has(error.name);
