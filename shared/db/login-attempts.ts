/**
 * Responsys login attempt counters: fixed windows, one atomic ADD per attempt, removed by TTL one
 * minute after their window (the same shape as the request counters of rate-limit.ts).
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

import type { LoginSubject } from '#shared/domain/ports.ts';

import { db, tableName } from './client.ts';
import * as keys from './keys.ts';
import type { WindowCount } from './rate-limit.ts';

const windowOf = (windowSeconds: number, nowMs: number) => Math.floor(nowMs / 1000 / windowSeconds) * windowSeconds;

const keyOf = (subject: LoginSubject, windowStart: number) =>
  'userNameHash' in subject
    ? keys.loginAttemptsOfUser(subject.userNameHash, windowStart)
    : keys.loginAttemptsOfAddress(subject.address, windowStart);

/** Adds `delta` attempts to the subject's current window: the count after it, and when the window ends. */
export async function countLoginAttempt(subject: LoginSubject, windowSeconds: number, delta: number, nowMs: number): Promise<WindowCount> {
  const windowStart = windowOf(windowSeconds, nowMs);
  const windowEndsAtSeconds = windowStart + windowSeconds;
  const { Attributes } = await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keyOf(subject, windowStart),
      UpdateExpression: 'ADD attempts :delta SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
      ExpressionAttributeValues: { ':delta': delta, ':expiresAt': windowEndsAtSeconds + 60 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return { count: Attributes!.attempts as number, windowEndsAtSeconds };
}

/** Forgets the subject's attempts of the window that holds `nowMs`. */
export async function clearLoginAttempts(subject: LoginSubject, windowSeconds: number, nowMs: number): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keyOf(subject, windowOf(windowSeconds, nowMs)) }));
}
