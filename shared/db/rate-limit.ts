/** Fixed-window request counters shared by every instance: one atomic ADD per request, removed by TTL. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';

import { db, tableName } from './client.ts';
import * as keys from './keys.ts';

export interface WindowCount {
  count: number;
  windowEndsAtSeconds: number;
}

export async function countRequest(credentialKey: string, windowSeconds: number, nowMs = Date.now()): Promise<WindowCount> {
  const windowStart = Math.floor(nowMs / 1000 / windowSeconds) * windowSeconds;
  const windowEndsAtSeconds = windowStart + windowSeconds;
  const { Attributes } = await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.rateWindow(credentialKey, windowStart),
      UpdateExpression: 'ADD requests :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
      ExpressionAttributeValues: { ':one': 1, ':expiresAt': windowEndsAtSeconds + 60 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return { count: Attributes!.requests as number, windowEndsAtSeconds };
}
