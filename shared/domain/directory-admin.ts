/**
 * The directory's operator-side writes (admin CLI and seed import): tenants, apps, publishers and
 * their diffuseurs, Engagement client-id mappings, programs and campaigns. Each checks what it
 * refers to, so neither path can store a dangling reference.
 */
import { AppError, notFound } from '#shared/errors.ts';

import type { AccessList, AccessListKind, ClickCount, ClientMapping, Publisher, Tenant } from './directory.ts';
import type { App, OrganizationKey } from './organization.ts';
import { resolveOrganizationId } from './organizations.ts';
import { ports } from './ports.ts';

const directory = () => ports().directory;

/** Creates a tenant, or renames it. */
export const putTenant = (tenant: Tenant) => directory().putTenant(tenant);

export const listTenants = () => directory().listTenants();

/** The tenant id, once its tenant is known to exist. */
export async function existingTenant(tenantId: string): Promise<string> {
  if (!(await directory().getTenant(tenantId))) throw notFound(`Tenant ${tenantId} does not exist (see: tenants list).`);
  return tenantId;
}

export const putApp = (tenantId: string, app: App) => directory().putApp(tenantId, app);

export const listApps = (tenantId: string) => directory().listApps(tenantId);

export const putPublisher = (tenantId: string, publisher: Publisher) => directory().putPublisher(tenantId, publisher);

export const listPublishers = (tenantId: string) => directory().listPublishers(tenantId);

async function existingPublisher(tenantId: string, id: string): Promise<void> {
  if (!(await directory().getPublisher(tenantId, id))) throw notFound(`No publisher ${id}.`);
}

/** Lets `diffuseurId` broadcast `annonceurId`'s missions (both must be publishers of the tenant). */
export async function linkDiffuseur(tenantId: string, annonceurId: string, diffuseurId: string): Promise<void> {
  for (const id of [annonceurId, diffuseurId]) await existingPublisher(tenantId, id);
  await directory().putDiffusion(tenantId, annonceurId, diffuseurId);
}

export const unlinkDiffuseur = (tenantId: string, annonceurId: string, diffuseurId: string) =>
  directory().deleteDiffusion(tenantId, annonceurId, diffuseurId);

export const listMappings = (tenantId: string, publisherId: string) => directory().listMappings(tenantId, publisherId);

/**
 * Maps a publisher's client id to an existing organization. Without `allowedPublisherIds` an existing
 * mapping keeps its allow-list (a new one allows nobody).
 */
export async function mapClientId(
  tenantId: string,
  mapping: Omit<ClientMapping, 'organizationId' | 'allowedPublisherIds'> & {
    organization: OrganizationKey;
    allowedPublisherIds?: string[];
  },
): Promise<ClientMapping> {
  await existingPublisher(tenantId, mapping.publisherId);
  const organizationId = await existingOrganization(tenantId, mapping.organization);
  const existing = await directory().getMapping(tenantId, mapping.publisherId, mapping.clientId);
  const stored: ClientMapping = {
    publisherId: mapping.publisherId,
    clientId: mapping.clientId,
    organizationId,
    allowedPublisherIds: mapping.allowedPublisherIds ?? existing?.allowedPublisherIds ?? [],
  };
  await directory().putMapping(tenantId, stored);
  return stored;
}

/** The organization's id, once it is known to exist. */
async function existingOrganization(tenantId: string, key: OrganizationKey): Promise<string> {
  const organizationId = await resolveOrganizationId(tenantId, key);
  if (organizationId === undefined || !(await ports().organizations.get(tenantId, organizationId))) {
    throw notFound(`No organization ${'id' in key ? key.id : `~${key.label}`}.`);
  }
  return organizationId;
}

/**
 * Stores an organization's 30-day click count from a partner (Engagement `clicks`; 0 when none is
 * stored). The partner must be a publisher of the tenant.
 */
export async function setClicks(
  tenantId: string,
  count: Omit<ClickCount, 'organizationId'> & { organization: OrganizationKey },
): Promise<ClickCount> {
  if (!Number.isSafeInteger(count.clicks) || count.clicks < 0) throw new AppError('validation', 'A click count is an integer ≥ 0.');
  await existingPublisher(tenantId, count.partnerId);
  const stored = {
    organizationId: await existingOrganization(tenantId, count.organization),
    partnerId: count.partnerId,
    clicks: count.clicks,
  };
  await directory().putClicks(tenantId, stored);
  return stored;
}

export const listClicks = async (tenantId: string, organization: OrganizationKey) =>
  directory().listClicks(tenantId, await existingOrganization(tenantId, organization));

/** Creates a program or campaign, or updates its id, status and description (its access set is kept). */
export async function putAccessList(
  tenantId: string,
  list: Omit<AccessList, 'organizationIds'> & { organizationIds?: string[] },
): Promise<{ created: boolean }> {
  if (!Number.isInteger(list.id) || list.id < 1) throw new AppError('validation', 'A program or campaign id is a positive integer.');
  const existing = await directory().getAccessList(tenantId, list.kind, list.name);
  await directory().putAccessList(tenantId, { ...list, organizationIds: list.organizationIds ?? existing?.organizationIds ?? [] });
  return { created: !existing };
}

/** Sets the organizations (by key) that can access a program or campaign; duplicates count once. */
export async function setAccessByKeys(tenantId: string, kind: AccessListKind, name: string, keys: OrganizationKey[]): Promise<string[]> {
  const list = await directory().getAccessList(tenantId, kind, name);
  if (!list) throw notFound(`No ${kind} ${name}.`);
  const ids: string[] = [];
  for (const key of keys) ids.push(await existingOrganization(tenantId, key));
  const unique = [...new Set(ids)];
  await directory().replaceAccess(tenantId, list, unique);
  return unique;
}
