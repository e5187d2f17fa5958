/**
 * Substring search postings: one item per (family, gram, organization) of the case- and accent-folded
 * texts (family `name`: the name; `other`: label and description). A gram is a trigram of a text, or a text
 * that folds to one or two code points whole; the grams a tenant uses are named in its vocabulary
 * (gram-vocabulary.ts), where a needle of one or two code points finds those that contain it.
 *
 * Trusted postings carry what a reader needs to decide a match and to sort without reading the
 * organization: every `name` posting, and the `other` postings of the label's trigrams, carry the name
 * (`n`), the integer id and label (`k` = `<intId, 15 digits>#<label>`), `createdAt` (`c`), and on `other`
 * postings whether the trigram is in the description too (`d`). A trusted posting always says what the
 * committed organization says, because it is only ever written
 * - in the organization's own transaction (every trusted posting whose content a write changes, adds or
 *   removes: a rename rewrites the ~20–40 postings of its name and label, all or nothing with it), or,
 *   when they do not fit that transaction, after it, by a transaction conditioned on the organization
 *   still being at the version written (having been made untrusted before the write: a reader of them
 *   in between reads the organization);
 * - by the admin backfill, conditioned the same way.
 * The description's other trigrams (thousands, more than a transaction holds) are untrusted postings
 * (`v` only, as every posting was before they carried anything), kept around the transaction as a
 * superset of the truth; a reader checks their candidates against the organization itself:
 * - the postings of its new trigrams are put in the organization's transaction when they fit, otherwise
 *   before it (`v` = the version written; a put never lowers `v`), so a committed text is always fully posted;
 * - after it is written, the postings of trigrams it no longer has are deleted, conditioned on
 *   `v` ≤ that version, so a delete never removes a posting a later version put back.
 * A refused write takes its new untrusted postings back; a crash or a lost race between the steps leaves
 * extra or untrusted postings (or vocabulary entries) only: a cost, never a missed match or a wrong one.
 * Postings written before they carried anything are untrusted; `npm run admin -- migrate listings` makes
 * them trusted.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type QueryCommandOutput, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import type { Organization, SortKeys } from '#shared/domain/organization.ts';
import type { SearchCandidate, SearchScope } from '#shared/domain/ports.ts';
import { logger } from '#shared/logger.ts';
import { foldText, searchGrams, trigrams } from '#shared/text.ts';

import { db, tableName } from './client.ts';
import {
  type FamilyGram,
  forgetKnownGrams,
  gramsHolding,
  isVocabularyComplete,
  isWholeTextGram,
  markVocabularyComplete,
  putVocabulary,
  vocabularyFor,
  vocabularyPuts,
} from './gram-vocabulary.ts';
import { type ImportRunsState, importRunsState, importRunsStateFor, isRunFinished } from './import-runs.ts';
import * as keys from './keys.ts';
import { entity, type GramFamily, paddedIntId, parseGramPartition } from './keys.ts';
import {
  batchGet,
  batchWrite,
  cancellationCodes,
  ignoringConditionFailure,
  queryPartition,
  retryingTransactionConflicts,
  scanTable,
  type TransactItem,
} from './query.ts';

/** Postings written or deleted at once for one organization. */
const WRITE_CONCURRENCY = 16;

/** What a trusted posting says of its organization. */
interface PostingFacts extends Omit<SortKeys, 'id'> {
  /** `other` family: the trigram is in the description too (so the description may hold the needle). */
  inDescription?: boolean;
}

export type Posting = { family: GramFamily; gram: string; facts?: PostingFacts };

const postingKey = ({ family, gram }: { family: GramFamily; gram: string }) => `${family}:${gram}`;

