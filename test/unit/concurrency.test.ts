/** mapWithConcurrency: order kept, the limit held, and after a failure nothing new starts and nothing is left running. */
import { describe, expect, it } from 'vitest';

import { mapWithConcurrency } from '#shared/concurrency.ts';

/** A promise and the functions that settle it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('mapWithConcurrency', () => {
  it('keeps the input order with at most `limit` tasks in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  it('after a failure starts no other task, and throws the failure only once those in flight have settled', async () => {
    const gates = Array.from({ length: 6 }, () => deferred<number>());
    const started: number[] = [];
    const finished: number[] = [];
    let settled = false;
    const run = mapWithConcurrency(gates, 2, async (gate, i) => {
      started.push(i);
      const value = await gate.promise;
      finished.push(i);
      return value;
    }).finally(() => (settled = true));
    const outcome = run.catch((error: unknown) => error);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    gates[0]!.reject(new Error('throttled'));
    await new Promise((resolve) => setImmediate(resolve));
    // Task 1 is still in flight: the call has not settled, and no task took task 0's place.
    expect(settled).toBe(false);
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve(1);
    expect(await outcome).toEqual(new Error('throttled'));
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([1]);
  });
});
