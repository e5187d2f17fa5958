/**
 * Re-running a write that lost a race to a concurrent writer of the same item (optimistic locking: read,
 * modify, write conditioned on what was read). N writers of one item at once take turns, so the last one
 * waits about N write windows: the re-runs are bounded by time, not by a count, well inside an API
 * request's time (29 s, answered at 28 s), with growing, capped, jittered pauses ("full jitter") that put
 * the contenders out of step. When the time is spent the write is refused as `rate_limited`: the dialect's
 * 429 with Retry-After (the request was valid; it met a crowd), and for a bulk task the system's problem,
 * so the state machine retries the chunk rather than failing the item.
 */
import { AppError } from '#shared/errors.ts';

/** How long one write keeps re-running after lost races. */
export const CONTENTION_BUDGET_MS = 10_000;
const FIRST_PAUSE_MS = 10;
const LONGEST_PAUSE_MS = 1_000;

export const contended = (what: string) =>
  new AppError('rate_limited', `${what} is being changed by other requests at this moment; retry.`, {
    retryAfterSeconds: 1,
    detail: { contended: true },
  });

/** Whether a write gave up after losing races for its whole time (`contended`). */
export const isContended = (error: unknown) =>
  error instanceof AppError &&
  error.kind === 'rate_limited' &&
  (error.options.detail as { contended?: boolean } | undefined)?.contended === true;

/** Per item key, the end of the last write of it this process has started (see `rerunLostRaces`'s `turnKey`). */
const turns = new Map<string, Promise<void>>();

/**
 * Runs `work` once the writes of `key` this process started before it have ended, or throws `contended(what)`
 * when that takes until `deadline`.
 */
async function inTurn<T>(key: string, what: string, deadline: number, work: () => Promise<T>): Promise<T> {
  const previous = turns.get(key) ?? Promise.resolve();
  let ended!: () => void;
  const end = previous.then(() => new Promise<void>((resolve) => (ended = resolve)));
  turns.set(key, end);
  let timer: NodeJS.Timeout | undefined;
  try {
    const waited = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadline - Date.now())));
    if (!(await Promise.race([previous.then(() => true), waited]))) throw contended(what);
    return await work();
  } finally {
    clearTimeout(timer);
    void previous.then(() => ended());
    if (turns.get(key) === end) void end.then(() => turns.get(key) === end && turns.delete(key));
  }
}

/**
 * Runs `write` (a whole read-modify-write), again on each error `lostRace` recognises, until it succeeds,
 * fails otherwise, or CONTENTION_BUDGET_MS is spent (`contended(what)`). With a `turnKey` (the item's), writes
 * of the same item in this process take turns rather than race (the local server, or a bulk worker's lanes:
 * each lost race is a wasted read and transaction, and under load they feed on each other); writers in other
 * processes still race, and the re-runs settle those. A Lambda serves one request at a time: it never waits.
 */
export async function rerunLostRaces<T>(
  what: string,
  write: () => Promise<T>,
  lostRace: (error: unknown) => boolean,
  turnKey?: string,
): Promise<T> {
  const started = Date.now();
  if (turnKey !== undefined) return inTurn(turnKey, what, started + CONTENTION_BUDGET_MS, () => rerunFrom(started, what, write, lostRace));
  return rerunFrom(started, what, write, lostRace);
}

async function rerunFrom<T>(started: number, what: string, write: () => Promise<T>, lostRace: (error: unknown) => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!lostRace(error)) throw error;
      const pause = Math.random() * Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** attempt);
      if (Date.now() + pause - started > CONTENTION_BUDGET_MS) throw contended(what);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