/** Every posting an organization has, with what each carries. */
export function postingsOf(organization: Organization | undefined): Map<string, Posting> {
  const postings = new Map<string, Posting>();
  if (!organization) return postings;
  const { name, label, intId, createdAt } = organization;
  for (const gram of searchGrams(foldText(name)))
    postings.set(postingKey({ family: 'name', gram }), { family: 'name', gram, facts: { name, label, intId, createdAt } });
  const described = new Set(searchGrams(foldText(organization.description)));
  for (const gram of searchGrams(foldText(label))) {
    postings.set(postingKey({ family: 'other', gram }), {
      family: 'other',
      gram,
      facts: { name, label, intId, createdAt, inDescription: described.has(gram) },
    });
  }
  for (const gram of described)
    if (!postings.has(postingKey({ family: 'other', gram })))
      postings.set(postingKey({ family: 'other', gram }), { family: 'other', gram });
  return postings;
}

const sameFacts = (a: PostingFacts | undefined, b: PostingFacts | undefined) =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.name === b.name &&
    a.label === b.label &&
    a.intId === b.intId &&
    a.createdAt === b.createdAt &&
    a.inDescription === b.inDescription);

/**
 * The stored item of a posting: trusted (with its facts) or not; `importRun` marks the trusted postings an
 * import batched before its organization's transaction (import-runs.ts).
 */
function postingItem(
  tenantId: string,
  id: string,
  version: number,
  posting: Posting,
  trusted: boolean,
  importRun?: number,
): Record<string, unknown> {
  const item: Record<string, unknown> = { ...keys.gram(tenantId, posting.family, posting.gram, id), entity: entity.gram, v: version };
  const { facts } = posting;
  if (trusted && facts) {
    Object.assign(item, { n: facts.name, k: `${paddedIntId(facts.intId)}#${facts.label}`, c: facts.createdAt });
    if (posting.family === 'other') item.d = facts.inDescription === true;
    if (importRun !== undefined) item.f = importRun;
  }
  return item;
}

/**
 * The facts of a stored posting, or undefined when it is untrusted (description only, written before
 * postings carried facts, in a write's doubt, or from an import run not finished).
 */
function factsOfItem(item: Record<string, unknown>, runs: ImportRunsState | undefined): PostingFacts | undefined {
  if (typeof item.n !== 'string' || typeof item.k !== 'string' || typeof item.c !== 'string') return undefined;
  if (typeof item.f === 'number' && !(runs && isRunFinished(runs, item.f))) return undefined;
  const k = item.k;
  return { name: item.n, intId: Number(k.slice(0, 15)), label: k.slice(16), createdAt: item.c, inDescription: item.d === true };
}

/** What one write changes in the postings of one organization. */
interface PostingDiff {
  /** Trusted content changed, added or removed (their new state: a posting, or undefined to delete). */
  trusted: { key: string; next: Posting | undefined; previous: Posting | undefined }[];
  /** Untrusted postings added (in `next`, not in `previous`). */
  added: Posting[];
  /** Untrusted postings removed (in `previous`, not in `next`). */
  removed: Posting[];
}

function diff(next: Organization | undefined, previous: Organization | undefined): PostingDiff {
  const after = postingsOf(next);
  const before = postingsOf(previous);
  const result: PostingDiff = { trusted: [], added: [], removed: [] };
  for (const [key, posting] of after) {
    const old = before.get(key);
    if (posting.facts || old?.facts) {
      if (!old || !sameFacts(posting.facts, old.facts)) result.trusted.push({ key, next: posting, previous: old });
    } else if (!old) result.added.push(posting);
  }
  for (const [key, old] of before) {
    if (after.has(key)) continue;
    if (old.facts) result.trusted.push({ key, next: undefined, previous: old });
    else result.removed.push(old);
  }
  return result;
}

/**
 * How one write of an organization keeps its postings (see the header): `transactItems` go in the
 * organization's transaction when they fit in `room` items; `before` runs before it, `withdraw` after it
 * was refused, `after` after it committed.
 */
export interface PostingPlan {
  /** Whether the trusted postings it changes fit the transaction (`transactItems`), or are kept around it. */
  inTransaction: boolean;
  transactItems: TransactItem[];
  before(): Promise<void>;
  withdraw(): Promise<void>;
  after(): Promise<void>;
}

