/**
 * Substring search postings: one item per (family, trigram, organization) of the case- and accent-folded
 * texts (family `name`: the name; `other`: label and description). A description can have thousands of
 * trigrams, more than a transaction holds, so postings are kept outside the organization's transaction
 * as a superset of the truth, and every candidate is checked against the organization itself:
 * - before the organization is written, the postings of its new trigrams are put (`v` = the version
 *   written; a put never lowers `v`), so a committed text is always fully posted;
 * - after it is written, the postings of trigrams it no longer has are deleted, conditioned on
 *   `v` ≤ that version, so a delete never removes a posting a later version put back.
 * A refused write takes its new postings back; a crash or a lost race between the steps leaves extra
 * postings only: a cost, never a missed match.
 */
import { DeleteCommand, PutCommand, QueryCommand, type QueryCommandOutput, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import type { Organization } from '#shared/domain/organization.ts';
import type { SearchScope } from '#shared/domain/ports.ts';
import { foldText, trigrams } from '#shared/text.ts';

import { db, tableName } from './client.ts';
import * as keys from './keys.ts';
import { entity, type GramFamily } from './keys.ts';
import { batchWrite, ignoringConditionFailure } from './query.ts';

/** Postings written or deleted at once for one organization. */
const WRITE_CONCURRENCY = 16;

type Posting = { family: GramFamily; gram: string };

const postingKey = ({ family, gram }: Posting) => `${family}:${gram}`;

export function postingsOf(organization: Organization | undefined): Map<string, Posting> {
  const postings = new Map<string, Posting>();
  if (!organization) return postings;
  const add = (family: GramFamily, text: string) => {
    for (const gram of trigrams(foldText(text))) postings.set(postingKey({ family, gram }), { family, gram });
  };
  add('name', organization.name);
  add('other', organization.label);
  add('other', organization.description);
  return postings;
}

const missingFrom = (from: Map<string, Posting>, other: Map<string, Posting>) =>
  [...from].filter(([key]) => !other.has(key)).map(([, p]) => p);

/** Step 1 of a write: posts the trigrams `next` has and `previous` had not. */
export async function postNewTrigrams(tenantId: string, next: Organization, previous: Organization | undefined): Promise<void> {
  const added = missingFrom(postingsOf(next), postingsOf(previous));
  if (!previous) {
    // A new organization has no postings to keep (nor a later version to respect): batches of 25.
    const item = (posting: Posting) => ({
      ...keys.gram(tenantId, posting.family, posting.gram, next.id),
      entity: entity.gram,
      v: next.version,
    });
    await batchWrite(added.map((posting) => ({ PutRequest: { Item: item(posting) } })));
    return;
  }
  await mapWithConcurrency(added, WRITE_CONCURRENCY, (posting) =>
    ignoringConditionFailure(
      db().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.gram(tenantId, posting.family, posting.gram, next.id), entity: entity.gram, v: next.version },
          ConditionExpression: 'attribute_not_exists(PK) OR v < :v',
          ExpressionAttributeValues: { ':v': next.version },
        }),
      ),
    ),
  );
}

/**
 * After a refused write: takes back the postings step 1 put, so a refused write leaves the table as it
 * was. Conditioned on the organization not being at that version (a rival writer of the same version
 * number won: its postings stay) and on each posting still being this write's, all in one transaction
 * per 99 postings.
 */
export async function withdrawNewTrigrams(tenantId: string, next: Organization, previous: Organization | undefined): Promise<void> {
  const added = missingFrom(postingsOf(next), postingsOf(previous));
  for (let i = 0; i < added.length; i += 99) {
    const deletes = added.slice(i, i + 99).map((posting) => ({
      Delete: {
        TableName: tableName(),
        Key: keys.gram(tenantId, posting.family, posting.gram, next.id),
        ConditionExpression: 'v = :v',
        ExpressionAttributeValues: { ':v': next.version },
      },
    }));
    const organizationNotAtVersion = {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.organization(tenantId, next.id),
        ConditionExpression: 'attribute_not_exists(PK) OR version <> :v',
        ExpressionAttributeValues: { ':v': next.version },
      },
    };
    await db()
      .send(new TransactWriteCommand({ TransactItems: [organizationNotAtVersion, ...deletes] }))
      .catch((error: unknown) => {
        // Cancelled: a rival's version, or a posting rewritten since; what stays is a superset.
        if (!(error instanceof Error && error.name === 'TransactionCanceledException')) throw error;
      });
  }
}

/** Step 2, after the write committed at `version`: unposts the trigrams `previous` had and `next` has not (none for a delete). */
export async function unpostOldTrigrams(
  tenantId: string,
  id: string,
  version: number,
  next: Organization | undefined,
  previous: Organization,
): Promise<void> {
  const removed = missingFrom(postingsOf(previous), postingsOf(next));
  await mapWithConcurrency(removed, WRITE_CONCURRENCY, (posting) =>
    ignoringConditionFailure(
      db().send(
        new DeleteCommand({
          TableName: tableName(),
          Key: keys.gram(tenantId, posting.family, posting.gram, id),
          ConditionExpression: 'v <= :v',
          ExpressionAttributeValues: { ':v': version },
        }),
      ),
    ),
  );
}

/**
 * Candidates for a folded needle: the postings of the needle's rarest trigram. Every trigram's postings
 * are read in parallel, a page at a time; the first to reach its end is the rarest, and the others stop
 * there, so the read costs about (trigrams of the needle) × (postings of the rarest).
 */
export async function searchCandidates(tenantId: string, scope: SearchScope, foldedNeedle: string): Promise<string[] | undefined> {
  const grams = trigrams(foldedNeedle);
  if (grams.length === 0) return undefined;
  const families: GramFamily[] = scope === 'name' ? ['name'] : ['name', 'other'];
  const ids = await Promise.all(families.map((family) => rarestPostings(tenantId, family, grams)));
  return [...new Set(ids.flat())];
}

async function rarestPostings(tenantId: string, family: GramFamily, grams: string[]): Promise<string[]> {
  let winner: string[] | undefined;
  await Promise.all(
    grams.map(async (gram) => {
      const ids: string[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page: QueryCommandOutput = await db().send(
          new QueryCommand({
            TableName: tableName(),
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': keys.gramPartition(tenantId, family, gram) },
            ProjectionExpression: 'SK',
            ConsistentRead: true,
            Limit: 1000,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        if (winner) return;
        ids.push(...(page.Items ?? []).map((item) => item.SK as string));
        start = page.LastEvaluatedKey;
      } while (start);
      winner ??= ids;
    }),
  );
  return winner ?? [];
}
