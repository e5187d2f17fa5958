/**
 * Batched reads and writes (shared/db/query.ts) when DynamoDB leaves part of a batch unprocessed, as it does
 * for a partition over its throughput: a fault in the real client that sends only part of each batch to
 * DynamoDB Local and hands the rest back as unprocessed. What is left is re-sent (after a backoff) until
 * all of it is read or stored, each item once, however many calls that takes while calls make progress; a
 * batch the store stops taking ends in a throttling error after ten calls in a row, never a loop.
 */
import type { MiddlewareStack } from '@smithy/types';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { db, tableName } from '#shared/db/client.ts';
import { batchGet, batchWrite, UnprocessedRequestsError } from '#shared/db/query.ts';
import { isThrottling } from '#shared/errors.ts';
import { createTable } from '#test/support/table.ts';

beforeAll(createTable);
vi.setConfig({ testTimeout: 60_000 });

afterEach(() => {
  db().middlewareStack.remove('leaveUnprocessed');
});

type Batch = { RequestItems: Record<string, unknown[] | { Keys: unknown[] }> };

/**
 * From now on, each of the next `faultyCalls` batch calls sends DynamoDB only the first `processed(n)` of its n
 * requests and answers the rest as unprocessed. Returns the size of every batch call sent, in order.
 */
function leaveUnprocessed(faultyCalls: number, processed: (n: number) => number): number[] {
  const sent: number[] = [];
  db().middlewareStack.remove('leaveUnprocessed');
  (db().middlewareStack as MiddlewareStack<object, object>).add(
    (next, context) => async (args) => {
      const input = args.input as Batch;
      const isGet = context.commandName === 'BatchGetItemCommand';
      if (!isGet && context.commandName !== 'BatchWriteItemCommand') return next(args);
      const table = tableName();
      const requests = isGet ? (input.RequestItems[table] as { Keys: unknown[] }).Keys : (input.RequestItems[table] as unknown[]);
      sent.push(requests.length);
      if (sent.length > faultyCalls) return next(args);
      const kept = requests.slice(0, processed(requests.length));
      const left = requests.slice(kept.length);
      const send = (items: unknown[]) =>
        next({
          ...args,
          input: { ...input, RequestItems: { [table]: isGet ? { ...(input.RequestItems[table] as object), Keys: items } : items } },
        });
      // DynamoDB refuses an empty batch: a call that processes nothing is answered without reaching it.
      const result = (kept.length > 0 ? await send(kept) : { output: {}, response: {} }) as Awaited<ReturnType<typeof send>> & {
        output: Record<string, unknown>;
      };
      result.output = isGet
        ? { Responses: { [table]: [] }, ...result.output, UnprocessedKeys: { [table]: { Keys: left, ConsistentRead: true } } }
        : { ...result.output, UnprocessedItems: { [table]: left } };
      return result;
    },
    { step: 'initialize', name: 'leaveUnprocessed' },
  );
  return sent;
}

const itemKey = (i: number) => ({ PK: 'batch-resend', SK: String(i).padStart(4, '0') });
const puts = (count: number, value: string) =>
  Array.from({ length: count }, (_, i) => ({ PutRequest: { Item: { ...itemKey(i), n: i, value } } }));

describe('a batch the store leaves partly unprocessed', () => {
  it('is stored whole: what is left is re-sent until none is', async () => {
    const sent = leaveUnprocessed(6, (n) => Math.floor(n / 2));
    await batchWrite(puts(60, 'first'));
    db().middlewareStack.remove('leaveUnprocessed');
    // 3 batches of 25, 25 and 10; the first 6 calls store half of what they carry.
    expect(sent.length).toBeGreaterThan(3);
    const stored = await batchGet<{ n: number; value: string }>(Array.from({ length: 60 }, (_, i) => itemKey(i)));
    expect(stored.map((item) => item.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(new Set(stored.map((item) => item.value))).toEqual(new Set(['first']));
  });

  it('is read whole, each item once', async () => {
    await batchWrite(puts(250, 'read'));
    const sent = leaveUnprocessed(8, (n) => Math.floor(n * 0.3));
    const read = await batchGet<{ n: number }>(Array.from({ length: 250 }, (_, i) => itemKey(i)));
    // 3 batches of 100, 100 and 50, re-sent until each is read.
    expect(sent.length).toBeGreaterThan(3);
    expect(sent.reduce((sum, n) => sum + n, 0)).toBeGreaterThan(250);
    expect(read.map((item) => item.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('goes on for as many calls as it takes while each call stores some of it', async () => {
    // One request a call, as a partition far over its throughput might take them: 12 calls, past the 10 a stall may last.
    const sent = leaveUnprocessed(Infinity, () => 1);
    await batchWrite(puts(12, 'slow'));
    expect(sent).toEqual(Array.from({ length: 12 }, (_, i) => 12 - i));
    db().middlewareStack.remove('leaveUnprocessed');
    const stored = await batchGet<{ value: string }>(Array.from({ length: 12 }, (_, i) => itemKey(i)));
    expect(stored.map((item) => item.value)).toEqual(Array(12).fill('slow'));
  });

  it('ends in a throttling error after ten calls in a row that store none of it', async () => {
    const sent = leaveUnprocessed(Infinity, () => 0);
    const failure = await batchGet(Array.from({ length: 5 }, (_, i) => itemKey(i))).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnprocessedRequestsError);
    expect(isThrottling(failure)).toBe(true);
    expect(sent).toEqual(Array(10).fill(5));
    const writes = leaveUnprocessed(Infinity, (n) => (n === 3 ? 1 : 0));
    await expect(batchWrite(puts(3, 'never'))).rejects.toThrow(UnprocessedRequestsError);
    // The first call stored one: the ten calls that store nothing come after it.
    expect(writes).toEqual([3, ...Array(10).fill(2)]);
  });
});