export async function planPostings(
  tenantId: string,
  id: string,
  version: number,
  next: Organization | undefined,
  previous: Organization | undefined,
  room: number,
): Promise<PostingPlan> {
  const changes = diff(next, previous);
  const inTransaction = changes.trusted.length <= room;
  // The vocabulary of the grams it posts first (gram-vocabulary.ts): in the transaction when there is room,
  // so a refused write leaves none; otherwise before every posting.
  // Every posting it puts, not only new ones: in a tenant not yet migrated, a posting taken for stored may not be.
  const puts = [...changes.added, ...changes.trusted.flatMap(({ next: posting }) => (posting ? [posting] : []))];
  const vocabulary = await vocabularyFor(tenantId, puts);
  const vocabularyInTransaction = inTransaction && vocabulary.items.length <= room - changes.trusted.length;
  // A change's new untrusted postings ride in its transaction too when there is room left: a write that puts them
  // ahead holds its organization's version for one more round trip, and concurrent writers of one organization
  // lose more races the longer that is. (Unconditional puts: what is stored under those keys is at most a leftover
  // untrusted posting of a version ≤ this one, since the transaction commits only on the version it read.)
  // A new organization's go ahead in batches (half the write capacity; no concurrent writer to race).
  const addsInTransaction =
    previous !== undefined && vocabularyInTransaction && changes.added.length <= room - changes.trusted.length - vocabulary.items.length;
  // Without room, the postings whose trusted content changes are made untrusted before the write, written
  // like the others around it, and made trusted after it by a transaction checking the version.
  const untrustedAdds = addsInTransaction
    ? []
    : inTransaction
      ? changes.added
      : [...changes.added, ...changes.trusted.map(({ next: n, previous: p }) => ({ ...(n ?? p)!, facts: undefined }))];
  const removed = inTransaction ? changes.removed : [...changes.removed, ...changes.trusted.filter((t) => !t.next).map((t) => t.previous!)];
  const newKeys = addsInTransaction
    ? []
    : inTransaction
      ? changes.added
      : [...changes.added, ...changes.trusted.filter((t) => !t.previous).map((t) => t.next!)];
  return {
    inTransaction,
    transactItems: [
      ...(inTransaction
        ? changes.trusted.map(({ next: posting, previous: old }) =>
            posting
              ? { Put: { TableName: tableName(), Item: postingItem(tenantId, id, version, posting, true) } }
              : { Delete: { TableName: tableName(), Key: keys.gram(tenantId, old!.family, old!.gram, id) } },
          )
        : []),
      ...(vocabularyInTransaction ? vocabularyPuts(vocabulary.items) : []),
      ...(addsInTransaction
        ? changes.added.map((posting) => ({ Put: { TableName: tableName(), Item: postingItem(tenantId, id, version, posting, false) } }))
        : []),
    ],
    before: async () => {
      if (!vocabularyInTransaction) await vocabulary.putAhead();
      await postUntrusted(tenantId, id, version, untrustedAdds, previous === undefined);
    },
    withdraw: () => withdrawUntrusted(tenantId, id, version, newKeys),
    // The write has committed: a failure here leaves untrusted or extra postings only (a cost, see the header),
    // never a reason to answer the write as failed.
    after: async () => {
      vocabulary.remember();
      try {
        if (!inTransaction && next)
          await confirmTrusted(
            tenantId,
            id,
            version,
            changes.trusted.flatMap((t) => (t.next?.facts ? [t.next] : [])),
          );
        await unpost(tenantId, id, version, removed);
      } catch (error) {
        logger.warn('search postings left untidied after a committed write', {
          tenantId,
          organizationId: id,
          version,
          error: error as Error,
        });
      }
    },
  };
}

