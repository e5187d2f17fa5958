/**
 * The writes a delete's clean-ups need (the domain decides which; see DeleteCleanups): access sets
 * without the organization, the Engagement mappings and their reverse references removed, and other
 * organizations rewritten. Conditional transaction items, so the delete and its clean-ups happen
 * together or not at all.
 */
import type { DeleteCleanups } from '#shared/domain/ports.ts';

import { tableName } from './client.ts';
import { keys } from './keys.ts';
import { memberIndexKeys, organizationReplaceItem, type TransactItem } from './organizations.ts';

export function cleanupItems(tenantId: string, cleanups: DeleteCleanups): TransactItem[] {
  const items: TransactItem[] = [];
  for (const { list, organizationIds } of cleanups.accessLists) {
    items.push({
      Update: {
        TableName: tableName(),
        Key: list.kind === 'program' ? keys.program(tenantId, list.name) : keys.campaign(tenantId, list.name),
        UpdateExpression: 'SET organizationIds = :next',
        ConditionExpression: 'organizationIds = :previous',
        ExpressionAttributeValues: { ':next': organizationIds, ':previous': list.organizationIds },
      },
    });
  }
  for (const mapping of cleanups.mappings) {
    items.push({ Delete: { TableName: tableName(), Key: keys.clientMapping(tenantId, mapping.publisherId, mapping.clientId) } });
    items.push({
      Delete: { TableName: tableName(), Key: keys.mappingRef(tenantId, mapping.organizationId, mapping.publisherId, mapping.clientId) },
    });
  }
  for (const { previous, next } of cleanups.rewrites) {
    items.push(organizationReplaceItem(tenantId, next, previous.version));
    const kept = new Set(memberIndexKeys(tenantId, next).map((key) => key.SK));
    for (const key of memberIndexKeys(tenantId, previous)) {
      if (!kept.has(key.SK)) items.push({ Delete: { TableName: tableName(), Key: key } });
    }
  }
  return items;
}
