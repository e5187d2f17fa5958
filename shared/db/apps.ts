/** The per-tenant app registry (a handful of items, read whole). */
import { PutCommand } from '@aws-sdk/lib-dynamodb';

import type { App } from '#shared/domain/organization.ts';

import { db, tableName } from './client.ts';
import * as keys from './keys.ts';
import { entity, tenantPk } from './keys.ts';
import { queryPrefix, stripKeys } from './query.ts';

export const listApps = (tenantId: string) =>
  queryPrefix<Record<string, unknown>>(tenantPk(tenantId), keys.appPrefix).then((items) => items.map((item) => stripKeys<App>(item)));

export async function putApp(tenantId: string, app: App): Promise<void> {
  await db().send(new PutCommand({ TableName: tableName(), Item: { ...keys.app(tenantId, app.id), entity: entity.app, ...app } }));
}