/**
 * The postings of a new organization a seed import creates in run `importRun` (import-runs.ts): its
 * items, to batch before its transaction (none goes in it), the trusted ones marked with the run, so a
 * reader checks them against the organization until the run has finished; and how to take them back
 * after a refusal, while no organization of that id is stored (one committed by another writer keeps
 * the postings it wrote, or the run's, which then say what it says).
 */
export function importedPostings(tenantId: string, organization: Organization, importRun: number) {
  const { id, version } = organization;
  const postings = [...postingsOf(organization).values()];
  return {
    items: postings.map((posting) => postingItem(tenantId, id, version, posting, true, importRun)),
    /** The grams the vocabulary must name before these postings are written. */
    grams: postings.map(({ family, gram }): FamilyGram => ({ family, gram })),
    async withdraw(): Promise<void> {
      for (let i = 0; i < postings.length; i += 99) {
        const deletes = postings.slice(i, i + 99).map((posting) => ({
          Delete: {
            TableName: tableName(),
            Key: keys.gram(tenantId, posting.family, posting.gram, id),
            ConditionExpression: 'v = :v AND (attribute_not_exists(n) OR f = :run)',
            ExpressionAttributeValues: { ':v': version, ':run': importRun },
          },
        }));
        const notStored = {
          ConditionCheck: { TableName: tableName(), Key: keys.organization(tenantId, id), ConditionExpression: 'attribute_not_exists(PK)' },
        };
        await db()
          .send(new TransactWriteCommand({ TransactItems: [notStored, ...deletes] }))
          .catch((error: unknown) => {
            // Cancelled: the id is stored after all, or a posting was rewritten since: what stays is true or checked.
            if (!cancellationCodes(error)) throw error;
          });
      }
    },
  };
}

/** Puts untrusted postings (`v` = the version written; a conditional put never lowers `v`; a new organization's in batches of 25). */
async function postUntrusted(tenantId: string, id: string, version: number, postings: Posting[], isNew: boolean): Promise<void> {
  if (isNew) {
    // A new organization has no postings to keep (nor a later version to respect).
    await batchWrite(postings.map((posting) => ({ PutRequest: { Item: postingItem(tenantId, id, version, posting, false) } })));
    return;
  }
  await mapWithConcurrency(postings, WRITE_CONCURRENCY, (posting) =>
    retryingTransactionConflicts(() =>
      ignoringConditionFailure(
        db().send(
          new PutCommand({
            TableName: tableName(),
            Item: postingItem(tenantId, id, version, posting, false),
            ConditionExpression: 'attribute_not_exists(PK) OR v < :v',
            ExpressionAttributeValues: { ':v': version },
          }),
        ),
      ),
    ),
  );
}

/**
 * After a refused write: takes back the untrusted postings it put that the previous text did not have,
 * so a refused write leaves the table as it was. Conditioned on no write having committed at that
 * version or later (a rival writer of the same version number won: its postings stay) and on each
 * posting still being this write's, all in one transaction per 99 postings.
 */
async function withdrawUntrusted(tenantId: string, id: string, version: number, added: Posting[]): Promise<void> {
  for (let i = 0; i < added.length; i += 99) {
    const deletes = added.slice(i, i + 99).map((posting) => ({
      Delete: {
        TableName: tableName(),
        Key: keys.gram(tenantId, posting.family, posting.gram, id),
        ConditionExpression: 'v = :v AND attribute_not_exists(n)',
        ExpressionAttributeValues: { ':v': version },
      },
    }));
    const nothingCommittedAtVersion = {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.organization(tenantId, id),
        ConditionExpression: 'attribute_not_exists(PK) OR version < :v',
        ExpressionAttributeValues: { ':v': version },
      },
    };
    await db()
      .send(new TransactWriteCommand({ TransactItems: [nothingCommittedAtVersion, ...deletes] }))
      .catch((error: unknown) => {
        // Cancelled: a rival's version, or a posting rewritten since; what stays is a superset.
        if (!cancellationCodes(error)) throw error;
      });
  }
}

