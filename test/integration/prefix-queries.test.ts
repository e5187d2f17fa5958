/**
 * Prefix queries (shared/db/query.ts) read a sort-key range, from the prefix to its successor, instead of
 * begins_with (DynamoDB Local walks begins_with through the partition's other prefixes). On DynamoDB Local: the
 * range answers exactly what begins_with answers, at the edges of code-point order too (a last code point before
 * the surrogates, at the top of the BMP, the highest one), and never the successor itself, whatever is projected.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import { db, tableName } from '#shared/db/client.ts';
import { queryPrefix, queryPrefixUpTo } from '#shared/db/query.ts';
import { compareCodePoints } from '#shared/text.ts';
import { createTable } from '#test/support/table.ts';

const PK = 'prefix-queries';
const PREFIXES = ['N#', 'ab', 'a\uD7FF', 'a\uFFFF', 'a\u{10FFFF}', 'ab\u{10FFFF}', '\u{10FFFF}'];
// Each prefix's successor is stored too ('N$', 'ac', 'a\uE000', 'a\u{10000}', 'b'): the one key the range holds beyond it.
const SORT_KEYS = [
  ...['N#', 'N#a', 'N#\u{10FFFF}\u{10FFFF}', 'N$', 'N', 'M\u{10FFFF}', 'L#x'],
  ...['a', 'ab', 'abc', 'ab\u{10FFFF}', 'ab\u{10FFFF}\u{10FFFF}z', 'ac', 'aa\u{10FFFF}'],
  ...['a\uD7FF', 'a\uD7FFz', 'a\uE000', 'a\uFFFF', 'a\uFFFF\uFFFF', 'a\u{10000}', 'a\u{10FFFF}', 'a\u{10FFFF}q', 'b'],
  ...['\u{10FFFF}', '\u{10FFFF}\u{10FFFF}', '\u{10FFFE}'],
];

beforeAll(async () => {
  await createTable();
  await mapWithConcurrency(SORT_KEYS, 8, (SK) => db().send(new PutCommand({ TableName: tableName(), Item: { PK, SK, value: `v:${SK}` } })));
});

/** What begins_with answers, in the engine's order. */
async function beginsWith(prefix: string): Promise<string[]> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': PK, ':prefix': prefix },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => item.SK as string);
}

describe('a prefix query', () => {
  it.each(PREFIXES.map((prefix) => [[...prefix].map((c) => `U+${c.codePointAt(0)!.toString(16)}`).join(' '), prefix]))(
    'of %s answers what begins_with does, in order, without the successor',
    async (_, prefix) => {
      const expected = SORT_KEYS.filter((sk) => sk.startsWith(prefix)).sort(compareCodePoints);
      expect(expected.length).toBeGreaterThan(0);
      expect(await beginsWith(prefix)).toEqual(expected);
      const whole = await queryPrefix<{ PK: string; SK: string; value: string }>(PK, prefix);
      expect(whole.map((item) => item.SK)).toEqual(expected);
      // A projection without the sort key: it is read to drop the successor, and not handed back.
      const projected = await queryPrefix<Record<string, unknown>>(PK, prefix, {
        ProjectionExpression: '#value',
        ExpressionAttributeNames: { '#value': 'value' },
      });
      expect(projected).toEqual(expected.map((sk) => ({ value: `v:${sk}` })));
      const first = await queryPrefixUpTo<{ SK: string }>(PK, prefix, 2);
      expect(first.map((item) => item.SK)).toEqual(expected.slice(0, 2));
    },
  );
});
