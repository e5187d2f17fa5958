/**
 * Marks on a tenant item saying that an index a later version added is complete for the tenant: set when
 * this version creates the tenant item with no organization yet (every organization it will hold is
 * written with the index), or by `migrate listings` once it has given every organization the index. Until
 * then the reads that index serves fall back to a scan of the tenant (a cost, never a wrong answer).
 * A mark is never taken back, so each process reads it until it finds it set, then no more.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

import { db, tableName } from './client.ts';
import * as keys from './keys.ts';
import { conditionHeld } from './query.ts';

export const TENANT_MARKS = {
  /** The gram vocabulary names every gram of the tenant's postings (gram-vocabulary.ts): short needles read it. */
  vocabulary: 'vocabularyComplete',
  /**
   * Every organization has this version's index items: the shards of its spread values (the earlier partition of a
   * value is no longer read), its no-description listing entry, its non-scalar property entries.
   */
  indexes: 'indexesComplete',
} as const;
export type TenantMark = (typeof TENANT_MARKS)[keyof typeof TENANT_MARKS];

/** Tenants read marked, per table and mark. */
const marked = new Set<string>();
/** The read in flight of each table's tenant and mark, which concurrent readers share. */
const reading = new Map<string, Promise<boolean>>();

/** Whether the tenant carries the mark (strongly consistent until seen set). */
export async function hasTenantMark(tenantId: string, mark: TenantMark): Promise<boolean> {
  const known = `${tableName()}\u0000${tenantId}\u0000${mark}`;
  if (marked.has(known)) return true;
  let read = reading.get(known);
  if (!read) {
    read = db()
      .send(
        new GetCommand({
          TableName: tableName(),
          Key: keys.tenant(tenantId),
          ConsistentRead: true,
          ProjectionExpression: '#mark',
          ExpressionAttributeNames: { '#mark': mark },
        }),
      )
      .then(({ Item }) => {
        const set = Item?.[mark] === true;
        if (set) marked.add(known);
        return set;
      })
      .finally(() => reading.delete(known));
    reading.set(known, read);
  }
  return read;
}

/** Sets the mark once a migration has completed the index for the tenant; false when the tenant has no tenant item. */
export async function setTenantMark(tenantId: string, mark: TenantMark): Promise<boolean> {
  return conditionHeld(
    db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.tenant(tenantId),
        UpdateExpression: 'SET #mark = :true',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#mark': mark },
        ExpressionAttributeValues: { ':true': true },
      }),
    ),
  );
}

/** The marks a tenant item created with no organization carries. */
export const newTenantMarks = (): Record<TenantMark, true> =>
  Object.fromEntries(Object.values(TENANT_MARKS).map((mark) => [mark, true])) as Record<TenantMark, true>;