/**
 * Makes postings trusted while the organization is still at `version` (and the posting not rewritten by
 * a later write): one transaction per 99 postings; a cancelled one leaves them untrusted (a cost only).
 */
async function confirmTrusted(tenantId: string, id: string, version: number, postings: Posting[]): Promise<number> {
  let written = 0;
  for (let i = 0; i < postings.length; i += 99) {
    const chunk = postings.slice(i, i + 99);
    const puts = chunk.map((posting) => ({
      Put: {
        TableName: tableName(),
        Item: postingItem(tenantId, id, version, posting, true),
        ConditionExpression: 'attribute_not_exists(PK) OR v <= :v',
        ExpressionAttributeValues: { ':v': version },
      },
    }));
    const stillAtVersion = {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.organization(tenantId, id),
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': version },
      },
    };
    try {
      await db().send(new TransactWriteCommand({ TransactItems: [stillAtVersion, ...puts] }));
      written += chunk.length;
    } catch (error) {
      if (!cancellationCodes(error)) throw error;
    }
  }
  return written;
}

/** After the write committed at `version`: deletes postings of trigrams it no longer has, conditioned on `v` ≤ that version. */
async function unpost(tenantId: string, id: string, version: number, postings: Posting[]): Promise<void> {
  await mapWithConcurrency(postings, WRITE_CONCURRENCY, (posting) =>
    retryingTransactionConflicts(() =>
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
    ),
  );
}

/**
 * Step 1 of a write whose postings do not fit its transaction: every posting `next` has and `previous`
 * had not, or whose content changed, is put untrusted (kept for the tests of a writer that dies there).
 */
export const postNewGrams = async (tenantId: string, next: Organization, previous: Organization | undefined) =>
  (await planPostings(tenantId, next.id, next.version, next, previous, -1)).before();

/**
 * What the postings say of the organizations that may contain a folded needle, read from the postings of
 * its rarest trigram in each family the scope searches. Every trigram's postings are read together in
 * rounds of growing pages; the first to reach its end is the rarest, and the others stop with that round,
 * so the read costs at most about (trigrams of the needle) × (8 × postings of the rarest, or one small
 * page). A needle of one or two code points reads the postings of every gram that contains it (found in
 * the vocabulary: gram-vocabulary.ts), so about (its occurrences × 3) postings; undefined when the tenant's
 * vocabulary is not complete yet (not migrated) or the needle is empty.
 */
export async function searchPostings(tenantId: string, scope: SearchScope, foldedNeedle: string): Promise<SearchCandidate[] | undefined> {
  const grams = trigrams(foldedNeedle);
  // Undefined (a scan) for an empty or ill-formed needle, or one too short in a tenant not yet migrated.
  if (grams.length === 0 && (foldedNeedle.length === 0 || !foldedNeedle.isWellFormed() || !(await isVocabularyComplete(tenantId))))
    return undefined;
  const families: GramFamily[] = scope === 'name' ? ['name'] : ['name', 'other'];
  const found = await Promise.all(
    families.map((family) =>
      grams.length > 0 ? rarestPostings(tenantId, family, grams) : postingsHolding(tenantId, family, foldedNeedle),
    ),
  );
  // Postings an import batched are trusted once their run has finished: read after the postings, so a run met is known.
  const runsMet = new Set(found.flatMap((items) => items.flatMap((item) => (typeof item.f === 'number' ? [item.f] : []))));
  const runs = runsMet.size > 0 ? await importRunsStateFor(tenantId, runsMet) : undefined;
  const byId = new Map<string, { matches: boolean; unsure: boolean; sortKeys?: SortKeys }>();
  families.forEach((family, f) => {
    for (const item of found[f]!) {
      const id = item.SK as string;
      const entry = byId.get(id) ?? { matches: false, unsure: false };
      byId.set(id, entry);
      const facts = factsOfItem(item, runs);
      if (!facts) {
        entry.unsure = true;
        continue;
      }
      entry.sortKeys ??= { id, name: facts.name, label: facts.label, intId: facts.intId, createdAt: facts.createdAt };
      if (foldText(family === 'name' ? facts.name : facts.label).includes(foldedNeedle)) entry.matches = true;
      else if (family === 'other' && facts.inDescription) entry.unsure = true;
    }
  });
  // A name that does not hold the needle is known from its trusted posting; a label or description that
  // holds it would have put the organization among the `other` postings too (they are a superset).
  return [...byId].map(([id, { matches, unsure, sortKeys }]) => ({
    id,
    matches: matches ? true : unsure ? undefined : false,
    ...(sortKeys ? { sortKeys } : {}),
  }));
}

