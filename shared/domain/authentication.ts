/**
 * Who is calling, and whether they may call now: the dialects extract what the caller presented
 * (a key, a token, a project id and key); this service finds the credential and counts the request
 * against its rate limit. Strongly consistent reads, so a revocation holds on the very next request.
 */
import { digestsEqual, sha256 } from '#shared/crypto.ts';
import { AppError } from '#shared/errors.ts';

import type { Credential, Principal, RateLimit } from './credential.ts';
import { ports } from './ports.ts';

/** A bearer secret (Engagement key, Netux token, Responsys session token): found by its hash. */
export async function principalForSecret(kind: 'engagement' | 'netux' | 'responsys-token', secret: string): Promise<Principal | undefined> {
  const credential = await ports().credentials.get(kind, sha256(secret));
  return credential && { tenantId: credential.tenantId, credential };
}

/** An Apidae project id and its key (compared in constant time). */
export async function principalForProject(projetId: string, apiKey: string): Promise<Principal | undefined> {
  const credential = await ports().credentials.get('apidae', projetId);
  if (!credential?.secretHash || !digestsEqual(sha256(apiKey), credential.secretHash)) return undefined;
  return { tenantId: credential.tenantId, credential };
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  resetAtSeconds: number;
}

/**
 * Counts one request in the credential's fixed window (shared by every instance). Over the limit:
 * `rate_limited` with the seconds until the window ends; `onState` receives the counts either way.
 */
export async function admitRequest(
  credential: Credential,
  defaultLimit: RateLimit,
  onState: (state: RateLimitState) => void,
): Promise<void> {
  const { limit, windowSeconds } = credential.rateLimit ?? defaultLimit;
  const { count, windowEndsAtSeconds } = await ports().requestCounter.count(`${credential.kind}#${credential.credentialId}`, windowSeconds);
  onState({ limit, remaining: limit - count, resetAtSeconds: windowEndsAtSeconds });
  if (count > limit) {
    throw new AppError('rate_limited', 'Request was throttled.', {
      retryAfterSeconds: Math.max(1, windowEndsAtSeconds - Math.floor(Date.now() / 1000)),
    });
  }
}
