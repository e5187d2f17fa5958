/**
 * Responsys login guessing is throttled before the password hash is computed: scrypt costs ~50 ms of
 * CPU, so without a limit every guess is free to the guesser and costly to us.
 *
 * Two fixed-window counters of attempts, per user name and per client address. Per user, 10 attempts
 * in 5 minutes: a password guesser gets 10 tries, then waits for the window to pass. Per address, 50 in
 * 1 minute: higher than one user's, so an office behind one address is not stopped by a few typos; and
 * short, so an address that fails 10 times for every user name to lock them all out locks at most 5
 * users a minute (each for at most 5 minutes) and is itself stopped for the rest of its minute. An
 * attempt refused for its address does not count for the user, so a throttled address cannot keep
 * users locked.
 *
 * Every attempt counts when it is made, before the password is checked, so concurrent guesses cannot
 * pass the limit together; a success takes its attempt back from the address and resets the user's
 * counter. Unknown and known user names are counted alike and refused alike (the same 429, no scrypt).
 */
import { sha256 } from '#shared/crypto.ts';
import { AppError } from '#shared/errors.ts';

import { ports } from './ports.ts';

export const LOGIN_LIMITS = {
  user: { attempts: 10, windowSeconds: 300 },
  address: { attempts: 50, windowSeconds: 60 },
} as const;

/**
 * The address as counted: IPv4 as it is (an IPv4-mapped IPv6 address too), IPv6 by its /64 prefix,
 * the smallest block one subscriber gets (the addresses inside it are free to rotate).
 */
export function addressKey(address: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (v4) return v4[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.replace(/%.*$/, '').toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

const throttled = (windowEndsAtSeconds: number, nowMs: number) =>
  new AppError('rate_limited', 'Too many login attempts.', {
    retryAfterSeconds: Math.max(1, windowEndsAtSeconds - Math.floor(nowMs / 1000)),
  });

export interface LoginAttempt {
  /** The password was right: the user's counter starts again and the address gets its attempt back. */
  succeeded(): Promise<void>;
}

/** Counts one login attempt, or throws the 429 (`rate_limited`, with Retry-After) when it is over a limit. */
export async function admitLoginAttempt(userName: string, clientAddress: string, nowMs = Date.now()): Promise<LoginAttempt> {
  const address = { address: addressKey(clientAddress) };
  const user = { userNameHash: sha256(userName) };
  const { loginAttempts } = ports();
  const fromAddress = await loginAttempts.count(address, LOGIN_LIMITS.address.windowSeconds, 1, nowMs);
  if (fromAddress.count > LOGIN_LIMITS.address.attempts) throw throttled(fromAddress.windowEndsAtSeconds, nowMs);
  const forUser = await loginAttempts.count(user, LOGIN_LIMITS.user.windowSeconds, 1, nowMs);
  if (forUser.count > LOGIN_LIMITS.user.attempts) throw throttled(forUser.windowEndsAtSeconds, nowMs);
  return {
    succeeded: async () => {
      await Promise.all([
        loginAttempts.clear(user, LOGIN_LIMITS.user.windowSeconds, nowMs),
        loginAttempts.count(address, LOGIN_LIMITS.address.windowSeconds, -1, nowMs),
      ]);
    },
  };
}