/** Ids of organizations that may contain a folded needle (a superset), or undefined where searchPostings is. */
export const searchCandidates = async (tenantId: string, scope: SearchScope, foldedNeedle: string) =>
  (await searchPostings(tenantId, scope, foldedNeedle))?.map((candidate) => candidate.id);

/** Posting partitions read at once for a short needle. */
const READ_CONCURRENCY = 16;

/** Every posting of the grams that contain a needle of one or two code points. */
async function postingsHolding(tenantId: string, family: GramFamily, needle: string): Promise<Record<string, unknown>[]> {
  const grams = await gramsHolding(tenantId, family, needle);
  const pages = await mapWithConcurrency(grams, READ_CONCURRENCY, (gram) =>
    queryPartition<Record<string, unknown>>(keys.gramPartition(tenantId, family, gram), { ProjectionExpression: 'SK, n, k, c, d, f' }),
  );
  return pages.flat();
}

/**
 * Page sizes of the rounds in which every trigram's postings are read together: the first (~1 RCU of
 * postings) lets a rare trigram end the search after one small read of each, and each later round reads
 * at most 8 times what all rounds before it read, so no trigram is read much past the rarest's postings.
 */
const POSTING_ROUND_LIMITS = [24, 192, 1000];

/** The postings of the rarest of `grams` in a family: every trigram read in rounds until one ends. */
async function rarestPostings(tenantId: string, family: GramFamily, grams: string[]): Promise<Record<string, unknown>[]> {
  const lanes = grams.map((gram) => ({
    gram,
    items: [] as Record<string, unknown>[],
    start: undefined as Record<string, unknown> | undefined,
  }));
  for (let round = 0; ; round++) {
    const limit = POSTING_ROUND_LIMITS[Math.min(round, POSTING_ROUND_LIMITS.length - 1)]!;
    await Promise.all(
      lanes.map(async (lane) => {
        const page: QueryCommandOutput = await db().send(
          new QueryCommand({
            TableName: tableName(),
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': keys.gramPartition(tenantId, family, lane.gram) },
            ProjectionExpression: 'SK, n, k, c, d, f',
            ConsistentRead: true,
            Limit: limit,
            ...(lane.start ? { ExclusiveStartKey: lane.start } : {}),
          }),
        );
        lane.items.push(...(page.Items ?? []));
        lane.start = page.LastEvaluatedKey;
      }),
    );
    const ended = lanes.filter((lane) => !lane.start);
    if (ended.length > 0) return ended.reduce((rarest, lane) => (lane.items.length < rarest.items.length ? lane : rarest)).items;
  }
}

/**
 * Makes trusted the untrusted postings that should carry facts (postings written before they carried any,
 * left untrusted by a write that stopped half-way, or of a committed organization whose import run was
 * killed and never re-run): one Scan of the table's postings, the organizations
 * they name read (strongly consistent), each rewrite conditioned on the organization still being at the
 * version read and the posting as scanned. An admin migration: idempotent, safe while the API serves.
 * Returns how many postings it made trusted.
 */
