/**
 * mapWithConcurrency: order kept, the limit held, and after a failure nothing new starts and nothing is left running.
 * rerunLostRaces: writes of one item in one process take turns.
 */
import { describe, expect, it, vi } from 'vitest';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import { CONTENTION_BUDGET_MS, rerunLostRaces } from '#shared/domain/lost-races.ts';

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

describe('writes of one item in one process', () => {
  const never = () => false;

  it('take turns: the next starts when the one before has ended, whatever its outcome; other items do not wait', async () => {
    const events: string[] = [];
    const write =
      (name: string, fails = false) =>
      async () => {
        events.push(`${name} starts`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`${name} ends`);
        if (fails) throw new Error(`${name} refused`);
        return name;
      };
    const results = await Promise.allSettled([
      rerunLostRaces('It', write('a', true), never, 'item'),
      rerunLostRaces('It', write('b'), never, 'item'),
      rerunLostRaces('It', write('other'), never, 'other item'),
      rerunLostRaces('It', write('c'), never, 'item'),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'a refused',
      'b',
      'other',
      'c',
    ]);
    expect(events.filter((e) => !e.startsWith('other'))).toEqual(['a starts', 'a ends', 'b starts', 'b ends', 'c starts', 'c ends']);
    expect(events.indexOf('other starts')).toBeLessThan(events.indexOf('a ends'));
  });

  it('a write still waiting for its turn when its time is spent is refused as contended, and the turns go on', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      let release!: () => void;
      const slow = rerunLostRaces('It', () => new Promise<string>((resolve) => (release = () => resolve('slow'))), never, 'item');
      const waiting = rerunLostRaces('It', async () => 'waited', never, 'item');
      const refused = expect(waiting).rejects.toMatchObject({ kind: 'rate_limited', options: { detail: { contended: true } } });
      await vi.advanceTimersByTimeAsync(CONTENTION_BUDGET_MS + 1);
      await refused;
      release();
      expect(await slow).toBe('slow');
      expect(await rerunLostRaces('It', async () => 'next', never, 'item')).toBe('next');
    } finally {
      vi.useRealTimers();
    }
  });
});
