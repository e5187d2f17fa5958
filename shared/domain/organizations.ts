/** Reading organizations: lookups by key and the filtered, sorted listing shared by the dialects. */
import { notFound } from '#shared/errors.ts';

import type { App, Organization, OrganizationKey } from './organization.ts';
import { ports } from './ports.ts';

/** Longer than any id (24) or label (128): such a key names nothing, and must not reach a DynamoDB key. */
const MAX_KEY_LENGTH = 256;

export async function resolveOrganizationId(tenantId: string, key: OrganizationKey): Promise<string | undefined> {
  if (('id' in key ? key.id : key.label).length > MAX_KEY_LENGTH) return undefined;
  return 'id' in key ? key.id : ports().organizations.idByLabel(tenantId, key.label);
}

/** The organization a key names in this tenant, or `not_found` (other tenants' ids included). */
export async function getOrganization(tenantId: string, key: OrganizationKey): Promise<Organization> {
  const id = await resolveOrganizationId(tenantId, key);
  const organization = id === undefined ? undefined : await ports().organizations.get(tenantId, id);
  if (!organization) throw notFound();
  return organization;
}

export type SortKey = 'label' | 'name' | 'createdAt';

export interface OrganizationQuery {
  search?: string;
  label?: string;
  name?: string;
  sortBy?: SortKey;
  descending?: boolean;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function findOrganizations(tenantId: string, query: OrganizationQuery): Promise<Organization[]> {
  const needle = query.search?.toLowerCase();
  const matches = (await ports().organizations.list(tenantId)).filter(
    (org) =>
      (query.label === undefined || org.label === query.label) &&
      (query.name === undefined || org.name === query.name) &&
      (needle === undefined ||
        org.label.toLowerCase().includes(needle) ||
        org.name.toLowerCase().includes(needle) ||
        org.description.toLowerCase().includes(needle)),
  );
  const sortBy = query.sortBy ?? 'createdAt';
  const direction = query.descending ? -1 : 1;
  // Ties broken by id so paging is stable.
  return matches.sort((a, b) => direction * (compareText(a[sortBy], b[sortBy]) || compareText(a.id, b.id)));
}

/** The apps the given organizations use (no read at all when none uses one). */
export async function appsFor(tenantId: string, organizations: Organization[]): Promise<Map<string, App>> {
  if (!organizations.some((org) => org.appId)) return new Map();
  return new Map((await ports().directory.listApps(tenantId)).map((app) => [app.id, app]));
}
