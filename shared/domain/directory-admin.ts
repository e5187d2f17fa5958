/**
 * The directory's operator-side writes (admin CLI and seed import): tenants, apps, publishers and
 * their diffuseurs, Engagement client-id mappings, programs and campaigns. Each checks what it
 * refers to, so neither path can store a dangling reference.
 */
import { isDeepStrictEqual } from 'node:util';

import { AppError, notFound, validationError } from '#shared/errors.ts';

import {
  type AccessList,
  type AccessListKind,
  type Campaign,
  CAMPAIGN_PROPERTIES,
  CAMPAIGN_PURPOSES,
  CAMPAIGN_STATUSES,
  CAMPAIGN_TYPES,
  type CampaignProperties,
  type ClickCount,
  type ClientMapping,
  type Program,
  PROGRAM_STATUSES,
  type Publisher,
  type Tenant,
} from './directory.ts';
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

type ListInput<T extends AccessList> = Pick<T, 'kind' | 'id' | 'name'> & Partial<Omit<T, 'kind' | 'id' | 'name'>>;
/** A program or campaign to create or update: what is not given is kept (or defaulted when new). */
export type AccessListInput = ListInput<Program> | ListInput<Campaign>;

/** Today as Responsys writes its dates (dd/MM/yyyy, UTC). */
const today = () => new Date().toISOString().slice(0, 10).split('-').reverse().join('/');

function invalidList(field: string, message: string): AppError {
  return validationError('body', [{ path: [field], message }], `Invalid program or campaign: ${field} ${message}.`);
}

function oneOf<T extends string>(field: string, value: T | undefined, allowed: readonly T[]): void {
  if (value !== undefined && !allowed.includes(value)) throw invalidList(field, `is one of ${allowed.join(', ')}`);
}

function checkCampaignProperties(properties: CampaignProperties | undefined): void {
  for (const [name, value] of Object.entries(properties ?? {})) {
    const type = (CAMPAIGN_PROPERTIES as Record<string, string>)[name];
    if (!type) throw invalidList(`properties.${name}`, 'is not a campaign property Responsys documents');
    const ok =
      type === 'strings'
        ? Array.isArray(value) && value.every((v) => typeof v === 'string')
        : type === 'map'
          ? typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string')
          : typeof value === type;
    if (!ok)
      throw invalidList(
        `properties.${name}`,
        `is ${type === 'strings' ? 'an array of strings' : type === 'map' ? 'an object of strings' : `a ${type}`}`,
      );
  }
}

/** The stored record: the input over what is stored (or the defaults), checked. */
function merged(input: AccessListInput, existing: AccessList | undefined): AccessList {
  if (!Number.isSafeInteger(input.id) || input.id < 1) throw invalidList('id', 'is a positive integer');
  // What a path can name (GET /programs/{name} takes 1 to 200 characters): a longer name could never be read.
  if (input.name.length < 1 || input.name.length > 200 || !input.name.isWellFormed()) {
    throw invalidList('name', 'is 1 to 200 characters of well-formed text');
  }
  const common = {
    id: input.id,
    name: input.name,
    description: input.description !== undefined ? input.description : (existing?.description ?? null),
    folderName: input.folderName ?? existing?.folderName ?? '',
    listName: input.listName !== undefined ? input.listName : (existing?.listName ?? null),
    organizationIds: input.organizationIds ?? existing?.organizationIds ?? [],
  };
  if (input.kind === 'program') {
    const was = existing?.kind === 'program' ? existing : undefined;
    oneOf('status', input.status, PROGRAM_STATUSES);
    if (input.listId != null && (!Number.isSafeInteger(input.listId) || input.listId < 1))
      throw invalidList('listId', 'is a positive integer');
    const created = was?.createdOn ?? today();
    // Lists stored before the documented states said ACTIVE for a running program.
    const stored =
      was && (PROGRAM_STATUSES.includes(was.status) ? was.status : (was.status as string) === 'ACTIVE' ? 'RUNNING' : 'NOT_RUNNING');
    const program: Program = {
      kind: 'program',
      ...common,
      status: input.status ?? stored ?? 'NOT_RUNNING',
      channels: input.channels ?? was?.channels ?? [],
      listId: input.listId !== undefined ? input.listId : (was?.listId ?? null),
      createdOn: input.createdOn ?? created,
      createdBy: input.createdBy ?? was?.createdBy ?? 'N/A',
      modifiedOn: was?.modifiedOn ?? created,
      modifiedBy: input.modifiedBy ?? was?.modifiedBy ?? 'N/A',
      publishDate: input.publishDate !== undefined ? input.publishDate : (was?.publishDate ?? null),
      unpublishDate: input.unpublishDate !== undefined ? input.unpublishDate : (was?.unpublishDate ?? null),
    };
    // Modified today when anything but the date changed (a re-import of the same seed changes nothing).
    const changed = was !== undefined && !isDeepStrictEqual({ ...program, modifiedOn: was.modifiedOn }, was);
    return { ...program, modifiedOn: input.modifiedOn ?? (changed ? today() : program.modifiedOn) };
  }
  const was = existing?.kind === 'campaign' ? existing : undefined;
  oneOf('type', input.type, CAMPAIGN_TYPES);
  oneOf('status', input.status, CAMPAIGN_STATUSES);
  if (input.purpose != null) oneOf('purpose', input.purpose, CAMPAIGN_PURPOSES);
  checkCampaignProperties(input.properties);
  return {
    kind: 'campaign',
    ...common,
    type: input.type ?? was?.type ?? 'EMAIL',
    status: input.status ?? was?.status ?? 'ACTIVE',
    purpose: input.purpose !== undefined ? input.purpose : (was?.purpose ?? null),
    properties: input.properties ?? was?.properties ?? {},
  };
}

/**
 * Creates a program or campaign, or updates it: fields not given are kept, its access set too unless
 * `organizationIds` is given. A program's dates follow Responsys' (created once, modified when it changes).
 */
export async function putAccessList(tenantId: string, input: AccessListInput): Promise<{ created: boolean; written: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const existing = await directory().getAccessList(tenantId, input.kind, input.name);
    const next = merged(input, existing);
    if (existing && isDeepStrictEqual(existing, next)) return { created: false, written: false };
    try {
      await directory().putAccessList(tenantId, next, existing);
      return { created: !existing, written: true };
    } catch (error) {
      const retryable = error instanceof AppError && error.kind === 'conflict' && attempt < 5;
      if (!retryable) throw error;
    }
  }
}

/**
 * Rewrites the programs and campaigns stored before their documented fields and listing entries
 * (GET /programs and /campaigns page through those): defaults filled in, ACTIVE programs RUNNING.
 * Idempotent; returns how many it rewrote.
 */
export async function migrateAccessLists(): Promise<number> {
  let written = 0;
  for (const tenant of await listTenants()) {
    for (const kind of ['program', 'campaign'] as const) {
      for (const list of await directory().listAccessLists(tenant.id, kind)) {
        if ((await putAccessList(tenant.id, { kind, id: list.id, name: list.name })).written) written += 1;
      }
    }
  }
  return written;
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