export async function backfillSearchPostings(onProgress?: (scanned: number) => void): Promise<number> {
  let written = 0;
  let scanned = 0;
  const pages = scanTable('entity = :gram AND (attribute_not_exists(n) OR attribute_exists(f))', { ':gram': entity.gram });
  const runs = new Map<string, Promise<ImportRunsState>>();
  for await (const page of pages) {
    scanned += page.ScannedCount ?? 0;
    type Scanned = { posting: Posting; v: number; run?: number };
    const byOrganization = new Map<string, { tenantId: string; id: string; postings: Scanned[] }>();
    for (const item of page.Items ?? []) {
      const parsed = parseGramPartition(item.PK as string);
      if (!parsed) continue;
      const run = typeof item.f === 'number' ? item.f : undefined;
      if (run !== undefined) {
        // A posting of an import run that has finished is trusted already.
        if (!runs.has(parsed.tenantId)) runs.set(parsed.tenantId, importRunsState(parsed.tenantId));
        if (isRunFinished(await runs.get(parsed.tenantId)!, run)) continue;
      }
      const id = item.SK as string;
      const key = `${parsed.tenantId}\u0000${id}`;
      const entry = byOrganization.get(key) ?? { tenantId: parsed.tenantId, id, postings: [] };
      const posting = { family: parsed.family, gram: parsed.gram };
      entry.postings.push({ posting, v: Number(item.v), ...(run === undefined ? {} : { run }) });
      byOrganization.set(key, entry);
    }
    const organizations = await batchGet<Organization & { PK?: string }>(
      [...byOrganization.values()].map(({ tenantId, id }) => keys.organization(tenantId, id)),
    );
    const stored = new Map(organizations.map((org) => [org.id, org]));
    await mapWithConcurrency([...byOrganization.values()], WRITE_CONCURRENCY, async ({ tenantId, id, postings }) => {
      const organization = stored.get(id);
      if (!organization) return;
      const wanted = postingsOf(organization);
      const trusted = postings.flatMap(({ posting, v, run }) => {
        const desired = wanted.get(postingKey(posting));
        return desired?.facts && v <= organization.version ? [{ posting: desired, v, run }] : [];
      });
      const rewrite = (chunk: typeof trusted): TransactItem[] => [
        {
          ConditionCheck: {
            TableName: tableName(),
            Key: keys.organization(tenantId, id),
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': organization.version },
          },
        },
        // Unchanged since scanned: the same `v`, and untrusted, or marked by the same unfinished import run
        // (an organization it left committed: a run's orphans, of organizations never stored, stay checked).
        ...chunk.map(({ posting, v, run }) => ({
          Put: {
            TableName: tableName(),
            Item: postingItem(tenantId, id, organization.version, posting, true),
            ConditionExpression: run === undefined ? 'v = :seen AND attribute_not_exists(n)' : 'v = :seen AND f = :run',
            ExpressionAttributeValues: { ':seen': v, ...(run === undefined ? {} : { ':run': run }) },
          },
        })),
      ];
      // Changed since it was read: the write that changed it keeps its postings; a re-run sees the rest.
      const send = (chunk: typeof trusted): Promise<unknown> =>
        db()
          .send(new TransactWriteCommand({ TransactItems: rewrite(chunk) }))
          .then(() => (written += chunk.length))
          .catch((error: unknown) => {
            if (!cancellationCodes(error)) throw error;
            return chunk.length > 1 ? mapWithConcurrency(chunk, 1, (one): Promise<unknown> => send([one])) : undefined;
          });
      for (let i = 0; i < trusted.length; i += 99) await send(trusted.slice(i, i + 99));
    });
    onProgress?.(scanned);
  }
  return written;
}

/**
 * Completes what versions before the gram vocabulary left (an admin migration: one Scan, idempotent, safe
 * while the API serves, since every write of this version keeps the vocabulary itself):
 * - the vocabulary entries of every gram a posting uses;
 * - the postings of texts of one or two code points (posted whole since the vocabulary), each put with a
 *   check that the organization is still at the version read (a changed one is read again);
 * - then, every tenant met marked complete, so its short needles read the vocabulary instead of scanning.
 */
