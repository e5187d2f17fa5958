/**
 * The abort signal of the invocation a piece of work serves. Middy aborts it when the function's time is
 * nearly over and answers for it; the data layer then refuses the work's further reads (each attempt,
 * SDK retries included), so an answer no one will receive stops at its next read instead of running on
 * (in a warm Lambda, into the next invocation's time). Writes are left to finish: each is whole or
 * absent, and the steps around one (its search postings) are tidied by what comes after them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const invocation = new AsyncLocalStorage<AbortSignal>();

export const withAbortSignal = <T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> => invocation.run(signal, work);

export const currentAbortSignal = (): AbortSignal | undefined => invocation.getStore();
