/** Responsys sessions: password login and token refresh. Tokens live 2 hours and are stored as hashes. */
import { decoyPasswordHash, randomToken, sha256, verifyPassword } from '#shared/crypto.ts';
import { AppError } from '#shared/errors.ts';

import type { Credential } from './credential.ts';
import { admitLoginAttempt } from './login-throttle.ts';
import { ports } from './ports.ts';

export const TOKEN_LIFETIME_MS = 2 * 60 * 60 * 1000;

const invalidCredentials = () => new AppError('invalid_credentials', 'Invalid user name or password.');

async function issueToken(user: Credential): Promise<{ token: string; issuedAt: number }> {
  const token = randomToken(32);
  const issuedAt = Date.now();
  const expiresAtMs = issuedAt + TOKEN_LIFETIME_MS;
  await ports().credentials.put(
    {
      kind: 'responsys-token',
      lookupId: sha256(token),
      tenantId: user.tenantId,
      // Requests made with the token count against the user's own rate limit.
      credentialId: user.credentialId,
      principalId: user.lookupId,
      ...(user.rateLimit ? { rateLimit: user.rateLimit } : {}),
      issuedAtMs: issuedAt,
      expiresAtMs,
    },
    Math.ceil(expiresAtMs / 1000),
  );
  return { token, issuedAt };
}

/** Unknown user and wrong password cost the same and fail the same; guessing is throttled before scrypt (login-throttle.ts). */
export async function login(userName: string, password: string, clientAddress = 'unknown') {
  const [user, attempt] = await Promise.all([ports().credentials.get('responsys', userName), admitLoginAttempt(userName, clientAddress)]);
  const valid = await verifyPassword(password, user?.secretHash ?? decoyPasswordHash);
  if (!user || !valid) throw invalidCredentials();
  const [session] = await Promise.all([issueToken(user), attempt.succeeded()]);
  return session;
}

/** Exchanges a valid token for a new one; the old token stops working. */
export async function refresh(currentToken: string) {
  const session = await ports().credentials.get('responsys-token', sha256(currentToken));
  const user = session?.principalId ? await ports().credentials.get('responsys', session.principalId) : undefined;
  if (!session || !user || user.tenantId !== session.tenantId)
    throw new AppError('invalid_credentials', 'Not a valid authentication token');
  const issued = await issueToken(user);
  await ports().credentials.remove('responsys-token', session.lookupId);
  return issued;
}