export async function backfillGramVocabulary(onProgress?: (scanned: number) => void) {
  const done = { grams: 0, postings: 0, tenants: 0 };
  const tenants = new Set<string>();
  forgetKnownGrams();
  let scanned = 0;
  // Every organization: how long a text folds to is decided here (diacritics fold away, however many).
  const pages = scanTable('entity IN (:gram, :tenant, :org)', {
    ':gram': entity.gram,
    ':tenant': entity.tenant,
    ':org': entity.organization,
  });
  for await (const page of pages) {
    scanned += page.ScannedCount ?? 0;
    const grams = new Map<string, FamilyGram[]>();
    const shortTexts: { tenantId: string; id: string }[] = [];
    for (const item of page.Items ?? []) {
      if (item.entity === entity.tenant) tenants.add(item.id as string);
      else if (item.entity === entity.organization) {
        const tenantId = keys.tenantOfOrganization(item.PK as string, item.id as string);
        const short = [...postingsOf(item as Organization).values()].some(({ gram }) => isWholeTextGram(gram));
        if (tenantId !== undefined && short) shortTexts.push({ tenantId, id: item.id as string });
      } else {
        const parsed = parseGramPartition(item.PK as string);
        if (!parsed) continue;
        tenants.add(parsed.tenantId);
        const used = grams.get(parsed.tenantId) ?? [];
        used.push({ family: parsed.family, gram: parsed.gram });
        grams.set(parsed.tenantId, used);
      }
    }
    for (const [tenantId, used] of grams) done.grams += await putVocabulary(tenantId, used);
    const posted = await mapWithConcurrency(shortTexts, WRITE_CONCURRENCY, ({ tenantId, id }) => postShortTexts(tenantId, id));
    done.postings += posted.reduce((sum, n) => sum + n, 0);
    onProgress?.(scanned);
  }
  // Postings of a tenant with no tenant item: it stays unmarked (its short needles are scanned).
  for (const tenantId of tenants) if (await markVocabularyComplete(tenantId)) done.tenants++;
  return done;
}

/**
 * Puts the whole-text postings of an organization's texts of one or two code points (with their
 * vocabulary), conditioned on the organization still being at the version read: a write in between may
 * have taken them for stored, so the organization is read again until one round holds. Returns how many.
 */
async function postShortTexts(tenantId: string, id: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const [organization] = await batchGet<Organization>([keys.organization(tenantId, id)]);
    if (!organization) return 0;
    const short = [...postingsOf(organization).values()].filter(({ gram }) => isWholeTextGram(gram));
    // Present or not, their grams get their vocabulary (a write of an earlier tenant may have put the posting without).
    await putVocabulary(tenantId, short);
    // A posting there is a write's of this version (every writer since keeps them): only missing ones are put.
    const present = await Promise.all(
      short.map(async ({ family, gram }) => {
        const { Item } = await db().send(
          new GetCommand({
            TableName: tableName(),
            Key: keys.gram(tenantId, family, gram, id),
            ConsistentRead: true,
            ProjectionExpression: 'v',
          }),
        );
        return Item !== undefined;
      }),
    );
    const postings = short.filter((_, i) => !present[i]);
    if (postings.length === 0) return 0;
    try {
      await db().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tableName(),
                Key: keys.organization(tenantId, id),
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': organization.version },
              },
            },
            ...postings.map((posting) => ({
              Put: {
                TableName: tableName(),
                Item: postingItem(tenantId, id, organization.version, posting, true),
                // Still missing: a writer that has put it since keeps its own.
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            })),
          ],
        }),
      );
      return postings.length;
    } catch (error) {
      // Changed since read (a write each time): read again.
      if (!cancellationCodes(error) || attempt >= SHORT_TEXT_ATTEMPTS) throw error;
    }
  }
}

/** Rounds of postShortTexts for one organization before the migration stops (to be run again). */
const SHORT_TEXT_ATTEMPTS = 20;
