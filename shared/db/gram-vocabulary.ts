/**
 * The gram vocabulary: which grams a tenant's search postings use, so a needle of one or two code points
 * (no trigram of its own) reads the postings of exactly the grams that contain it — its matches, each
 * under a few grams — instead of every organization.
 *
 * Each gram has one entry per rotation (keys.gramWord: `abc` as `0#abc`, `1#bca`, `2#cab`), in a partition
 * per family and first code point, so the grams holding `b` are three prefix queries of one
 * partition, and those holding `bc` two. Entries are never deleted: a gram no organization has any more
 * costs a reader one empty Query, never a wrong answer. An entry is stored before, or in the same
 * transaction as, the organization whose postings first use its gram, and rotation 0 last, so a stored
 * rotation 0 means the gram is whole (a writer checks only rotation 0). Each process remembers the grams
 * it has seen stored, so a warm writer adds nothing to a write whose grams the tenant already uses.
 *
 * A tenant's vocabulary is complete (marked on its tenant item) when it was created by a version that
 * keeps it, with no organization yet, or once `migrate listings` has read every posting; until then its
 * short needles are scanned. (So the migration runs once no process of an earlier version writes any more.)
 */
import { tableName } from './client.ts';
import * as keys from './keys.ts';
import { entity, type GramFamily } from './keys.ts';
import { batchGet, batchWrite, queryPrefix, retryingTransactionConflicts, type TransactItem } from './query.ts';
import { hasTenantMark, setTenantMark, TENANT_MARKS } from './tenant-marks.ts';

/** The tenant item's attribute that says its vocabulary names every gram its postings use. */
export const VOCABULARY_COMPLETE = TENANT_MARKS.vocabulary;

export type FamilyGram = { family: GramFamily; gram: string };

/** Grams seen stored, per table, tenant and family; forgotten all at once past a bound (a cost, never a miss). */
const known = new Map<string, Set<string>>();
const KNOWN_LIMIT = 500_000;
let knownCount = 0;

/** Forgets every gram seen (the migration writes what the table lacks, whatever this process remembers). */
export function forgetKnownGrams(): void {
  known.clear();
  knownCount = 0;
}

const knownKey = (tenantId: string, family: GramFamily) => `${tableName()}\u0000${tenantId}\u0000${family}`;
const isKnown = (tenantId: string, { family, gram }: FamilyGram) => known.get(knownKey(tenantId, family))?.has(gram) === true;

function remember(tenantId: string, grams: FamilyGram[]): void {
  if (knownCount + grams.length > KNOWN_LIMIT) {
    known.clear();
    knownCount = 0;
  }
  for (const { family, gram } of grams) {
    const key = knownKey(tenantId, family);
    const set = known.get(key) ?? new Set<string>();
    known.set(key, set);
    if (!set.has(gram)) knownCount++;
    set.add(gram);
  }
}

/** A gram's rotations as code points (`abc` → `abc`, `bca`, `cab`): rotation r starts at its r-th code point. */
function rotations(gram: string): string[] {
  const points = Array.from(gram);
  return points.map((_, r) => [...points.slice(r), ...points.slice(0, r)].join(''));
}

/** The vocabulary entries of a gram, rotation 0 last. */
function wordItems(tenantId: string, { family, gram }: FamilyGram): Record<string, unknown>[] {
  return rotations(gram)
    .map((rotated, r) => ({ ...keys.gramWord(tenantId, family, r, rotated), entity: entity.gramWord, family, g: gram }))
    .reverse();
}

const unique = (grams: FamilyGram[]) => [...new Map(grams.map((g) => [`${g.family}:${g.gram}`, g])).values()];

/**
 * The vocabulary a write of new postings needs: the grams neither remembered nor stored (one strongly
 * consistent read of their rotation 0, only for grams this process has not seen), as entries to put with
 * the write (`items`: in its transaction, or `putAhead` before it when they do not fit), and `remember`,
 * to call once they are stored.
 */
export async function vocabularyFor(tenantId: string, grams: FamilyGram[]) {
  const unseen = unique(grams).filter((gram) => !isKnown(tenantId, gram));
  const stored =
    unseen.length === 0
      ? []
      : await batchGet<{ family: GramFamily; g: string }>(unseen.map(({ family, gram }) => keys.gramWord(tenantId, family, 0, gram)));
  remember(
    tenantId,
    stored.map(({ family, g }) => ({ family, gram: g })),
  );
  const missing = unseen.filter((gram) => !isKnown(tenantId, gram));
  return {
    items: missing.flatMap((gram) => wordItems(tenantId, gram)),
    putAhead: async () => void (await putVocabulary(tenantId, missing)),
    remember: () => remember(tenantId, missing),
  };
}

/** Vocabulary entries to put in a transaction. */
export const vocabularyPuts = (items: Record<string, unknown>[]): TransactItem[] =>
  items.map((Item) => ({ Put: { TableName: tableName(), Item } }));

/**
 * Puts the entries of grams this process has not seen stored (unconditional: an entry says only that its
 * gram is used), the other rotations before rotation 0, so a stored rotation 0 always means a whole entry.
 */
export async function putVocabulary(tenantId: string, grams: FamilyGram[]): Promise<number> {
  const unseen = unique(grams).filter((gram) => !isKnown(tenantId, gram));
  if (unseen.length === 0) return 0;
  const items = unseen.flatMap((gram) => wordItems(tenantId, gram));
  const isFirst = (item: Record<string, unknown>) => String(item.SK).startsWith('0#');
  for (const part of [items.filter((item) => !isFirst(item)), items.filter(isFirst)])
    await retryingTransactionConflicts(() => batchWrite(part.map((Item) => ({ PutRequest: { Item } }))));
  remember(tenantId, unseen);
  return unseen.length;
}

/** Whether a gram is a whole short text (one or two code points), not a trigram. */
export const isWholeTextGram = (gram: string) => Array.from(gram).length < 3;

/**
 * The grams of a family that contain a needle of one or two code points: the rotations that begin with it
 * (a pair starts a gram at its first or second code point, a single one at any), read strongly consistent.
 */
export async function gramsHolding(tenantId: string, family: GramFamily, needle: string): Promise<string[]> {
  const points = Array.from(needle);
  const partition = keys.gramWordPartition(tenantId, family, points[0]!);
  const starts = points.length === 1 ? [0, 1, 2] : [0, 1];
  const entries = await Promise.all(
    starts.map((r) => queryPrefix<{ g: string }>(partition, `${r}#${needle}`, { ProjectionExpression: 'g' })),
  );
  return [...new Set(entries.flat().map((entry) => entry.g))].filter((gram) => gram.includes(needle));
}

/** Whether a tenant's vocabulary names every gram of its postings (strongly consistent until seen set). */
export const isVocabularyComplete = (tenantId: string) => hasTenantMark(tenantId, TENANT_MARKS.vocabulary);

/** After `migrate listings` read every posting: the tenant's short needles use the vocabulary (false: no tenant item). */
export const markVocabularyComplete = (tenantId: string) => setTenantMark(tenantId, TENANT_MARKS.vocabulary);
